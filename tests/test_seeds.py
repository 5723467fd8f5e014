"""train.seeds: one train and evaluate stage per strategy and seed; f1.json/f1.md give mean and sd per cell."""

import csv
import filecmp
import json
import re
import statistics

import pytest
import yaml

from tests.tiny import copy_project, run


def set_params(project, edit) -> dict:
    params = yaml.safe_load((project / "params.yaml").read_text())
    edit(params)
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True))
    return params


def ran_stages(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


@pytest.mark.slow
def test_a_second_seed_trains_and_evaluates_only_its_own_models(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "seeds")
    # fewer strategies and one curve size first (no training: the kept ones are up to date), so the second seed
    # costs three trainings
    params = set_params(project, lambda p: (p.update(strategies={"de": ["de"], "en": ["en"]}),
                                            p["learning_curve"].update(sizes=[10])))
    assert not {stage for stage in ran_stages(run(["dvc", "repro"], project).stdout)
                if stage.startswith(("train", "evaluate"))}
    run(["git", "commit", "-qam", "two strategies"], project)

    params = set_params(project, lambda p: p["train"].update(seeds=[42, 1]))
    ran = ran_stages(run(["dvc", "repro"], project).stdout)
    assert {"train@de-1", "train@en-1", "evaluate@de-1", "evaluate@en-1", "summarize"} <= ran, ran
    untouched = {"train@de-42", "train@en-42", "evaluate@de-42", "evaluate@en-42", "release@de", "release@en",
                 "make_trainset@de", "make_trainset@en", "error_report"}
    assert not ran & untouched, ran
    # the learning curve gets the seed too (its spread), and its seed-42 models stay as they are
    sizes = params["learning_curve"]["sizes"]
    assert {f"train_curve@{size}-1" for size in sizes} | {f"evaluate_curve@{size}-1" for size in sizes} <= ran, ran
    assert not {f"train_curve@{size}-42" for size in sizes} & ran, ran
    curve = (project / "metrics" / "learning_curve.csv").read_text().splitlines()
    sets = list(params["out_of_domain"]["sets"])
    assert curve[0] == ",".join(["num_samples", "f1", "f1_sd", "zero_shot_f1"] +
                                [column for name in sets for column in (f"{name}_f1", f"{name}_f1_sd")])
    assert all(row.split(",")[2] for row in curve[1:]), curve
    # each out-of-domain set's curve cell gets its spread over the seeds' scores too
    language = params["learning_curve"]["language"]
    for row in csv.DictReader(curve):
        for name in sets:
            values = [json.loads((project / "data" / "scores" / "out_of_domain" /
                                  f"learning_curve-{row['num_samples']}-seed{seed}-{name}.json").read_text())
                      [language]["f1"] for seed in (42, 1)]
            assert float(row[f"{name}_f1_sd"]) == pytest.approx(statistics.stdev(values), abs=1e-4), row
    # the out-of-domain sets score the new seed's models as well, and their cells get a spread over seeds
    assert {f"evaluate_out_of_domain@{strategy}-1-{name}" for strategy in ("de", "en") for name in sets} <= ran, ran
    out_of_domain = json.loads((project / "metrics" / "out_of_domain.json").read_text())
    assert sets and all(cell["sd"] is not None for strategy in ("de", "en") for cell in out_of_domain[strategy].values())
    assert "up to date" in run(["dvc", "status"], project).stdout

    table = json.loads((project / "metrics" / "f1.json").read_text())
    for strategy in params["strategies"]:
        per_seed = [json.loads((project / "data" / "scores" / f"{strategy}-seed{seed}.json").read_text())
                    for seed in (42, 1)]
        for language, cell in table[strategy].items():
            values = [scores[language]["f1"] for scores in per_seed]
            assert cell == {"mean": pytest.approx(statistics.mean(values), abs=1e-4),
                            "sd": pytest.approx(statistics.stdev(values), abs=1e-4)}
    markdown = (project / "metrics" / "f1.md").read_text()
    assert "per seed (42, 1)" in markdown and " ± " in markdown
    # the released model stays the first seed's
    weights = "model.safetensors"
    assert filecmp.cmp(project / "release" / "de" / weights, project / "models" / "de" / "seed42" / weights, shallow=False)
    assert not filecmp.cmp(project / "release" / "de" / weights, project / "models" / "de" / "seed1" / weights,
                           shallow=False)


@pytest.mark.slow
def test_a_seed_outside_train_seeds_is_one_line(tiny_pipeline):
    result = run(["python", "-m", "stages.train", "en", "--seed", "7"], tiny_pipeline, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == "error: seed 7 is not in params.yaml train.seeds (42)"
