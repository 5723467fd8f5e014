"""A teammate gets computed results instead of recomputing them: run-cache restores, and saved models whose bytes do
not depend on the environment they were trained in (a changed hash would rerun everything downstream)."""

import filecmp
import os
import shutil
import subprocess
import sys

import pytest
import yaml

from tests.tiny import copy_project, run

pytestmark = pytest.mark.slow  # every test here runs DVC or training on the tiny pipeline

WEIGHTS = "models/en/seed42/model.safetensors"


def test_pulled_run_cache_restores_a_deleted_model_without_training(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "origin")
    run(["dvc", "push", "--run-cache"], project)  # the shipped remote: a folder beside the repository
    clone = tmp_path / "teammate"
    run(["git", "clone", "-q", str(project), str(clone)], tmp_path)
    run(["dvc", "pull", "--run-cache"], clone)
    shutil.rmtree(clone / "models" / "en" / "seed42")
    output = run(["dvc", "repro", "train@en-42"], clone).stdout
    assert "Stage 'train@en-42' is cached - skipping run, checking out outputs" in output, output
    assert filecmp.cmp(clone / WEIGHTS, tiny_pipeline / WEIGHTS, shallow=False)
    assert "up to date" in run(["dvc", "status"], clone).stdout


def test_experiment_back_at_the_committed_value_restores_instead_of_retraining(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "experiments")
    committed = yaml.safe_load((project / "params.yaml").read_text())["train"]["learning_rate"]
    changed = run(["dvc", "exp", "run", "train@en-42", "-S", f"train.learning_rate={committed * 2}"], project).stdout
    assert "Running stage 'train@en-42'" in changed, changed
    assert not filecmp.cmp(project / WEIGHTS, tiny_pipeline / WEIGHTS, shallow=False)
    back = run(["dvc", "exp", "run", "train@en-42", "-S", f"train.learning_rate={committed}"], project).stdout
    assert "Stage 'train@en-42' is cached - skipping run, checking out outputs" in back, back
    assert "Running stage 'train@en-42'" not in back, back
    assert filecmp.cmp(project / WEIGHTS, tiny_pipeline / WEIGHTS, shallow=False)


def test_saved_model_bytes_do_not_depend_on_hf_hub_offline(tiny_pipeline, tmp_path):
    folders = {}
    for name, extra in (("online", {}), ("offline", {"HF_HUB_OFFLINE": "1"})):
        project = copy_project(tiny_pipeline, tmp_path / name)
        shutil.rmtree(project / "models" / "en" / "seed42")
        environment = {key: value for key, value in os.environ.items() if key != "HF_HUB_OFFLINE"}
        result = subprocess.run([sys.executable, "-m", "stages.train", "en", "--seed", "42"], cwd=project,
                                env={**environment, **extra}, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr[-2000:]
        folders[name] = project / "models" / "en" / "seed42"
    files = sorted(path.name for path in folders["online"].iterdir())
    assert files == sorted(path.name for path in folders["offline"].iterdir())
    different = [f for f in files if not filecmp.cmp(folders["online"] / f, folders["offline"] / f, shallow=False)]
    assert different == [], different
    assert "local_files_only" not in (folders["offline"] / "tokenizer_config.json").read_text()
