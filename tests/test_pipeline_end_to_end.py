"""`dvc repro` of the whole pipeline in a temporary copy of the project, on tiny data with a tiny model."""

import csv
import json
import re
from pathlib import Path

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
        model = tiny_pipeline / "models" / strategy / "seed42"
        assert (model / "config.json").is_file()
        assert (model / "tokenizer.json").is_file()
        config = json.loads((model / "config.json").read_text())
        assert list(config["id2label"].values()) == ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
        log = list(csv.DictReader((tiny_pipeline / "metrics" / "training.csv").open()))
        epochs = [int(row["epoch"]) for row in log if row["model"] == f"{strategy}-seed42"]
        assert epochs == list(range(1, params["train"]["epochs"] + 1))


def test_f1_table_has_every_strategy_and_language(tiny_pipeline):
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    table = json.loads((tiny_pipeline / "metrics" / "f1.json").read_text())
    assert list(table) == list(params["strategies"])
    for strategy, row in table.items():
        assert list(row) == [*params["languages"], *params["zero_shot_languages"]]
        assert all(0.0 <= cell["mean"] <= 1.0 and cell["sd"] is None for cell in row.values()), row  # one seed
    markdown = (tiny_pipeline / "metrics" / "f1.md").read_text()
    book, every = markdown.split("Every strategy")
    assert "| each " in book and "| all " in book and "nl" not in book
    assert "nl" in every and "all (de+fr+it+en)" in every
    assert (tiny_pipeline / "metrics" / "transfer.png").read_bytes()[:4] == b"\x89PNG"


def test_evaluation_only_language_is_sampled_encoded_scored_and_never_trained_on(tiny_pipeline):
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    assert "nl" in params["zero_shot_languages"]
    for stage in ("corpus", "encoded"):
        assert sorted(p.name for p in (tiny_pipeline / "data" / stage / "nl").iterdir()) == ["test.parquet"]
    raw_test = pq.ParquetFile(tiny_pipeline / "data" / "raw" / "nl" / "test.parquet").metadata.num_rows
    sampled = pq.ParquetFile(tiny_pipeline / "data" / "corpus" / "nl" / "test.parquet").metadata.num_rows
    assert sampled == int(params["zero_shot_languages"]["nl"] * raw_test)
    for strategy in params["strategies"]:
        assert "nl" in json.loads((tiny_pipeline / "metrics" / "scores" / f"{strategy}-seed42.json").read_text())
        trainset = pq.read_table(tiny_pipeline / "data" / "trainsets" / strategy / "train.parquet")
        languages = params["strategies"][strategy]
        expected = sum(pq.ParquetFile(tiny_pipeline / "data" / "encoded" / lang / "train.parquet").metadata.num_rows
                       for lang in languages)
        assert trainset.num_rows == expected  # only the strategy's own languages went into training
    assert "nl" in json.loads((tiny_pipeline / "metrics" / "corpus.json").read_text())


def test_learning_curve_has_one_row_per_size(tiny_pipeline):
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    rows = list(csv.DictReader((tiny_pipeline / "metrics" / "learning_curve.csv").open()))
    assert [int(row["num_samples"]) for row in rows] == params["learning_curve"]["sizes"]
    table = json.loads((tiny_pipeline / "metrics" / "f1.json").read_text())
    assert {float(row["zero_shot_f1"]) for row in rows} == {table["de"]["fr"]["mean"]}
    assert (tiny_pipeline / "metrics" / "learning_curve.png").read_bytes()[:4] == b"\x89PNG"


def test_encoded_parquet_schema(tiny_pipeline):
    schema = pq.read_schema(tiny_pipeline / "data" / "encoded" / "de" / "train.parquet")
    assert set(schema.names) >= {"tokens", "ner_tags", "input_ids", "attention_mask", "labels", "num_words_truncated"}
    raw = pq.read_schema(tiny_pipeline / "data" / "raw" / "de" / "train.parquet")
    assert raw.names == ["tokens", "ner_tags", "langs"]
    assert b"B-PER" in raw.metadata[b"huggingface"]  # ClassLabel names travel with the file


def test_metrics_show_is_readable_and_the_table_is_one_target_away(tiny_pipeline):
    shown = run(["dvc", "metrics", "show"], tiny_pipeline).stdout
    assert "metrics/headline.json" in shown and "f1.all" in shown and "unseen.de" in shown, shown
    assert max(len(line) for line in shown.splitlines()) <= 120, shown
    table = run(["dvc", "metrics", "show", "metrics/f1.json"], tiny_pipeline).stdout
    assert "de.fr.mean" in table and "all.nl.mean" in table, table


def test_every_declared_plot_has_data_and_no_error(tiny_pipeline):
    declared = yaml.safe_load((tiny_pipeline / "dvc.yaml").read_text())["plots"]
    names = [next(iter(plot)) if isinstance(plot, dict) else plot for plot in declared]
    shown = json.loads(run(["dvc", "plots", "show", "--json"], tiny_pipeline).stdout)
    assert not shown.get("errors"), shown["errors"]
    for name in names:
        rendered = shown["data"][name]
        assert rendered, f"plot {name!r} came back empty"
        for plot in rendered:
            if plot["type"] == "vega":
                assert plot["content"]["data"]["values"], f"plot {name!r} has no data points"
            else:
                assert plot["type"] == "image" and Path(plot["url"]).stat().st_size > 0


def test_adding_or_removing_an_evaluation_only_language_reruns_no_training(tiny_pipeline, tmp_path):
    from tests.tiny import copy_project

    project = copy_project(tiny_pipeline, tmp_path / "zero-shot")
    params = yaml.safe_load((project / "params.yaml").read_text())
    fraction = params["zero_shot_languages"].pop("nl")
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    removed = set(re.findall(r"Running stage '([^']+)'", run(["dvc", "repro"], project).stdout))
    assert {"evaluate@de-42", "evaluate@all-42", "summarize"} <= removed, removed
    # make_trainset may rerun (cheap, byte-identical output); no model is retrained
    assert not any(stage.startswith(("train", "encode@", "sample@")) for stage in removed), removed
    assert "nl" not in json.loads((project / "metrics" / "f1.json").read_text())["de"]

    params["zero_shot_languages"]["nl"] = fraction / 2
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    added = set(re.findall(r"Running stage '([^']+)'", run(["dvc", "repro"], project).stdout))
    assert {"prepare_zero_shot@nl", "evaluate@de-42", "summarize"} <= added, added
    assert not any(stage.startswith(("train", "download@", "encode@", "sample@")) for stage in added), added
    assert "nl" in json.loads((project / "metrics" / "f1.json").read_text())["de"]


def test_step_level_training_loss_is_drawn_for_every_model_from_its_dvclive_log(tiny_pipeline):
    """Every model's DVCLive folder holds the loss of the first and every train.log_every_steps-th step, and the DVC
    plot draws a line of them per model; metrics/training.* are made from those folders."""
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    models = {*(f"{strategy}-seed{seed}" for strategy in params["strategies"] for seed in params["train"]["seeds"]),
              *(f"learning_curve-{size}-seed{seed}" for size in params["learning_curve"]["sizes"]
                for seed in params["train"]["seeds"])}
    every = params["train"]["log_every_steps"]
    shown = json.loads(run(["dvc", "plots", "show", "--json"], tiny_pipeline).stdout)
    plot = shown["data"]["Training loss per step (DVCLive, every train.log_every_steps steps)"][0]
    points = plot["content"]["data"]["values"]
    assert {point["model"] for point in points} == models
    for model in models:
        live = tiny_pipeline / "data" / "training" / model
        logged = [line.split("\t") for line in (live / "plots/metrics/train/loss.tsv").read_text().splitlines()[1:]]
        steps = [int(step) for step, _ in logged]
        assert steps[0] == 1 and all(step % every == 0 for step in steps[1:]), (model, steps)  # the first, every N
        drawn = [point for point in points if point["model"] == model]
        assert [int(point["step"]) for point in drawn] == steps
        assert [float(point["loss"]) for point in drawn] == [round(float(loss), 4) for _, loss in logged]
        assert json.loads((live / "metrics.json").read_text())["eval"]["f1"] >= 0
        assert not (live / "dvc.yaml").exists()  # DVCLive writes no dvc.yaml of its own
    summary = json.loads((tiny_pipeline / "metrics" / "training.json").read_text())
    assert set(summary) == models and all(record["environment"]["threads"] >= 1 for record in summary.values())
