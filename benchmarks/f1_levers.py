"""Which part of the fast setup moves F1: full trainings of params.yaml's setup with one part changed at a time.

    python benchmarks/f1_levers.py it project+fp32,project+nopack 42,1,2     # it: the whole sampled Italian split
    python benchmarks/f1_levers.py fr-1000 project+grouped 42,1-7            # the first 1,000 French sentences
    python benchmarks/f1_levers.py --report      # benchmarks/results/f1_levers.md from the runs logged so far

A variant is `project` plus changes joined by "+" (run_benchmarks.CHANGES lists them: fp32, random, grouped, pack,
nopack, torchdrop, fullrows, meanloss, tokenclip, megaK, lrX, noiseX). Each training is the F1 check's
(run_benchmarks.f1_run: a fresh process, 3 epochs, best epoch by validation F1) and is logged beside the F1 check's
runs in benchmarks/results/f1_runs.jsonl; a variant already logged for a seed with the same setup
(run_benchmarks.setup_record) is not trained again. The report sets each variant beside its base (the variant less its
last changes) on the same seeds. Needs `dvc repro encode@<language>`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.run_benchmarks import (F1_RUNS, RESULTS, f1_run, f1_set, f1_set_name, logged_f1_runs,  # noqa: E402
                                       parse_seeds, setup_record)

REPORT = RESULTS / "f1_levers.md"


def report() -> None:
    """For every training set with a logged variant: the project, the book setup and each variant of the project
    (the newest run per seed)."""
    groups: dict[tuple[str, int], dict[str, dict[int, dict]]] = {}
    for row in logged_f1_runs():
        if row["side"].split("+")[0] in ("project", "book"):
            groups.setdefault((row["language"], row["size"]), {}).setdefault(row["side"], {})[row["seed"]] = row
    # a variant is named after params.yaml's setup when it was logged: mark the one that trains as params.yaml does now
    now = setup_record("project")
    lines = [f"# F1 by part of the fast setup\n\n`python {Path(__file__).relative_to(REPO)} <set> <variants> <seeds>` "
             f"(validation F1 of the best of 3 epochs; runs in {F1_RUNS.name}). A variant is `project` (params.yaml's "
             f"setup when the run was logged) with parts changed; (= params.yaml) marks the one whose setup is "
             f"params.yaml's now.\n",
             "| training set | variant | F1 per seed | mean | its base on the same seeds |", "|---|---|---|---|---|"]
    notes: list[str] = []  # a logged run's note (where it came from) becomes a footnote
    for (language, size), sides in groups.items():
        if not any("+" in side for side in sides):
            continue
        for variant in sorted(sides, key=lambda side: (side != "project", side != "book", side)):
            rows = sides[variant]
            for row in rows.values():
                if row.get("note") and row["note"] not in notes:
                    notes.append(row["note"])
            per_seed = ", ".join(f"{seed}: {row['result']['validation_f1']:.4f}"
                                 + ("*" * (notes.index(row["note"]) + 1) if row.get("note") else "")
                                 for seed, row in rows.items())
            mean = statistics.mean(row["result"]["validation_f1"] for row in rows.values())
            # seeds move F1 by more than most variants do: compare a variant with its base (the variant less its
            # last changes, as few as were logged on all its seeds: project+random+pack with project+random, or with
            # project where no shorter variant was) on its own seeds
            parts = variant.split("+")
            base = next((prefix for prefix in ("+".join(parts[:k]) for k in range(len(parts) - 1, 0, -1))
                         if set(rows) <= set(sides.get(prefix, {}))), "project")
            paired = [sides[base][seed]["result"]["validation_f1"] for seed in rows if seed in sides.get(base, {})]
            same_seeds = f"{base} {statistics.mean(paired):.4f}" if len(paired) == len(rows) else "–"
            label = variant + " (= params.yaml)" * all(row["setup"] == now for row in rows.values())
            lines.append(f"| {f1_set_name(language, size)} | {label} | {per_seed} | {mean:.4f} | {same_seeds} |")
    lines += [""] * bool(notes) + [f"{chr(92) + '*' * (number + 1)} {note}" for number, note in enumerate(notes)]
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    if sys.argv[1:] == ["--report"]:
        report()
        return
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    language, size = f1_set(sys.argv[1])
    try:
        seeds = parse_seeds(sys.argv[3])
    except argparse.ArgumentTypeError as error:
        raise SystemExit(f"seeds {error}") from None
    for variant in sys.argv[2].split(","):
        for seed in seeds:
            f1_run(variant, language, size, seed, reuse={variant}, by_setup=False)
    report()


if __name__ == "__main__":
    main()
