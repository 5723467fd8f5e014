"""Which part of the fast setup moves F1: full trainings of params.yaml's setup with one part changed at a time.

    python benchmarks/f1_levers.py it project+fp32,project+meanloss,project+mega8 42,1,2
    python benchmarks/f1_levers.py it --report      # benchmarks/results/f1_levers.md from the runs logged so far

A variant is `project` plus changes joined by "+" (run_benchmarks.CHANGES lists them: fp32, random, torchdrop,
fullrows, meanloss, megaK, lrX). Each training is the F1 check's (run_benchmarks.f1_run: a fresh process, the whole
sampled training split of the language, 3 epochs, best epoch by validation F1) and is logged beside the F1 check's
runs in benchmarks/results/f1_runs.jsonl; a variant already logged for a seed is not trained again. Needs
`dvc repro encode@<language>`.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.run_benchmarks import F1_RUNS, RESULTS, f1_run, logged_f1_runs  # noqa: E402

REPORT = RESULTS / "f1_levers.md"


def report(language: str) -> None:
    """project and every variant of it logged for the language (the newest run per seed)."""
    groups: dict[str, dict[int, dict]] = {}
    for row in logged_f1_runs():
        if row["language"] == language and row["size"] == 0 and row["side"].split("+")[0] == "project":
            groups.setdefault(row["side"], {})[row["seed"]] = row
    lines = [f"# F1 by part of the fast setup\n\n`python {Path(__file__).relative_to(REPO)} {language} ...` "
             f"(validation F1 of the best of 3 epochs, whole sampled training split; runs in {F1_RUNS.name})\n",
             "| language | variant | F1 per seed | mean |", "|---|---|---|---|"]
    notes: list[str] = []  # a logged run's note (where it came from) becomes a footnote
    for variant in sorted(groups, key=lambda side: (side != "project", side)):
        rows = groups[variant]
        for row in rows.values():
            if row.get("note") and row["note"] not in notes:
                notes.append(row["note"])
        per_seed = ", ".join(f"{seed}: {row['result']['validation_f1']:.4f}"
                             + ("*" * (notes.index(row["note"]) + 1) if row.get("note") else "")
                             for seed, row in rows.items())
        mean = statistics.mean(row["result"]["validation_f1"] for row in rows.values())
        lines.append(f"| {language} | {variant} | {per_seed} | {mean:.4f} |")
    lines += [""] * bool(notes) + [f"{chr(92) + '*' * (number + 1)} {note}" for number, note in enumerate(notes)]
    REPORT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    if len(sys.argv) not in (3, 4) or (len(sys.argv) == 3) != (sys.argv[2] == "--report"):
        raise SystemExit(__doc__)
    language = sys.argv[1]
    if len(sys.argv) == 4:
        for variant in sys.argv[2].split(","):
            for seed in (int(seed) for seed in sys.argv[3].split(",")):
                f1_run(variant, language, 0, seed, reuse={variant})
    report(language)


if __name__ == "__main__":
    main()
