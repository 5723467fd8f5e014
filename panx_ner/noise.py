"""The noise reference: how far seeds move every test-F1 cell of the committed setup -> metrics/noise.json.

    python -m panx_ner.noise                    # seeds 42, 1 and 2, stages side by side as the study runs them
    python -m panx_ner.noise --seeds 42,1,2,3 --jobs 1

It trains the committed params with several seeds through the pipeline itself (train.seeds, run by
`python -m panx_ner.parallel_repro`; the first seed's stages are the committed ones, so DVC does not rerun them),
takes each cell's sample standard deviation over the seeds from metrics/f1.json and metrics/learning_curve.csv,
puts the workspace back as it was (params.yaml, dvc.lock and metrics/ from git, the extra seeds' outputs out of the
workspace, into the DVC cache only) and writes metrics/noise.json: the sd of every strategy × language cell and curve size, with the seeds, params, CPU and
command that produced them. `python -m panx_ner.compare` reads it to tell a change from noise. The seeds' models
stay in the DVC cache and run-cache, so a second run restores them instead of training.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import yaml

from panx_ner.artifacts import read_json, write_json
from panx_ner.cli import run_main
from panx_ner.compare import curve_cells
from panx_ner.environment import DECISIVE, cpu_label
from panx_ner.errors import PipelineError
from panx_ner.metric_files import CURVE_CSV, F1_JSON, NOISE_JSON, OUT_OF_DOMAIN_JSON, TRAINING_SUMMARY
from panx_ner.out_of_domain import with_cells

RESTORED = ("params.yaml", "dvc.lock", "metrics")  # what the seeds run changes and is put back afterwards


def parse_seed_list(text: str) -> list[int]:
    try:
        seeds = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected seeds like 42,1,2") from None
    if len(seeds) < 2 or len(set(seeds)) != len(seeds) or min(seeds) < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected at least two distinct non-negative seeds, e.g. 42,1,2")
    return seeds


def noise_reference(f1: dict, curve_csv: str, training: dict, params: dict, command: str) -> dict:
    """metrics/noise.json from a several-seed run's metrics: the sd of every cell, and what produced them."""
    records = [record["environment"] for record in training.values() if record.get("environment")]
    if not records:
        raise PipelineError("metrics/training.json has no record of where the models were trained; expected a run "
                            "of this version of the pipeline")
    setup = {key: sorted({record[key] for record in records}) for key in DECISIVE}
    curve = curve_cells(curve_csv, params["learning_curve"]["language"])
    return {
        "what": "sample standard deviation of test F1 over seeds of the committed setup, per strategy and language "
                "(out-of-domain cells as set/language) and per learning-curve size (its out-of-domain cells as "
                "size / set/language)",
        "seeds": params["train"]["seeds"],
        "command": command,
        "date": datetime.now(timezone.utc).date().isoformat(),
        "cpu": ", ".join(sorted({cpu_label(record["cpu"]) for record in records})),
        "trained_with": {key: values[0] if len(values) == 1 else values for key, values in setup.items()},
        "versions": records[0]["versions"],
        "params": {"model": params["model"]["checkpoint"], "train": params["train"],
                   "languages": params["languages"], "zero_shot_languages": params.get("zero_shot_languages") or {},
                   "learning_curve": params["learning_curve"]},
        "sd": {strategy: {language: cell["sd"] for language, cell in row.items()} for strategy, row in f1.items()},
        "mean": {strategy: {language: cell["mean"] for language, cell in row.items()} for strategy, row in f1.items()},
        "curve_sd": {key: None if cell["sd"] is None else round(cell["sd"], 4) for key, cell in curve.items()},
        "curve_mean": {key: cell["mean"] for key, cell in curve.items()},
    }


def run(command: list[str]) -> str:
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
    if done.returncode:
        raise PipelineError(f"`{' '.join(command)}` failed; the workspace keeps the seeds run's params.yaml and "
                            f"metrics: `git checkout HEAD -- {' '.join(RESTORED)} && dvc checkout` puts them back")
    return done.stdout


def lock_outputs() -> set[str]:
    """Every output path dvc.lock records."""
    lock = yaml.safe_load(Path("dvc.lock").read_text()) or {}
    return {out["path"] for stage in (lock.get("stages") or {}).values() for out in stage.get("outs", [])}


def put_back(seeds_outputs: set[str]) -> None:
    """The workspace as committed: params, lock and metrics from HEAD (index too: DVC may have staged them), the
    .gitignore files DVC extended for the extra seeds' outputs, and those outputs removed (they stay in the DVC
    cache and run-cache)."""
    run(["git", "checkout", "HEAD", "--", *RESTORED])
    run(["git", "clean", "-fdq", "--", "metrics"])  # the extra seeds' published files (metrics/ had no others)
    extended = run(["git", "diff", "--name-only", "HEAD", "--", ":(glob)**/.gitignore"]).split()
    if extended:
        run(["git", "checkout", "HEAD", "--", *extended])
    for path in map(Path, sorted(seeds_outputs - lock_outputs())):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    for ignore in run(["git", "ls-files", "--others", "--exclude-standard", "--", ":(glob)**/.gitignore"]).split():
        Path(ignore).unlink()  # made by DVC for a folder of the extra seeds' outputs alone
    run([sys.executable, "-m", "dvc", "checkout", "--quiet"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=parse_seed_list, default=[42, 1, 2],
                        help="the seeds, the committed first seed first (default 42,1,2)")
    parser.add_argument("--jobs", type=int, help="stages at a time, as python -m panx_ner.parallel_repro takes it")
    args = parser.parse_args()
    command = " ".join(["python -m panx_ner.noise", *sys.argv[1:]])
    changed = subprocess.run(["git", "status", "--porcelain", "--", *RESTORED], capture_output=True, text=True)
    if changed.returncode or changed.stdout.strip():
        raise PipelineError(f"{', '.join(RESTORED)} have uncommitted changes (git status); expected the committed "
                            f"setup, which this command puts back when it is done: commit or stash them first")
    params = yaml.safe_load(Path("params.yaml").read_text())
    committed = params["train"]["seeds"]
    if args.seeds[0] != committed[0]:
        raise PipelineError(f"--seeds: {args.seeds[0]} first, but the committed runs use seed {committed[0]}; "
                            f"expected {committed[0]} first, so its stages are the committed ones")
    params["train"]["seeds"] = args.seeds
    Path("params.yaml").write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True))
    runner = [sys.executable, "-m", "panx_ner.parallel_repro", *(["--jobs", str(args.jobs)] if args.jobs else [])]
    print("+", " ".join(runner[1:]), flush=True)
    if subprocess.run(runner).returncode:
        raise PipelineError(f"the seeds run failed; the workspace keeps its params.yaml and metrics: "
                            f"`git checkout HEAD -- {' '.join(RESTORED)} && dvc checkout` puts them back")
    f1 = with_cells(read_json(F1_JSON), read_json(OUT_OF_DOMAIN_JSON) if OUT_OF_DOMAIN_JSON.is_file() else {})
    reference = noise_reference(f1, CURVE_CSV.read_text(), read_json(TRAINING_SUMMARY), params, command)
    put_back(lock_outputs())
    write_json(NOISE_JSON, reference)
    print(f"{NOISE_JSON}: sd of {sum(len(row) for row in reference['sd'].values())} cells and "
          f"{len(reference['curve_sd'])} learning-curve cells over seeds {', '.join(map(str, args.seeds))}")


if __name__ == "__main__":
    run_main(main)
