"""python -m panx_ner.compare: every F1 cell of two runs, with a verdict against the noise reference that
python -m panx_ner.noise makes from the pipeline's own seeds."""

import json
import os
import subprocess
import sys

import pytest
import yaml

from panx_ner.compare import BEYOND, WITHIN, Run, comparability, compare
from tests.tiny import REPO, copy_project, run

RECORD = {"bf16_path": "avx512_bf16", "precision": "bf16", "threads": 1, "processes": 1}


def test_records_that_differ_in_what_decides_the_weights_are_not_comparable():
    assert comparability([RECORD], [dict(RECORD)]) is None
    assert comparability([RECORD], [{**RECORD, "bf16_path": "amx"}]) == "bf16_path avx512_bf16 vs amx"
    assert comparability([RECORD, RECORD], [{**RECORD, "threads": 2}, RECORD]) == "threads 1 vs 1/2"
    assert comparability([None], [RECORD]) == "no record in A"
    assert comparability([RECORD], [{**RECORD, "precision": "fp32", "bf16_path": "none"}]) == \
        "bf16_path avx512_bf16 vs none, precision bf16 vs fp32"


def one_cell_run(name, mean, sd=None, seeds=(42,), noise_sd=0.01):
    record = {"de-seed42": {"environment": {**RECORD, "cpu": {}, "gpu": None, "versions": {}}}}
    return Run(name=name, f1={"de": {"de": {"mean": mean, "sd": sd}}}, curve={}, training=record,
               params={"languages": {"de": 0.6}, "strategies": {"de": ["de"]}, "train": {"seeds": list(seeds)}},
               noise={"sd": {"de": {"de": noise_sd}}, "seeds": [42, 1, 2], "cpu": "x", "command": "y"},
               seeds=list(seeds))


@pytest.mark.parametrize("a,b,verdict", [
    (0.80, 0.83, BEYOND),  # 0.03 > 2 × sqrt(2) × 0.01
    (0.80, 0.82, WITHIN),  # 0.02 <= 0.028
    (0.80, 0.80, WITHIN),
])
def test_a_change_beyond_twice_the_combined_sd_is_beyond_noise(a, b, verdict):
    [row] = compare(one_cell_run("A", a), one_cell_run("B", b))  # de / de: the book's row and `each` share it
    assert row.label == "de / de" and row.verdict == verdict and row.bound == pytest.approx(2 * (2 * 0.01 ** 2) ** 0.5)


def test_a_run_with_several_seeds_is_judged_by_its_own_spread():
    several = one_cell_run("B", 0.83, sd=0.03, seeds=(42, 1, 2))
    [row] = compare(one_cell_run("A", 0.80), several)
    assert row.bound == pytest.approx(2 * (0.01 ** 2 + 0.03 ** 2 / 3) ** 0.5) and row.verdict == WITHIN


def compare_cli(project, *args, check=True):
    return run([sys.executable, "-m", "panx_ner.compare", *args], project, check=check)


def verdicts(output: str) -> dict[str, str]:
    """{cell: verdict} from the plain-text table: rows are a label, four numbers (or —) and the verdict."""
    rows = {}
    for line in output.splitlines():
        label, _, rest = line.partition("  ")
        values = rest.split()
        if len(values) > 4 and all(value == "—" or value.lstrip("+-").replace(".", "", 1).isdigit()
                                   for value in values[:4]):
            rows[label.strip()] = " ".join(values[4:])
    return rows


def params_of(project):
    return yaml.safe_load((project / "params.yaml").read_text())


def set_params(project, edit):
    params = params_of(project)
    edit(params)
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True))


@pytest.mark.slow
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="another thread count needs two cores")
def test_noise_reference_then_identical_rerun_threads_and_a_real_change(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "compare")
    set_params(project, lambda p: (p.update(strategies={"de": ["de"], "en": ["en"]}),
                                   p["learning_curve"].update(sizes=[10])))
    run(["dvc", "repro"], project)  # nothing trains: the kept models are up to date
    run(["git", "commit", "-qam", "two strategies"], project)

    # the noise reference, by the pipeline's own seeds; the workspace is put back as it was
    made = run([sys.executable, "-m", "panx_ner.noise", "--seeds", "42,1", "--jobs", "1"], project)
    assert "metrics/noise.json: sd of" in made.stdout
    noise = json.loads((project / "metrics" / "noise.json").read_text())
    assert noise["seeds"] == [42, 1] and noise["command"] == "python -m panx_ner.noise --seeds 42,1 --jobs 1"
    assert set(noise["sd"]) == {"de", "en"} and all(sd is not None for row in noise["sd"].values() for sd in row.values())
    curve_language = params_of(project)["learning_curve"]["language"]
    assert set(noise["curve_sd"]) == {"10", f"10 / news/{curve_language}"}  # the curve's own test split and news
    assert noise["trained_with"]["processes"] == 1
    assert {"news/fr", "news/en"} <= set(noise["sd"]["de"])  # the out-of-domain cells, named set/language
    assert run(["git", "status", "--porcelain"], project).stdout.strip() == "?? metrics/noise.json"
    assert "up to date" in run(["dvc", "status"], project).stdout
    run(["git", "add", "metrics/noise.json"], project)
    run(["git", "commit", "-qm", "noise reference"], project)

    # an identical rerun is within noise in every cell
    run(["dvc", "repro", "--force", "--single-item", "train@en-42", "evaluate@en-42", "summarize"], project)
    same = verdicts(compare_cli(project).stdout)
    assert same and set(same.values()) == {WITHIN}, same
    assert {"de / news/fr", "en / news/en", f"learning_curve/10 / news/{curve_language}"} <= set(same), same

    # a training with other threads is not comparable, in its own cells only
    threads = json.loads((project / "metrics" / "training.json").read_text())["en-seed42"]["environment"]["threads"]
    other_threads = 1 if threads > 1 else 2  # within the machine's cores (check_params allows no more)
    set_params(project, lambda p: p["train"].update(threads=other_threads))
    run(["dvc", "repro", "--single-item", "train@en-42", "evaluate@en-42", "summarize"], project)
    other = verdicts(compare_cli(project).stdout)
    own = {cell: verdict for cell, verdict in other.items() if cell.startswith(("en /", "each / en"))}
    assert own and set(own.values()) == {f"not comparable: threads {threads} vs {other_threads}"}, other
    assert {verdict for cell, verdict in other.items() if cell.startswith("de /")} == {WITHIN}, other
    run(["git", "checkout", "-q", "--", "."], project)
    run(["dvc", "checkout", "-q"], project)

    # a param change whose effect exceeds the noise: beyond noise, with the param named
    set_params(project, lambda p: p["train"].update(learning_rate=1e-7))
    # the two models whose cells are judged below, not the curve, releases and out-of-domain stages a full repro
    # would also rerun (a minute of this test for cells it does not look at)
    run(["dvc", "repro", "--single-item", "train@de-42", "evaluate@de-42", "train@en-42", "evaluate@en-42",
         "summarize"], project)
    run(["git", "commit", "-qam", "a learning rate that learns nothing"], project)
    changed = compare_cli(project, "HEAD~1", "HEAD").stdout
    assert verdicts(changed)["de / de"] == BEYOND and verdicts(changed)["each / en"] == BEYOND, changed
    assert "train.learning_rate: 0.005 -> 1e-07" in changed

    markdown = compare_cli(project, "HEAD~1", "HEAD", "--md").stdout
    table = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(table) == 2 + len(verdicts(changed))  # one table: header, rule, a row per cell
    assert "| de / de |" in markdown and f"**{BEYOND}**" in markdown

    report = subprocess.run(["bash", str(REPO / ".github" / "pr-report.sh"), "HEAD~1"], cwd=project,
                            capture_output=True, text=True)  # what .github/workflows/compare.yml posts
    assert report.returncode == 0, report.stderr
    assert report.stdout.startswith(markdown) and "![metrics/transfer.png](./metrics/transfer.png)" in report.stdout

    bad = compare_cli(project, "no-such-revision", check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.strip().splitlines() == ["error: 'no-such-revision' is neither a git revision nor a DVC "
                                               "experiment of this repository; expected a commit, branch or tag "
                                               "(git log), or an experiment name (dvc exp show)"]
    no_metrics = compare_cli(project, run(["git", "rev-list", "--max-parents=0", "HEAD"], project).stdout.strip(),
                             check=False)
    assert no_metrics.returncode == 2 and len(no_metrics.stderr.strip().splitlines()) == 1
    assert "no metrics/f1.json" in no_metrics.stderr


def test_committed_runs_compare_in_a_clone():
    """The repository's own history: the last commit that changed metrics/f1.json against HEAD."""
    changed = run(["git", "log", "-2", "--format=%H", "--", "metrics/f1.json"], REPO).stdout.split()
    if len(changed) < 2:
        pytest.skip("fewer than two committed runs in this clone's history")
    shown = compare_cli(REPO, changed[1], "HEAD").stdout
    cells = verdicts(shown)
    assert "de / de" in cells and len(cells) >= 16 * 6
    assert all(verdict for verdict in cells.values())
