"""A team's own corpus through the whole pipeline: CoNLL-2003's layout, five entity types (DATE and PRODUCT beside
PAN-X's three), broken IOB2 in the train file; and a test file with a type train never saw stopping at check_params."""

import hashlib
import json
import shutil

import pytest
import yaml

from tests.tiny import OWN_TAGS, run

pytestmark = pytest.mark.slow
NEW_TYPES = ("DATE", "PRODUCT")


def test_the_tag_set_is_collected_from_the_train_file_and_travels_in_the_model_config(own_corpus_pipeline):
    decided = json.loads((own_corpus_pipeline / "data" / "tags.json").read_text())
    assert tuple(decided["tags"]) == OWN_TAGS  # O, then B-/I- of each type by name
    for model in ("models/en/seed42", "models/learning_curve/20/seed42", "release/en"):
        config = json.loads((own_corpus_pipeline / model / "config.json").read_text())
        assert [config["id2label"][str(i)] for i in range(len(OWN_TAGS))] == list(OWN_TAGS), model
        assert config["label2id"] == {tag: i for i, tag in enumerate(OWN_TAGS)}, model


def test_the_reader_report_names_the_layout_and_the_repaired_tags(own_corpus_pipeline):
    corpus = json.loads((own_corpus_pipeline / "metrics" / "corpus.json").read_text())["en"]
    train = corpus["train"]["reader"]
    assert (train["columns"], train["separator"], train["word_column"], train["tag_column"]) == (4, "space", 1, 4)
    assert train["documents"] == 1 and train["scheme"] == {"scheme": "IOB2", "detected": True,
                                                           "repaired_inside_tags": 3}
    assert corpus["validation"]["reader"]["file"].endswith("dev.conll")
    assert all(corpus[split]["sentences"] == rows for split, rows in [("train", 80), ("validation", 30), ("test", 30)])
    assert all(corpus["train"][entity_type] > 0 for entity_type in NEW_TYPES)
    assert corpus["train"]["pieces_per_word"] >= 1


def test_scores_error_report_and_examples_have_every_type(own_corpus_pipeline):
    scores = json.loads((own_corpus_pipeline / "metrics" / "scores" / "en-seed42.json").read_text())["en"]
    for entity_type in ("PER", "ORG", "LOC", *NEW_TYPES):
        assert scores[entity_type]["support"] > 0, entity_type  # seqeval scores the test file's gold entities
        assert 0 <= scores[entity_type]["f1"] <= 1
    assert 0 <= scores["strict"]["f1"] <= 1
    confusion = (own_corpus_pipeline / "metrics" / "errors" / "confusion_counts.csv").read_text()
    assert "B-DATE" in confusion and "I-PRODUCT" in confusion
    f1 = json.loads((own_corpus_pipeline / "metrics" / "f1.json").read_text())
    assert set(f1) == {"en"} and 0 <= f1["en"]["en"]["mean"] <= 1


def test_the_tag_command_and_the_released_folder_name_the_new_types(own_corpus_pipeline):
    from transformers import pipeline

    text = "Anna Schmidt kauft im Mai einen Galaxy Note in Berlin"
    tagged = json.loads(run(["python", "-m", "stages.tag", "--model", "models/en/seed42", "--json", text],
                            own_corpus_pipeline).stdout.strip().splitlines()[-1])
    assert set(tagged["tags"]) <= set(OWN_TAGS) and {entity["type"] for entity in tagged["entities"]} <= {
        "PER", "ORG", "LOC", *NEW_TYPES}
    release = own_corpus_pipeline / "release" / "en"
    tagger = pipeline("token-classification", model=str(release), aggregation_strategy="first")
    assert set(tagger.model.config.id2label.values()) == set(OWN_TAGS)
    assert {entity["entity_group"] for entity in tagger(text)} <= {"PER", "ORG", "LOC", *NEW_TYPES}
    card = (release / "README.md").read_text()
    assert all(entity_type in card for entity_type in ("PER", "ORG", "LOC", *NEW_TYPES))
    assert "PAN-X" not in card.split("\n---", 1)[0]  # the card's metadata names the corpus, not PAN-X


def _hashes(project, paths) -> dict[str, str]:
    return {str(path.relative_to(project)): hashlib.md5(path.read_bytes()).hexdigest()
            for folder in paths for path in sorted((project / folder).rglob("*")) if path.is_file()}


def test_a_test_file_with_a_type_train_never_saw_is_one_line_and_touches_no_output(own_corpus_pipeline, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(yaml.safe_load((own_corpus_pipeline / "params.yaml").read_text())["dataset"]["source"], corpus)
    test_file = corpus / "en" / "test.conll"
    lines = test_file.read_text().splitlines()
    line_number = len(lines) + 2
    test_file.write_text("\n".join([*lines, "", "Olympia NN I-NP B-EVENT", ""]))
    project = tmp_path / "project"
    shutil.copytree(own_corpus_pipeline, project, symlinks=True)
    params = yaml.safe_load((project / "params.yaml").read_text())
    params["dataset"].update(source=str(corpus), tracked=str(corpus))
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    outputs = ("data/raw", "data/tags.json", "models", "metrics", "release")
    before = _hashes(project, [p for p in outputs if (project / p).is_dir()])
    tags_before = (project / "data" / "tags.json").read_text()

    checked = run(["python", "-m", "stages.check_params"], project, check=False)
    assert checked.returncode == 2 and "Traceback" not in checked.stderr
    assert checked.stderr.strip() == (
        f"error: {test_file}:{line_number}: tag 'B-EVENT' is not in the tag set ({', '.join(OWN_TAGS)}); expected a "
        f"type the train splits have, or add it to dataset.tags")
    repro = run(["dvc", "repro"], project, check=False)
    assert repro.returncode != 0 and "tag 'B-EVENT' is not in the tag set" in repro.stderr + repro.stdout
    assert _hashes(project, [p for p in outputs if (project / p).is_dir()]) == before
    assert (project / "data" / "tags.json").read_text() == tags_before
