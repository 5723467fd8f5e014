"""Killed stages leave nothing DVC would take for complete; training resumes to the same result; runs repeat exactly."""

import filecmp
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from datasets import Dataset, concatenate_datasets

from tests.tiny import copy_project, run

pytestmark = pytest.mark.slow  # every test here runs DVC or training on the tiny pipeline


def wait_for_first_checkpoint(process: subprocess.Popen, checkpoints) -> None:
    """Returns once a per-epoch checkpoint is completely written; fails if training ended first."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        done = [c for c in checkpoints.glob("checkpoint-*") if (c / "trainer_state.json").is_file()
                and (c / "rng_state.pth").is_file()]
        if done:
            time.sleep(0.05)  # let the last file be flushed
            return
        assert process.poll() is None, "training finished before its first checkpoint was seen"
        time.sleep(0.01)
    raise AssertionError("no checkpoint after 300 s")


def same_files(left, right) -> bool:
    """Two folders with the same files, byte for byte."""
    names = sorted(path.relative_to(left) for path in left.rglob("*") if path.is_file())
    return names == sorted(path.relative_to(right) for path in right.rglob("*") if path.is_file()) and all(
        filecmp.cmp(left / name, right / name, shallow=False) for name in names)


def test_killed_training_leaves_no_model_and_resumes_to_the_same_result(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "interrupted")
    shutil.rmtree(project / "models" / "all" / "seed42")
    (project / "data" / "training" / "all-seed42.json").unlink()
    environment = {**os.environ, "PANX_RESUME": "1"}  # checkpoints with optimizer state, so that a resume can use them
    process = subprocess.Popen([sys.executable, "-m", "stages.train", "all", "--seed", "42"], cwd=project, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_first_checkpoint(process, project / "checkpoints" / "all-seed42")
    process.send_signal(signal.SIGSTOP)  # freeze at once, then check it had not finished, then kill
    assert not (project / "models" / "all" / "seed42").exists()
    process.kill()
    process.wait()
    assert not (project / "models" / "all" / "seed42").exists()
    assert not (project / "data" / "training" / "all-seed42.json").exists()
    assert "deleted:" in run(["dvc", "status", "train@all-42"], project).stdout  # DVC sees it as not done

    assert list((project / "checkpoints" / "all-seed42").glob("checkpoint-*/optimizer.pt"))
    resumed = subprocess.run([sys.executable, "-m", "stages.train", "all", "--seed", "42"], cwd=project, env=environment,
                             capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert not (project / "checkpoints" / "all-seed42").exists()  # per-epoch checkpoints removed at the end
    # same result as the uninterrupted run of the same params and seed, its DVCLive log included
    assert same_files(project / "data" / "training" / "all-seed42", tiny_pipeline / "data" / "training" / "all-seed42")
    assert filecmp.cmp(project / "models" / "all" / "seed42" / "model.safetensors",
                       tiny_pipeline / "models" / "all" / "seed42" / "model.safetensors", shallow=False)


def test_same_params_and_data_give_the_same_metrics(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "rerun")
    run(["dvc", "repro", "--force", "--single-item", "train@en-42", "evaluate@en-42"], project)
    assert (project / "data/scores/en-seed42.json").read_text() == (tiny_pipeline / "data/scores/en-seed42.json").read_text()
    assert same_files(project / "data/training/en-seed42", tiny_pipeline / "data/training/en-seed42")
    assert filecmp.cmp(project / "models/en/seed42/model.safetensors", tiny_pipeline / "models/en/seed42/model.safetensors",
                       shallow=False)


def test_killed_stage_leaves_no_partial_output(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "killed-encode")
    shutil.rmtree(project / "data" / "encoded" / "de")
    corpus = project / "data" / "corpus" / "de" / "train.parquet"  # made large so encoding lasts long enough
    big = concatenate_datasets([Dataset.from_parquet(str(corpus))] * 500)
    corpus.unlink()
    big.to_parquet(str(corpus))
    process = subprocess.Popen([sys.executable, "-m", "stages.encode", "de"], cwd=project,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not list((project / "data" / "encoded").glob("de.tmp-*")) and time.monotonic() < deadline:
        assert process.poll() is None, "encode finished before it was killed"
        time.sleep(0.005)
    process.kill()
    process.wait()
    assert not (project / "data" / "encoded" / "de").exists()
    run([sys.executable, "-m", "stages.encode", "de"], project)  # a rerun clears the stale temporary
    assert (project / "data" / "encoded" / "de" / "test.parquet").is_file()
    assert not list((project / "data" / "encoded").glob("de.tmp-*"))


def test_temporaries_of_a_killed_stage_are_invisible_to_dvc_and_cleared_at_the_next_run(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "leftover")
    leftover = project / "data" / "encoded" / "de.tmp-99999"  # what `kill -9` of encode leaves behind
    leftover.mkdir()
    (leftover / "train.parquet").write_bytes(b"half written")
    assert "up to date" in run(["dvc", "status"], project).stdout  # .dvcignore: not part of data/encoded
    run([sys.executable, "-m", "stages.encode", "de"], project)
    assert not leftover.exists()
