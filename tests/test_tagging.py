"""Tagging raw text: PAN-X word splitting with original offsets, long texts in windows, one-line errors."""

import json
import shutil

import pytest

from panx_ner.tagging import split_words
from tests.tiny import run


@pytest.mark.parametrize("text,words", [
    ("Der Vorstand von Siemens in München.", ["Der", "Vorstand", "von", "Siemens", "in", "München", "."]),
    ("… in Seattle, Washington.", ["…", "in", "Seattle", ",", "Washington", "."]),
    ('Er sagte: "Berlin" (Hauptstadt).', ["Er", "sagte", ":", '"', "Berlin", '"', "(", "Hauptstadt", ")", "."]),
    ("« Paris », dit-il, (France).", ["«", "Paris", "»", ",", "dit-il", ",", "(", "France", ")", "."]),
    ("la Banca d'Italia a Roma.", ["la", "Banca", "d'Italia", "a", "Roma", "."]),
])
def test_punctuation_becomes_tokens_of_its_own_as_in_pan_x(text, words):
    split = split_words(text)
    assert [word for word, _, _ in split] == words
    assert all(text[start:end] == word for word, start, end in split)  # offsets point into the original text


def model_tagging_everything(tiny_model, folder, tag: str):
    """The tiny encoder with a token classifier that gives every sub-word `tag`: what a model that learnt PAN-X's
    bracketed entities does at their edges, made certain."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from panx_ner.tags import PANX

    model = AutoModelForTokenClassification.from_pretrained(tiny_model, num_labels=len(PANX.id2tag), id2label=PANX.id2tag,
                                                            label2id=PANX.tag2id)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.nn.functional.one_hot(torch.tensor(PANX.tag2id[tag]), len(PANX.id2tag)).float())
    model.save_pretrained(folder)
    AutoTokenizer.from_pretrained(tiny_model).save_pretrained(folder)
    return folder


def test_entity_spans_leave_out_punctuation_at_their_edges_and_keep_the_model_spans(tiny_model, tmp_path):
    from panx_ner.tagging import Tagger

    text = "(Zürich) – Die UBS gab bekannt."
    one_entity = Tagger(model_tagging_everything(tiny_model, tmp_path / "inside", "I-LOC"))(text)
    assert [(e.type, e.text) for e in one_entity.model_entities] == [("LOC", text)]  # I- continues: one span
    assert [(e.type, e.text) for e in one_entity.entities] == [("LOC", "Zürich) – Die UBS gab bekannt")]
    assert set(one_entity.tags) == {"I-LOC"}  # the word tags stay as the model gave them
    per_word = Tagger(model_tagging_everything(tiny_model, tmp_path / "begin", "B-LOC"))(text)
    assert [e.text for e in per_word.model_entities] == [word for word, _, _ in split_words(text)]
    assert [e.text for e in per_word.entities] == ["Zürich", "Die", "UBS", "gab", "bekannt"]  # "(" alone is no entity
    assert all(entity.start == text.index(entity.text) for entity in per_word.entities[:2])


def tag(project, *args, check=True):
    return run(["python", "-m", "stages.tag", *args], project, check=check)


@pytest.mark.slow
@pytest.mark.parametrize("text", ["Der Vorstand von Siemens in München.", "Anna Schmidt (Siemens) wohnt in Berlin, "
                                  "Kalifornien.", "Jean Dupont travaille chez « Google » à Paris, en France."])
def test_entities_are_whole_words_without_attached_punctuation(tiny_pipeline, text):
    tagged = json.loads(tag(tiny_pipeline, "--model", "models/all/seed42", "--json", text).stdout.strip().splitlines()[-1])
    starts = {start for _, start, _ in split_words(text)}
    ends = {end for _, _, end in split_words(text)}
    assert tagged["entities"], tagged  # the tiny model finds something in its own vocabulary
    for entity in tagged["entities"]:
        assert entity["start"] in starts and entity["end"] in ends, entity
        assert entity["text"] == text[entity["start"]:entity["end"]]
        # punctuation is a word of its own: an entity may be a (mis-tagged) punctuation word, never glued to a name
        assert [w for w, _, _ in split_words(entity["text"])] == [
            w for w, start, end in split_words(text) if entity["start"] <= start and end <= entity["end"]], entity


@pytest.mark.slow
def test_long_text_is_tagged_in_windows_so_every_word_gets_a_tag(tiny_pipeline):
    from panx_ner.tagging import Tagger

    tagger = Tagger(tiny_pipeline / "models" / "de" / "seed42")
    text = " ".join(["Anna Schmidt wohnt in Berlin ."] * 400)  # 2,400 words, far beyond 128 positions
    tagged = tagger(text)
    words = [word for word, _, _ in split_words(text)]
    pieces = tagger.tokenizer(words, is_split_into_words=True, add_special_tokens=False)["input_ids"]
    assert len(tagged.tokens) == len(tagged.tags) == len(pieces)  # no sub-word of any word was cut
    assert max(entity.end for entity in tagged.entities) > len(text) - 40  # the last sentence was tagged


@pytest.mark.slow
def test_bad_text_files_and_model_folders_are_one_line_errors(tiny_pipeline, tmp_path):
    (tmp_path / "binary.dat").write_bytes(b"\x00\x01\x02PK")
    (tmp_path / "latin1.txt").write_bytes("Köln".encode("latin-1"))
    untrained = tmp_path / "untrained"
    shutil.copytree(tiny_pipeline / "models" / "de" / "seed42", untrained)
    config = json.loads((untrained / "config.json").read_text())
    config["id2label"] = {"0": "LABEL_0", "1": "LABEL_1"}
    config["label2id"] = {"LABEL_0": 0, "LABEL_1": 1}
    (untrained / "config.json").write_text(json.dumps(config))
    no_weights = tmp_path / "no-weights"
    shutil.copytree(tiny_pipeline / "models" / "de" / "seed42", no_weights)
    (no_weights / "model.safetensors").unlink()
    broken_config = tmp_path / "broken-config"
    shutil.copytree(tiny_pipeline / "models" / "de" / "seed42", broken_config)
    (broken_config / "config.json").write_text("{not json")
    no_tokenizer = tmp_path / "no-tokenizer"
    shutil.copytree(tiny_pipeline / "models" / "de" / "seed42", no_tokenizer)
    (no_tokenizer / "tokenizer.json").unlink()
    cases = [
        (["--model", "models/de/seed42", ""], "no text to tag"),
        (["--model", "models/de/seed42", "   "], "no text to tag"),
        (["--model", "models/de/seed42", "--file", str(tmp_path)], "is a directory"),
        (["--model", "models/de/seed42", "--file", str(tmp_path / "binary.dat")], "is a binary file"),
        (["--model", "models/de/seed42", "--file", str(tmp_path / "latin1.txt")], "latin1.txt:1: not UTF-8 text"),
        (["--model", str(untrained), "Berlin"], "it was not fine-tuned by this pipeline"),
        (["--model", str(no_weights), "Berlin"], "has no weights"),
        (["--model", str(no_tokenizer), "Berlin"], "has no tokenizer"),
        (["--model", str(tmp_path / "missing"), "Berlin"], "does not exist"),
        (["--model", str(tmp_path / "binary.dat"), "Berlin"], "is a file, not a folder"),
        (["--model", str(broken_config), "Berlin"], "config.json is not a model config"),
    ]
    for args, message in cases:
        result = tag(tiny_pipeline, *args, check=False)
        assert result.returncode == 2, (args, result.stderr[-2000:])
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines[-1].startswith("error: ") and message in lines[-1], (args, result.stderr[-2000:])
        assert "Traceback" not in result.stderr, args
