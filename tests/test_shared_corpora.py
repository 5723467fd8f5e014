"""The reader on the real corpora of ../shared/corpora, byte for byte as published (skipped where absent): the
counts of broken IOB2 and mis-encoded text that its README measured, found and reported by the pipeline's reader."""

import pytest

from panx_ner.conll import collected_tag_set, find_conll_file, read_conll
from panx_ner.tags import TagSet
from panx_ner.text_checks import text_findings, warning_lines

pytestmark = pytest.mark.slow
CONLL_TAGS = ("O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-ORG", "I-ORG", "B-PER", "I-PER")


def test_conll_tag_set_layout_and_repaired_inside_tags(shared_corpora):
    parsed = {(language, split): read_conll(shared_corpora / "conll" / language / f"{name}.conllu", language)
              for language in ("en", "de", "es", "nl")
              for split, name in (("train", "train"), ("validation", "val"), ("test", "test"))}
    tag_set = collected_tag_set([split for (_, name), split in parsed.items() if name == "train"])
    assert tag_set.tags == CONLL_TAGS  # O, then B-/I- of each type by name: MISC is the fourth type
    repaired = {}
    for key, split in parsed.items():
        report = split.report
        assert (report.columns, report.separator, report.word_column, report.tag_column) == (3, "tab", 2, 3), key
        assert report.scheme.scheme == "IOB2" and report.scheme.detected
        assert len(split.tag_ids(tag_set)) == len(split.tokens)  # no split has a tag outside the train files' set
        repaired[key] = report.scheme.repaired_inside_tags
    assert repaired["en", "train"] == 173 and repaired["de", "train"] == 206  # the corpora README's counts
    assert all(repaired[language, split] == 0 for language in ("es", "nl") for split in ("train", "validation", "test"))
    assert parsed["de", "test"].report.empty_words == 1  # a line with an empty word, dropped and counted


def test_the_mis_encoded_german_copy_is_reported_and_the_english_is_not(shared_corpora):
    german = read_conll(shared_corpora / "conll" / "de" / "train.conllu", "de")
    findings = text_findings(german.tokens)
    assert set(findings) == {"mixed_latin_cyrillic"}
    assert findings["mixed_latin_cyrillic"]["words"] > 5999  # the README: 5,999 lines with д alone
    assert "Erzдhlung" in findings["mixed_latin_cyrillic"]["examples"]
    [line] = warning_lines("de", "train", findings)
    assert line.startswith(f"warning: de train: {findings['mixed_latin_cyrillic']['words']} words with mixed latin")
    english = read_conll(shared_corpora / "conll" / "en" / "train.conllu", "en")
    assert text_findings(english.tokens) == {}


@pytest.mark.parametrize("language,repaired", [("ru", 604), ("en", 559), ("pl", 95), ("it", 62), ("pt", 67),
                                               ("fr", 39), ("de", 0), ("es", 0), ("nl", 0)])
def test_wikineural_val_and_test_read_as_validation_and_test(shared_corpora, language, repaired):
    folder = shared_corpora / "wikineural"
    test = read_conll(folder / language / "test.conllu", language)
    assert find_conll_file(folder / language, "validation").name == "val.conllu"
    assert test.report.scheme.repaired_inside_tags == repaired
    assert len(test.tag_ids(TagSet(CONLL_TAGS))) == len(test.tokens) > 9000


def test_polish_falls_back_to_shorter_pieces_of_the_stand_in_vocabulary(shared_corpora):
    from transformers import AutoTokenizer

    model = shared_corpora.parent / "models" / "multilingual-e5-small"
    if not model.is_dir():
        pytest.skip(f"the stand-in model not found at {model}")
    tokenizer = AutoTokenizer.from_pretrained(str(model))

    def pieces_per_word(language: str) -> float:
        sentences = read_conll(shared_corpora / "wikineural" / language / "test.conllu", language).tokens[:2000]
        pieces = tokenizer(sentences, is_split_into_words=True, add_special_tokens=False)["input_ids"]
        return sum(map(len, pieces)) / sum(map(len, sentences))

    polish, german = pieces_per_word("pl"), pieces_per_word("de")
    assert polish > 1.3 * german  # pl is not one of the 16 languages whose pieces the trimmed vocabulary keeps
