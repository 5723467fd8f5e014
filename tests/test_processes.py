"""Training under two data-parallel processes on CPU (gloo), the code path of two GPUs: torchrun through the
train.processes param."""

import json
import os
import sys

import pytest
import yaml

from tests.tiny import copy_project, run

pytestmark = pytest.mark.slow  # trains on the tiny pipeline


def set_train_params(project, **values):
    path = project / "params.yaml"
    params = yaml.safe_load(path.read_text())
    params["train"].update(values)
    path.write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True))


def outputs_of_training(project) -> list[str]:
    """Every file and folder the train stage of `en` could have left, relative to the project."""
    found = []
    for root in ("models", "data/training", "checkpoints"):
        for path in sorted((project / root).rglob("*")) if (project / root).exists() else []:
            relative = str(path.relative_to(project))
            if root != "models" or relative.startswith("models/en/seed42"):
                found.append(relative)
    return [path for path in found if "learning_curve" not in path and not path.endswith(".gitignore")
            and (not path.startswith("data/training/") or path.startswith("data/training/en-seed42"))]


def validation_f1_of_saved_model(project) -> float:
    """What the evaluate stage's scoring computes from the saved model, on the validation split trained with."""
    code = ("import json; from pathlib import Path; from panx_ner.evaluation import score_model; "
            "from panx_ner.params import load_params; from panx_ner.precision import resolve_precision; "
            "p = load_params(); print(json.dumps(score_model(Path('models/en/seed42'), ['en'], p.evaluate.batch_size, "
            "split='validation', precision=resolve_precision(p.train.precision))['en']['f1']))")
    return json.loads(run([sys.executable, "-c", code], project).stdout.strip().splitlines()[-1])


def check_two_process_training(project, precision="fp32"):
    log = json.loads((project / "data" / "training" / "en-seed42.json").read_text())
    assert log["processes"] == 2, "the two processes did not join one data-parallel run"
    assert log["precision"] == precision and log["environment"]["processes"] == 2
    epochs = yaml.safe_load((project / "params.yaml").read_text())["train"]["epochs"]
    live = project / "data" / "training" / "en-seed42"  # DVCLive: only the main process logs, once per validation
    logged = yaml.safe_load((live / "params.yaml").read_text())
    assert (logged["world_size"], logged["precision_used"]) == (2, precision)
    assert len((live / "plots" / "metrics" / "eval" / "f1.tsv").read_text().splitlines()) == 1 + epochs
    # one model folder, one DVCLive folder, one record; no checkpoints, no temporaries from a second writer
    assert sorted(outputs_of_training(project)) == sorted([
        "data/training/en-seed42.json", "models/en/seed42",
        *(f"models/en/seed42/{name.name}" for name in (project / "models" / "en" / "seed42").iterdir()),
        *(str(path.relative_to(project)) for path in [live, *live.rglob("*")])])
    assert not [name for name in os.listdir(project / "models" / "en") if ".tmp-" in name]
    assert not (project / "checkpoints" / "en-seed42").exists()
    assert not list((project / "checkpoints").rglob("checkpoint-*")) if (project / "checkpoints").exists() else True
    # the F1 of the best epoch was gathered over the whole validation set, not one process's shard
    assert validation_f1_of_saved_model(project) == pytest.approx(log["best_validation_f1"], abs=1e-4)


def has_bf16() -> bool:
    from panx_ner.precision import bf16_device

    return bf16_device() == "cpu"


# fp32 runs on every machine; bf16 only where the CPU computes it (the Trainer takes each path to the CPU otherwise)
PRECISIONS = [
    "fp32",
    pytest.param("bf16", marks=pytest.mark.skipif(not has_bf16(), reason="this CPU has neither avx512_bf16 nor "
                                                                           "amx_bf16: no bf16 training to test")),
]


@pytest.mark.parametrize("precision", PRECISIONS)
def test_train_processes_2_runs_the_stage_under_torchrun(tiny_pipeline, tmp_path, precision):
    project = copy_project(tiny_pipeline, tmp_path / f"torchrun-{precision}")
    set_train_params(project, processes=2, precision=precision)
    run(["dvc", "repro", "train@en-42"], project)
    check_two_process_training(project, precision)
    # the stage's own log shows torchrun's start and one line from the main process only
    status = run(["dvc", "status", "train@en-42"], project).stdout
    assert "changed" not in status


def test_more_processes_than_the_machine_has_is_a_one_line_error(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "too-many")
    set_train_params(project, processes=4096)
    done = run([sys.executable, "-m", "stages.train", "en", "--seed", "42"], project, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    problem = [line.removeprefix("error: params.yaml: ") for line in done.stderr.splitlines()]
    assert len(problem) == 1 and problem[0].startswith("train.processes: 4096 is more than the")
    assert problem[0].endswith(f"of this machine; expected at most {len(os.sched_getaffinity(0))}")
    assert (project / "models" / "en" / "seed42" / "model.safetensors").is_file()  # nothing touched
