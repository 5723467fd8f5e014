"""DVCLive logging reads what the Trainer computes anyway: a training logged to DVCLive saves the same weights, bit
for bit, as the same training without it."""

import filecmp

import pytest

from tests.tiny import copy_project

pytestmark = pytest.mark.slow  # trains the tiny pipeline's model twice


def test_logging_to_dvclive_changes_no_weight(tiny_pipeline, tmp_path, monkeypatch):
    from panx_ner.artifacts import live_metric_file, load_split
    from panx_ner.params import load_params
    from panx_ner.training import train_model

    project = copy_project(tiny_pipeline, tmp_path / "project")
    monkeypatch.chdir(project)  # params.yaml and the trainsets of the tiny pipeline; DVCLive needs its git repository
    params = load_params()
    folder = project / "data" / "trainsets" / "en"
    train, validation = load_split(folder, "train"), load_split(folder, "validation")
    for name, live in (("plain", None), ("logged", tmp_path / "live")):
        train_model(params.model.checkpoint, train, validation, params.train, 42, tmp_path / name, f"log-test-{name}",
                    live_dir=live)
    assert filecmp.cmp(tmp_path / "plain" / "model.safetensors", tmp_path / "logged" / "model.safetensors",
                       shallow=False)
    steps = [line.split("\t")[0] for line in live_metric_file(tmp_path / "live", "train/loss").read_text().splitlines()]
    assert steps[0] == "step" and steps[1] == "1"  # it did log
