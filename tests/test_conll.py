"""CoNLL-style files as they come: layouts, -DOCSTART-, schemes, broken IOB2, bad lines, encodings, the tag set."""

import pytest

from panx_ner.conll import collected_tag_set, find_conll_file, read_conll
from panx_ner.errors import PipelineError
from panx_ner.schemes import detect_scheme, to_iob2
from panx_ner.sources import decide_tag_set, load_corpus
from panx_ner.tags import PANX, TagSet
from panx_ner.text_checks import text_findings

GOOD = "de:Angela\tB-PER\nde:Merkel\tI-PER\nde:besucht\tO\nde:Paris\tB-LOC\n\n\n\nde:Die\tO\nde:Bahn\tB-ORG\n\n"
WORDS = [["Angela", "Merkel", "besucht", "Paris"], ["Die", "Bahn"]]
TAGS = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "B-ORG"]]


def write(tmp_path, text, name="train"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_parses_sentences_strips_prefix_and_counts_empty_sentences(tmp_path):
    parsed = read_conll(write(tmp_path, GOOD), "de")
    assert parsed.tokens == WORDS
    assert parsed.tags == TAGS
    assert parsed.tag_ids(PANX)[0] == [PANX.tag2id[t] for t in TAGS[0]]
    assert parsed.empty_sentences == 2


def layout(rows, columns, separator, docstart):
    """The same two sentences in another column layout: `columns` of 2 (word tag), 3 (index word tag) or 4
    (CoNLL-2003: word POS chunk tag)."""
    lines = []
    if docstart:
        lines += [separator.join({2: ["-DOCSTART-", "O"], 3: ["0", "-DOCSTART-", "O"],
                                  4: ["-DOCSTART-", "-X-", "-X-", "O"]}[columns]), ""]
    for words, tags in rows:
        for index, (word, tag) in enumerate(zip(words, tags)):
            lines.append(separator.join({2: [word, tag], 3: [str(index), word, tag],
                                         4: [word, "NNP", "I-NP", tag]}[columns]))
        lines.append("")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("columns", [2, 3, 4])
@pytest.mark.parametrize("separator", ["\t", " "])
@pytest.mark.parametrize("docstart", [False, True])
def test_every_column_layout_reads_the_same_sentences(tmp_path, columns, separator, docstart):
    parsed = read_conll(write(tmp_path, layout(zip(WORDS, TAGS), columns, separator, docstart)), "de")
    assert (parsed.tokens, parsed.tags, parsed.empty_sentences) == (WORDS, TAGS, 0)
    report = parsed.report
    assert (report.columns, report.word_column, report.tag_column) == (columns, 2 if columns == 3 else 1, columns)
    assert report.separator == ("tab" if separator == "\t" else "space")
    assert report.documents == int(docstart)


def test_numbers_as_words_are_not_an_index_column(tmp_path):
    parsed = read_conll(write(tmp_path, "1990\tO\n12\tO\n"), "de")
    assert parsed.tokens == [["1990", "12"]] and parsed.report.word_column == 1


@pytest.mark.parametrize("tags,scheme", [
    (["B-PER", "I-PER", "O", "B-LOC"], "IOB2"),
    (["I-PER", "I-PER", "B-PER", "O", "I-LOC"], "IOB1"),   # B- only between two adjacent entities of one type
    (["B-PER", "E-PER", "O", "S-LOC"], "BIOES"),
    (["O", "I-LOC", "B-ORG"], "IOB2"),  # an I- start beside B- starts: broken IOB2, not IOB1
])
def test_the_scheme_is_detected(tags, scheme):
    assert detect_scheme([tags]) == scheme


@pytest.mark.parametrize("tags,scheme,iob2,repaired", [
    (["I-PER", "I-PER", "B-PER", "O", "I-LOC"], "IOB1", ["B-PER", "I-PER", "B-PER", "O", "B-LOC"], 0),
    (["B-PER", "I-PER", "E-PER", "S-LOC", "S-LOC", "O", "B-ORG", "E-ORG"], "BIOES",
     ["B-PER", "I-PER", "I-PER", "B-LOC", "B-LOC", "O", "B-ORG", "I-ORG"], 0),
    # I- after O, at the start and after another type: each read as a start (conlleval, seqeval default), counted
    (["I-PER", "O", "I-LOC", "B-ORG", "I-PER", "I-PER"], "IOB2", ["B-PER", "O", "B-LOC", "B-ORG", "B-PER", "I-PER"],
     3),
])
def test_schemes_become_iob2_and_broken_iob2_is_counted(tags, scheme, iob2, repaired):
    assert to_iob2(tags, scheme) == (iob2, repaired)


def test_a_file_in_bioes_is_read_as_iob2_and_reported(tmp_path):
    parsed = read_conll(write(tmp_path, "Angela\tB-PER\nMerkel\tE-PER\nin\tO\nParis\tS-LOC\n"), "de")
    assert parsed.tags == [["B-PER", "I-PER", "O", "B-LOC"]]
    assert (parsed.report.scheme.scheme, parsed.report.scheme.detected) == ("BIOES", True)
    assert "BIOES (detected) read as IOB2" in parsed.report.line()


def test_a_declared_scheme_is_used_as_declared(tmp_path):
    path = write(tmp_path, "Bahn\tI-ORG\nfährt\tO\n")
    assert read_conll(path, "de", "IOB1").report.scheme.repaired_inside_tags == 0
    iob2 = read_conll(path, "de", "IOB2")
    assert iob2.tags == [["B-ORG", "O"]] and iob2.report.scheme.repaired_inside_tags == 1
    with pytest.raises(PipelineError, match=r":1: tag 'S-LOC' is not a IOB2 tag; expected O or B-/I- and a type"):
        read_conll(write(tmp_path, "Rom\tS-LOC\n"), "de", "IOB2")


@pytest.mark.parametrize("line,reason", [
    ("de:Berlin", "line has one column ('de:Berlin'); expected a word and its tag"),
    ("de:Berlin\tNNP\tB-LOC", "3 tab-separated columns, but line 1 has 2 tab-separated; expected one layout a file"),
    ("de:Berlin NNP B-LOC", "3 space-separated columns, but line 1 has 2 tab-separated; expected one layout a file"),
    ("de:Berlin\tB_LOC", "tag 'B_LOC' is not a IOB2, IOB1 or BIOES tag"),
])
def test_bad_line_names_file_line_and_reason(tmp_path, line, reason):
    path = write(tmp_path, f"de:Die\tO\n{line}\n", "dev")
    with pytest.raises(PipelineError) as error:
        read_conll(path, "de")
    assert str(error.value).startswith(f"{path}:2: {reason}")


def test_a_line_with_an_empty_word_is_dropped_and_counted(tmp_path):
    parsed = read_conll(write(tmp_path, "0\tu.\tO\n1\t\tO\n2\t.\tO\n"), "de")
    assert parsed.tokens == [["u.", "."]] and parsed.report.empty_words == 1
    assert "1 line with an empty word dropped" in parsed.report.line()


def test_prefix_of_another_language_and_bare_colon_tokens_are_kept(tmp_path):
    assert read_conll(write(tmp_path, "fr:Paris\tB-LOC\nde:\tO\n"), "de").tokens == [["fr:Paris", "de:"]]


def test_split_names_and_suffixes(tmp_path):
    for name in ("train.iob", "val.conllu", "test.tsv"):
        write(tmp_path, "Rom\tB-LOC\n", name)
    assert [find_conll_file(tmp_path, split).name for split in ("train", "validation", "test")] == \
        ["train.iob", "val.conllu", "test.tsv"]
    write(tmp_path, "Rom\tB-LOC\n", "dev")
    with pytest.raises(PipelineError, match=r"split validation has 2 CoNLL files \(dev, val.conllu\); expected one"):
        find_conll_file(tmp_path, "validation")


def corpus(tmp_path, files: dict[str, str], folder="de"):
    """A corpus folder `<root>/<folder>/` with the given split files."""
    root = tmp_path / "corpus"
    (root / folder).mkdir(parents=True)
    for name, text in files.items():
        (root / folder / name).write_text(text)
    return root


FIVE_TYPES = ("Angela\tB-PER\nin\tO\nBerlin\tB-LOC\nbei\tO\nSiemens\tB-ORG\nam\tO\nMontag\tB-DATE\n\n"
              "iPhone\tB-PRODUCT\n15\tI-PRODUCT\n")


def test_the_tag_set_is_collected_from_the_train_files_in_a_fixed_order(tmp_path):
    root = corpus(tmp_path, {"train.conll": FIVE_TYPES, "val.conll": "Rom\tB-LOC\n", "test.conll": "Rom\tB-LOC\n"})
    tag_set, origin = decide_tag_set(str(root), None, {"de": ("train", "validation", "test")}, ["de"], None, "auto")
    assert tag_set.entity_types == ["DATE", "LOC", "ORG", "PER", "PRODUCT"]
    assert tag_set.tags[:3] == ("O", "B-DATE", "I-DATE") and origin.startswith("collected from the train files")
    dataset, empty, reports = load_corpus(str(root), "de", None, tag_set)
    assert dataset["train"].features["ner_tags"].feature.names == list(tag_set.tags)
    assert reports["train"]["format"] == "conll" and reports["train"]["scheme"]["scheme"] == "IOB2"


def test_a_test_tag_that_train_never_saw_names_the_tag_file_and_line(tmp_path):
    root = corpus(tmp_path, {"train": GOOD, "dev": "Rom\tB-LOC\n", "test": "Rom\tB-LOC\nam\tO\nMontag\tB-DATE\n"})
    with pytest.raises(PipelineError) as error:
        decide_tag_set(str(root), None, {"de": ("train", "validation", "test")}, ["de"], None, "auto")
    assert str(error.value) == (f"{root / 'de' / 'test'}:3: tag 'B-DATE' is not in the tag set (O, B-LOC, I-LOC, "
                                f"B-ORG, I-ORG, B-PER, I-PER); expected a type the train splits have, or add it to "
                                f"dataset.tags")


def test_declared_tags_fix_the_order(tmp_path):
    root = corpus(tmp_path, {"train": GOOD, "dev": "Rom\tB-LOC\n", "test": "Rom\tB-LOC\n"})
    tag_set, origin = decide_tag_set(str(root), None, {"de": ("train", "validation", "test")}, ["de"], PANX.tags,
                                     "auto")
    assert tag_set == PANX and origin == "dataset.tags in params.yaml"


def test_collected_tag_set_lists_b_and_i_of_every_type_found(tmp_path):
    parsed = read_conll(write(tmp_path, "Bahn\tB-ORG\n"), "de")
    assert collected_tag_set([parsed]) == TagSet(("O", "B-ORG", "I-ORG"))


def test_broken_text_is_found_with_examples():
    findings = text_findings([["Erzдhlung", "Flьchtlinge", "BB&T-центр", "Berlin"], ["a\x07b", "x\ufffdy"],
                              ["Erzдhlung"]])
    assert findings == {
        "control_character": {"words": 1, "examples": ["a\\x07b"]},
        "mixed_latin_cyrillic": {"words": 3, "examples": ["Erzдhlung", "Flьchtlinge"]},
        "replacement_character": {"words": 1, "examples": ["x\ufffdy"]},
    }


def write_bytes(tmp_path, data: bytes):
    path = tmp_path / "train"
    path.write_bytes(data)
    return path


def test_byte_order_mark_is_accepted_and_the_prefix_still_stripped(tmp_path):
    path = write_bytes(tmp_path, "\ufeffde:Berlin\tB-LOC\nde:ist\tO\n".encode("utf-8"))
    assert read_conll(path, "de").tokens == [["Berlin", "ist"]]


@pytest.mark.parametrize("data,line", [
    ("de:Berlin\tB-LOC\nde:Köln\tB-LOC\n".encode("latin-1"), 2),
    ("de:Berlin\tB-LOC\n".encode("utf-16"), 1),
])
def test_other_encodings_are_an_error_naming_the_line(tmp_path, data, line):
    path = write_bytes(tmp_path, data)
    with pytest.raises(PipelineError) as error:
        read_conll(path, "de")
    assert str(error.value).startswith(f"{path}:{line}: not UTF-8 text")


def test_trailing_space_is_harmless_and_docstart_separates_documents(tmp_path):
    path = write(tmp_path, "-DOCSTART-\tO\n\nde:Bonn\tB-LOC \nde:liegt\tO\n-DOCSTART- -X- O O\nde:Rom\tB-LOC\n")
    parsed = read_conll(path, "de")
    assert parsed.tokens == [["Bonn", "liegt"], ["Rom"]]
    assert parsed.empty_sentences == 0  # the blank line after -DOCSTART- ends nothing
