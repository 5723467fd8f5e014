"""Which part of the fast setup moves F1: full trainings of params.yaml's setup with one part changed at a time.

    python benchmarks/f1_levers.py it project,project+fp32,project+meanloss,project+mega8 42,1,2
    python benchmarks/f1_levers.py --report      # benchmarks/results/f1_levers.md from the runs logged so far

A variant is `project` plus changes: `fp32` (no bf16 autocast), `random` (the book's random batches), `torchdrop`
(torch's dropout masks), `fullrows` (train the full embedding matrix), `meanloss` (each batch's mean token loss, not
the per-token weighting), `megaK` (length groups of K batches), `lrX` (learning rate X). Each training runs in a
fresh process on the whole sampled training split of the language (3 epochs, best epoch by validation F1, as the
train stages do); every run is appended to benchmarks/results/f1_levers.jsonl. Needs `dvc repro encode@<language>`.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

LOG = REPO / "benchmarks" / "results" / "f1_levers.jsonl"
REPORT = LOG.with_suffix(".md")


def worker(variant: str, language: str, seed: int) -> dict:
    from benchmarks.run_benchmarks import _setup
    from panx_ner import training
    from panx_ner.artifacts import encoded_dir, load_split

    params, train_params, levers, _ = _setup("project")
    for change in variant.split("+")[1:]:
        if change == "fp32":
            train_params = dataclasses.replace(train_params, precision="fp32")
        elif change == "random":
            train_params = dataclasses.replace(train_params, sampling="random")
        elif change == "torchdrop":
            levers["fast_dropout"] = False
        elif change == "fullrows":
            levers["used_rows_only"] = False
        elif change == "meanloss":
            training.LengthGroupedTrainer.compute_loss = training.Trainer.compute_loss
        elif change.startswith("lr"):
            train_params = dataclasses.replace(train_params, learning_rate=float(change[2:]))
        elif change.startswith("mega"):
            grouped, size = training.get_length_grouped_indices, int(change[4:])
            training.get_length_grouped_indices = lambda lengths, batch, generator=None: grouped(
                lengths, batch, mega_batch_mult=size, generator=generator)
        else:
            raise SystemExit(f"unknown change {change!r} in variant {variant!r}")
    source = encoded_dir(language)
    with tempfile.TemporaryDirectory() as output:
        result = training.train_model(params.model.checkpoint, load_split(source, "train"),
                                      load_split(source, "validation"), train_params, seed, Path(output) / "model",
                                      f"levers-{variant}-{seed}", **levers)
    return {"variant": variant, "language": language, "seed": seed, "f1": result.best_validation_f1,
            "seconds": round(result.train_seconds), "epochs": result.epochs}


def report() -> None:
    runs = [json.loads(line) for line in LOG.read_text().splitlines()]
    groups: dict[tuple[str, str], list[dict]] = {}
    for run in runs:
        groups.setdefault((run["language"], run["variant"]), []).append(run)
    lines = [f"# F1 by part of the fast setup\n\n`python {Path(__file__).relative_to(REPO)}` (validation F1 of the "
             "best of 3 epochs, whole sampled training split)\n",
             "| language | variant | F1 per seed | mean |", "|---|---|---|---|"]
    for (language, variant), group in groups.items():
        per_seed = ", ".join(f"{run['seed']}: {run['f1']:.4f}{'*' if 'source' in run else ''}" for run in group)
        lines.append(f"| {language} | {variant} | {per_seed} | {statistics.mean(r['f1'] for r in group):.4f} |")
    if any("source" in run for run in runs):
        lines += ["", "\\* taken from the F1-check log (its `source`): the project setup of that day, which had that "
                  "variant's change (torch's dropout masks), trained by `run_benchmarks.py --f1-check`."]
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    if sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
        return
    if sys.argv[1] == "--report":
        report()
        return
    language, variants, seeds = sys.argv[1], sys.argv[2].split(","), [int(s) for s in sys.argv[3].split(",")]
    for variant in variants:
        for seed in seeds:
            done = subprocess.run([sys.executable, __file__, "--worker", variant, language, str(seed)],
                                  capture_output=True, text=True, cwd=REPO)
            if done.returncode != 0:
                raise SystemExit(f"{variant} seed {seed} failed:\n{done.stderr[-3000:]}")
            line = done.stdout.strip().splitlines()[-1]
            with LOG.open("a") as log:
                log.write(line + "\n")
            print(line, flush=True)
    report()


if __name__ == "__main__":
    main()
