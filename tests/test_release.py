"""release/<strategy>/: the trained model with a Hugging Face model card, usable from the folder alone."""

import json
import shutil

import pytest
import yaml

pytestmark = pytest.mark.slow  # reads the tiny pipeline's outputs


def card_parts(folder):
    text = (folder / "README.md").read_text()
    assert text.startswith("---\n")
    header, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(header), body


def test_every_strategy_has_a_model_card_with_this_runs_scores(tiny_pipeline):
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    for strategy, languages in params["strategies"].items():
        header, body = card_parts(tiny_pipeline / "release" / strategy)
        assert header["pipeline_tag"] == "token-classification"
        assert header["language"] == languages
        assert header["base_model"] == params["release"]["base_model"]
        assert header["license"] == params["release"]["license"]
        assert header["datasets"] == ["google/xtreme"]
        scores = json.loads((tiny_pipeline / "data" / "scores" / f"{strategy}-seed42.json").read_text())
        carded = {result["dataset"]["name"]: result["metrics"][0]["value"]
                  for result in header["model-index"][0]["results"]}
        assert carded == {f"PAN-X.{language}": s["f1"] for language, s in scores.items()}
        for section in ("## Training data", "## Training", "## Test scores", "## How to use", "## Limitations"):
            assert section in body
        assert "stand-in" in body  # the tiny model is not xlm-roberta-base


def test_the_released_folder_alone_tags_text_through_transformers_pipeline(tiny_pipeline, tmp_path):
    from transformers import pipeline

    folder = shutil.copytree(tiny_pipeline / "release" / "en", tmp_path / "handed-on")
    tagger = pipeline("token-classification", model=str(folder), aggregation_strategy="first")
    assert tagger.model.config.id2label[0] == "O"
    entities = tagger("Ada Lovelace lived in London")
    assert isinstance(entities, list)
    for entity in entities:
        assert entity["entity_group"] in ("PER", "ORG", "LOC") and 0 <= entity["start"] < entity["end"] <= 28
    identical = [name.name for name in (tiny_pipeline / "models" / "en" / "seed42").iterdir()
                 if (folder / name.name).read_bytes() == name.read_bytes()]
    assert sorted(identical) == sorted(name.name for name in (tiny_pipeline / "models" / "en" / "seed42").iterdir())
