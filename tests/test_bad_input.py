"""A user's mistake costs nothing: a bad value under `dvc repro` stops before any output is removed."""

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from tests.tiny import copy_project, run

pytestmark = pytest.mark.slow  # runs DVC on the tiny pipeline


def output_digests(project: Path) -> dict[str, str]:
    """Every file under models/, data/ and metrics/ (DVC's outputs), by content."""
    return {str(path.relative_to(project)): hashlib.sha256(path.read_bytes()).hexdigest()
            for folder in ("models", "data", "metrics") for path in sorted((project / folder).rglob("*"))
            if path.is_file()}


@pytest.mark.parametrize("section,key,value,message", [
    ("train", "learning_rate", -1, "train.learning_rate: -1 must be positive"),
    ("train", "epochs", 2.5, "train.epochs: 2.5 is not an integer"),
    ("sample", "seed", -1, "sample.seed: -1 must be at least 0"),
    ("train", "epoch", 1, "train.epoch: unknown key; did you mean train.epochs?"),  # a typo is not ignored
    ("release", "license", "", "release.license: '' is not a non-empty string"),
])
def test_bad_param_under_dvc_repro_leaves_every_output_in_place(tiny_pipeline, tmp_path, section, key, value,
                                                                 message):
    project = copy_project(tiny_pipeline, tmp_path / "typo")
    before = output_digests(project)
    params = yaml.safe_load((project / "params.yaml").read_text())
    params[section][key] = value
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    for command in (["dvc", "repro"], ["dvc", "repro", "train@de-42"]):
        result = run(command, project, check=False)
        assert result.returncode != 0
        assert message in result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert output_digests(project) == before  # byte-identical: not one output removed or rewritten
    check = run(["python", "-m", "stages.check_params"], project, check=False)
    assert check.returncode == 2 and check.stderr.strip() == f"error: params.yaml: {message}"


def shape_cases():
    """Params that DVC itself reads to build the stage graph, in a shape it cannot use."""
    return [(lambda p: p["train"].update(seeds=42), "train.seeds: 42 must be a non-empty list of seeds"),
            (lambda p: p["learning_curve"].update(sizes=10), "learning_curve.sizes: 10 must be a non-empty list"),
            (lambda p: p.update(strategies=["de"]), "strategies: ['de'] must map a strategy name to a list"),
            (lambda p: p.update(zero_shot_languages=None), "zero_shot_languages: None must map each language code")]


@pytest.mark.parametrize("edit,message", shape_cases())
def test_a_param_dvc_builds_the_graph_from_gets_the_project_line_where_the_project_runs_first(
        tiny_pipeline, tmp_path, edit, message):
    project = copy_project(tiny_pipeline, tmp_path / "shape")
    before = output_digests(project)
    params = yaml.safe_load((project / "params.yaml").read_text())
    edit(params)
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    for command in (["python", "-m", "panx_ner.parallel_repro"], ["python", "-m", "stages.check_params"]):
        result = run(command, project, check=False)
        assert result.returncode == 2, result.stdout + result.stderr
        assert result.stderr.strip() == f"error: params.yaml: {message}" or \
            result.stderr.strip().startswith(f"error: params.yaml: {message}"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    dvc = run(["dvc", "repro"], project, check=False)  # DVC fails first, building its graph (docs/failures.md)
    assert dvc.returncode != 0 and "Traceback" not in dvc.stdout + dvc.stderr
    assert "ERROR" in dvc.stdout + dvc.stderr
    assert output_digests(project) == before


def test_a_dataset_whose_shards_do_not_add_up_stops_dvc_repro_before_any_download(tiny_pipeline, tmp_path):
    """A copy of the train shard under another shard name would double the training split: check_params, which
    depends on the dataset folder, stops the run with one line before DVC removes a downloaded split."""
    project = copy_project(tiny_pipeline, tmp_path / "shards")
    before = output_digests(project)
    params = yaml.safe_load((project / "params.yaml").read_text())
    dataset = tmp_path / "xtreme"
    shutil.copytree(params["dataset"]["source"], dataset)
    german = dataset / "PAN-X.de"
    shutil.copy(german / "train-00000-of-00001.parquet", german / "train-00001-of-00001.parquet")
    params["dataset"].update(source=str(dataset), tracked=str(dataset))
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    result = run(["dvc", "repro"], project, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stdout + result.stderr
    expected = (f"error: {german}: train shards: train-00001-of-00001.parquet beyond the set of 1; expected "
                f"train-00000-of-00001.parquet, each once")
    assert expected in result.stdout + result.stderr
    assert output_digests(project) == before
