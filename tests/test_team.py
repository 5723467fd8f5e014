"""Working as a team with real DVC: remotes (local folder and an S3 API server), experiments, diffs, accelerate."""

import filecmp
import json
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest
import yaml

from tests.tiny import copy_project, run

pytestmark = pytest.mark.slow  # every test here runs DVC or training on the tiny pipeline

SHARED_FILES = ["models/all/seed42/model.safetensors", "models/de/seed42/config.json", "data/encoded/de/train.parquet",
                "data/corpus/fr/test.parquet", "data/trainsets/all/train.parquet"]


def clone_and_pull(project, clone_name: str, *pull_args: str, setup=None):
    clone = project.parent / clone_name
    run(["git", "clone", "-q", str(project), str(clone)], project.parent)
    if setup:
        setup(clone)
    run(["dvc", "pull", *pull_args], clone)
    return clone


def assert_same_outputs(project, clone):
    status = run(["dvc", "status"], clone).stdout
    assert "up to date" in status, status
    for name in SHARED_FILES:
        assert filecmp.cmp(project / name, clone / name, shallow=False), name
    repro = run(["dvc", "repro"], clone).stdout
    assert "Running stage" not in repro, repro


def test_round_trip_through_the_default_local_remote(tiny_pipeline):
    run(["dvc", "push"], tiny_pipeline)
    # The shipped remote is ../../panx-ner-dvc-storage relative to .dvc/: a folder beside the repository
    assert (tiny_pipeline.parent / "panx-ner-dvc-storage" / "files" / "md5").is_dir()
    clone = clone_and_pull(tiny_pipeline, "teammate")
    assert_same_outputs(tiny_pipeline, clone)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def s3_server():
    """A real S3 API server (moto) on 127.0.0.1 with one bucket, stopped at the end."""
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    credentials = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}
    try:
        import boto3

        deadline = time.monotonic() + 60
        while True:
            try:
                boto3.client("s3", endpoint_url=endpoint, **{k.lower(): v for k, v in credentials.items()
                                                             if k != "AWS_DEFAULT_REGION"},
                             region_name="us-east-1").create_bucket(Bucket="panx-ner")
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        yield endpoint, credentials
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_round_trip_through_an_s3_server(tiny_pipeline, s3_server, monkeypatch):
    endpoint, credentials = s3_server
    for key, value in credentials.items():
        monkeypatch.setenv(key, value)

    def add_s3_remote(project):
        run(["dvc", "remote", "add", "--local", "s3", "s3://panx-ner/cache"], project)
        run(["dvc", "remote", "modify", "--local", "s3", "endpointurl", endpoint], project)

    add_s3_remote(tiny_pipeline)
    run(["dvc", "push", "-r", "s3"], tiny_pipeline)
    clone = clone_and_pull(tiny_pipeline, "s3-teammate", "-r", "s3", setup=add_s3_remote)
    assert_same_outputs(tiny_pipeline, clone)


def test_experiment_and_diffs_across_commits(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "experiments")
    baseline = json.loads((project / "metrics" / "f1.json").read_text())
    output = run(["dvc", "exp", "run", "-n", "more-english", "-S", "languages.en=1.0"], project).stdout
    ran = set(re.findall(r"Running stage '([^']+)'", output))
    assert {"sample@en", "encode@en", "train@en-42", "train@all-42", "evaluate@de-42"} <= ran, ran
    assert not ran & {"sample@de", "encode@it", "train@de-42", "train@fr-42", "train@it-42", "train_curve@10"}, ran
    shown = json.loads(run(["dvc", "exp", "show", "--json"], project).stdout)
    assert "more-english" in json.dumps(shown)
    run(["dvc", "exp", "apply", "more-english"], project)
    changed = json.loads((project / "metrics" / "f1.json").read_text())
    assert changed["en"] != baseline["en"]  # the English model was retrained on more data
    assert changed["de"]["de"] == baseline["de"]["de"]  # the German model and test set were left alone
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-qm", "more English"], project)

    metrics_diff = run(["dvc", "metrics", "diff", "HEAD~1", "--json"], project).stdout
    assert "metrics/headline.json" in json.loads(metrics_diff)
    table_diff = json.loads(run(["dvc", "metrics", "diff", "HEAD~1", "--targets", "metrics/f1.json", "--json"],
                                project).stdout)
    assert table_diff["metrics/f1.json"]["en.en.mean"]["new"] != table_diff["metrics/f1.json"]["en.en.mean"]["old"]
    params_diff = json.loads(run(["dvc", "params", "diff", "HEAD~1", "--json"], project).stdout)
    assert params_diff["params.yaml"]["languages.en"]["old"] == 0.5
    assert params_diff["params.yaml"]["languages.en"]["new"] == 1.0
    run(["dvc", "plots", "diff", "HEAD~1", "-o", str(tmp_path / "plots")], project)
    assert (tmp_path / "plots" / "index.html").is_file()


def test_training_runs_under_accelerate_launch(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "accelerate")
    shutil.rmtree(project / "models" / "en" / "seed42")
    run(["accelerate", "launch", "--num_processes", "1", "--num_machines", "1", "--mixed_precision", "no",
         "--dynamo_backend", "no", "--cpu", "-m", "stages.train", "en", "--seed", "42"], project)
    assert (project / "models" / "en" / "seed42" / "model.safetensors").is_file()
    validations = (project / "data" / "training" / "en-seed42" / "plots" / "metrics" / "eval" / "f1.tsv").read_text()
    epochs = yaml.safe_load((project / "params.yaml").read_text())["train"]["epochs"]
    assert len(validations.splitlines()) == 1 + epochs


def test_queued_experiments_run_with_queue_start(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "queue")
    for top in (2, 4):  # a param that reruns only the cheap error_report stage
        run(["dvc", "exp", "run", "--queue", "-n", f"top-{top}", "-S", f"error_report.top_tokens={top}"], project)
    run(["dvc", "queue", "start"], project)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        status = run(["dvc", "queue", "status"], project).stdout
        if "Queued" not in status and "Running" not in status:
            break
        time.sleep(2)
    assert status.count("Success") == 2, status
    shown = json.dumps(json.loads(run(["dvc", "exp", "show", "--json"], project).stdout))
    assert "top-2" in shown and "top-4" in shown
