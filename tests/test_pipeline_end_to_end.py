"""`dvc repro` of the whole pipeline in a temporary copy of the project, on tiny data with a tiny model."""

import csv
import json

import pyarrow.parquet as pq
import pytest
import yaml

from tests.tiny import run

pytestmark = pytest.mark.slow  # every test here runs DVC or training on the tiny pipeline


def test_every_stage_ran_and_wrote_its_outputs(tiny_pipeline):
    status = run(["dvc", "status"], tiny_pipeline).stdout
    assert "up to date" in status, status
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    for language in params["languages"]:
        for stage in ("raw", "corpus", "encoded"):
            for split in ("train", "validation", "test"):
                assert (tiny_pipeline / "data" / stage / language / f"{split}.parquet").is_file()
    for strategy in params["strategies"]:
        assert (tiny_pipeline / "models" / strategy / "config.json").is_file()
        assert (tiny_pipeline / "models" / strategy / "tokenizer.json").is_file()
        config = json.loads((tiny_pipeline / "models" / strategy / "config.json").read_text())
        assert list(config["id2label"].values()) == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
        log = list(csv.DictReader((tiny_pipeline / "metrics" / "training" / f"{strategy}.csv").open()))
        assert [int(row["epoch"]) for row in log] == list(range(1, params["train"]["epochs"] + 1))


def test_f1_table_has_every_strategy_and_language(tiny_pipeline):
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    table = json.loads((tiny_pipeline / "metrics" / "f1.json").read_text())
    assert list(table) == list(params["strategies"])
    for strategy, row in table.items():
        assert list(row) == list(params["languages"])
        assert all(0.0 <= value <= 1.0 for value in row.values()), row
    markdown = (tiny_pipeline / "metrics" / "f1.md").read_text()
    assert "| each |" in markdown and "| all |" in markdown


def test_learning_curve_has_one_row_per_size(tiny_pipeline):
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    rows = list(csv.DictReader((tiny_pipeline / "metrics" / "learning_curve.csv").open()))
    assert [int(row["num_samples"]) for row in rows] == params["learning_curve"]["sizes"]
    table = json.loads((tiny_pipeline / "metrics" / "f1.json").read_text())
    assert {float(row["zero_shot_f1"]) for row in rows} == {table["de"]["fr"]}
    assert (tiny_pipeline / "metrics" / "learning_curve.png").read_bytes()[:4] == b"\x89PNG"


def test_encoded_parquet_schema(tiny_pipeline):
    schema = pq.read_schema(tiny_pipeline / "data" / "encoded" / "de" / "train.parquet")
    assert set(schema.names) >= {"tokens", "ner_tags", "input_ids", "attention_mask", "labels", "num_words_truncated"}
    raw = pq.read_schema(tiny_pipeline / "data" / "raw" / "de" / "train.parquet")
    assert raw.names == ["tokens", "ner_tags", "langs"]
    assert b"B-PER" in raw.metadata[b"huggingface"]  # ClassLabel names travel with the file


def test_metrics_show_prints_the_f1_table(tiny_pipeline):
    shown = run(["dvc", "metrics", "show", "metrics/f1.json"], tiny_pipeline).stdout
    for column in ("de.fr", "all.en"):
        assert column in shown, shown


def test_plots_show_renders_learning_and_training_curves(tiny_pipeline, tmp_path):
    run(["dvc", "plots", "show", "-o", str(tmp_path / "plots")], tiny_pipeline)
    html = (tmp_path / "plots" / "index.html").read_text()
    for plot_id in ("Learning_curve", "Validation_F1_per_epoch", "Loss_per_epoch"):
        assert f"vegaEmbed('#{plot_id}" in html
