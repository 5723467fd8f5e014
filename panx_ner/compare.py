"""Two runs' F1, cell by cell, each change judged against the noise a seed and the machine make:

    python -m panx_ner.compare                  # HEAD against the workspace, as `dvc metrics diff`
    python -m panx_ner.compare HEAD~1 HEAD      # two commits (any git revisions)
    python -m panx_ner.compare main my-exp      # a commit against a DVC experiment (by name)
    python -m panx_ner.compare main HEAD --md   # one markdown table, for a pull request

Every cell of metrics/f1.json (the book's table first), then the learning curve, with A, B, the change and a verdict:
  beyond noise    |change| above twice the combined sd of the two cells
  within noise    |change| at most that
  not comparable  the two runs' models were trained with other bf16 kernels, precision, threads or processes (it
                  says which), so their weights differ by what a seed moves whatever the code does
  no record       a run has no record of where its models were trained (runs from before the records existed)
The sd of a run's cell is its own spread over its seeds (sd / sqrt(seeds), the error of a mean) where the run has
several seeds, else the noise reference's (metrics/noise.json: the committed setup over several seeds, made by
`python -m panx_ner.noise`). Then the params that differ, and where each run was trained.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from panx_ner.cli import run_main
from panx_ner.environment import DECISIVE, environment_summary
from panx_ner.errors import PipelineError
from panx_ner.metric_files import CURVE_CSV, F1_JSON, NOISE_JSON, OUT_OF_DOMAIN_JSON, TRAINING_SUMMARY
from panx_ner.out_of_domain import with_cells

WORKSPACE = "workspace"
# paths as `git show <commit>:<path>` takes them; the out-of-domain cells are compared beside the in-domain ones
F1_FILE, OUT_OF_DOMAIN_FILE, TRAINING_FILE, CURVE_FILE, NOISE_FILE = (
    path.as_posix() for path in (F1_JSON, OUT_OF_DOMAIN_JSON, TRAINING_SUMMARY, CURVE_CSV, NOISE_JSON))
PARAMS_FILE = "params.yaml"
BEYOND, WITHIN, NOT_COMPARABLE, NO_RECORD, NO_REFERENCE = (
    "beyond noise", "within noise", "not comparable", "no record", "no noise reference")
CURVE_ROW = "learning_curve"  # the curve's cells: learning_curve/<size>, learning_curve/<size> / <set>/<language>


def git(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *arguments], capture_output=True, text=True)


def resolve(name: str) -> str:
    """A commit for a git revision or a DVC experiment name (experiments are refs under refs/exps/)."""
    found = git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}")
    if found.returncode == 0:
        return found.stdout.strip()
    refs = git("for-each-ref", "--format=%(refname) %(objectname)", "refs/exps").stdout.splitlines()
    matches = [commit for ref, commit in (line.split() for line in refs) if ref.rsplit("/", 1)[-1] == name]
    if len(matches) == 1:
        return matches[0]
    raise PipelineError(f"{name!r} is neither a git revision nor a DVC experiment of this repository; expected a "
                        f"commit, branch or tag (git log), or an experiment name (dvc exp show)")


@dataclass
class Run:
    """One side of a comparison: its F1 cells, the curve, its training records, params and noise reference."""
    name: str
    f1: dict[str, dict[str, dict]]
    curve: dict[str, dict]  # "<size>" (the curve language's test split) or "<size> / <set>/<language>"
    training: dict[str, dict]
    params: dict
    noise: dict | None
    seeds: list[int] = field(default_factory=list)


def read_run(name: str, root: Path = Path(".")) -> Run:
    """The run at a revision or experiment (`workspace`: the files on disk); one-line errors for a name that is not
    there or has no metrics."""
    commit = None if name == WORKSPACE else resolve(name)

    def read(path: str) -> str | None:
        if commit is None:
            file = root / path
            return file.read_text() if file.is_file() else None
        shown = git("show", f"{commit}:{path}")
        return shown.stdout if shown.returncode == 0 else None

    f1_text = read(F1_FILE)
    if f1_text is None:
        raise PipelineError(f"{name}: no {F1_FILE}; expected a revision or experiment where the pipeline ran "
                            f"(dvc repro) and its metrics were committed")
    params = yaml.safe_load(read(PARAMS_FILE) or "{}") or {}
    curve_text = read(CURVE_FILE)
    curve = curve_cells(curve_text, (params.get("learning_curve") or {}).get("language", "?")) if curve_text else {}
    noise_text = read(NOISE_FILE)
    f1 = with_cells(json.loads(f1_text), json.loads(read(OUT_OF_DOMAIN_FILE) or "{}"))
    return Run(name=name, f1=f1, curve=curve, training=json.loads(read(TRAINING_FILE) or "{}"),
               params=params, noise=json.loads(noise_text) if noise_text else None,
               seeds=list((params.get("train") or {}).get("seeds") or [42]))


def curve_cells(curve_csv: str, language: str) -> dict[str, dict]:
    """The learning curve's cells from metrics/learning_curve.csv, each {"mean", "sd"} (sd None with one seed):
    "<size>" for the curve language's own test split, "<size> / <set>/<language>" for each out-of-domain set's."""
    import pandas as pd

    def number(value) -> float | None:
        return None if value is None or math.isnan(value) else value

    cells = {}
    for row in pd.read_csv(io.StringIO(curve_csv)).to_dict("records"):
        size = str(int(row["num_samples"]))
        cells[size] = {"mean": row["f1"], "sd": number(row.get("f1_sd"))}
        for column in row:
            name = column.removesuffix("_f1")
            if column.endswith("_f1") and name != "zero_shot" and number(row[column]) is not None:
                cells[f"{size} / {name}/{language}"] = {"mean": row[column], "sd": number(row.get(f"{name}_f1_sd"))}
    return cells


def curve_order(key: str) -> tuple:
    """The curve's own sizes first, then each out-of-domain set's, each by size."""
    size, _, cell = key.partition(" / ")
    return cell, int(size)


# ---------------------------------------------------------------- which cells, which records, which noise

def book_cells(f1: dict, params: dict) -> list[tuple[str, str, str]]:
    """(label, strategy, language) of the book's table, in its order: the first single-language strategy's row
    (zero-shot), `each` (every language by its own model; its first cell is the first row's, listed once), then
    the multi-language strategies."""
    languages = list(params.get("languages") or [])
    strategies = params.get("strategies") or {}
    single = {}
    for name, members in strategies.items():
        if len(members) == 1:
            single.setdefault(members[0], name)
    cells = []
    if single:
        first = next(iter(single.values()))
        cells += [(f"{first} / {language}", first, language) for language in languages]
    cells += [(f"each / {language}", single[language], language) for language in languages
              if language in single and (single[language], language) not in {cell[1:] for cell in cells}]
    for name, members in strategies.items():
        if len(members) > 1:
            cells += [(f"{name} / {language}", name, language) for language in languages]
    return [cell for cell in cells if cell[1] in f1 and cell[2] in f1[cell[1]]]


def all_cells(a: Run, b: Run) -> list[tuple[str, str, str]]:
    """The book's cells (as B's params draw the table), then every other strategy × language cell of either run,
    then the learning curve's sizes."""
    cells = book_cells(b.f1, b.params) or book_cells(a.f1, a.params)
    seen = {(strategy, language) for _, strategy, language in cells}
    for f1 in (b.f1, a.f1):
        for strategy, row in f1.items():
            for language in row:
                if (strategy, language) not in seen:
                    seen.add((strategy, language))
                    cells.append((f"{strategy} / {language}", strategy, language))
    for key in sorted({*a.curve, *b.curve}, key=curve_order):
        cells.append((f"{CURVE_ROW}/{key}", CURVE_ROW, key))
    return cells


def records_of(run: Run, strategy: str, cell: str) -> list[dict | None]:
    """The training records of the models behind one cell: the strategy's models over the run's seeds, or a curve
    size's (None for a model trained before records existed)."""
    if strategy == CURVE_ROW:
        size = cell.partition(" / ")[0]
        names = [name for name in run.training if name.split("-seed")[0] == f"{CURVE_ROW}-{size}"]
    else:
        names = [name for name in run.training if name.rsplit("-seed", 1)[0] == strategy]
    if not names:
        return [None]
    return [run.training[name].get("environment") for name in names]


def comparability(a_records: list[dict | None], b_records: list[dict | None]) -> str | None:
    """None where two cells' models were trained alike; else why not: `no record in A` or the decisive fields that
    differ (`threads 1 vs 2`)."""
    for side, records in (("A", a_records), ("B", b_records)):
        if any(record is None for record in records):
            return f"{NO_RECORD} in {side}"
    differences = []
    for key in DECISIVE:
        a_values = sorted({str(record[key]) for record in a_records})
        b_values = sorted({str(record[key]) for record in b_records})
        if a_values != b_values:
            differences.append(f"{key} {'/'.join(a_values)} vs {'/'.join(b_values)}")
    return ", ".join(differences) or None


def cell_of(run: Run, strategy: str, language: str) -> dict | None:
    if strategy == CURVE_ROW:
        return run.curve.get(language)
    return run.f1.get(strategy, {}).get(language)


def standard_error(run: Run, strategy: str, language: str, noise: dict | None) -> float | None:
    """A cell's sd as an error of its value: its own spread over the run's seeds (sd / sqrt(n)) where it has
    several, else the noise reference's sd of one seed's cell (None where the reference lacks the cell)."""
    cell = cell_of(run, strategy, language)
    if cell and cell.get("sd") is not None and len(run.seeds) > 1:
        return cell["sd"] / math.sqrt(len(run.seeds))
    if noise is None:
        return None
    if strategy == CURVE_ROW:
        return noise.get("curve_sd", {}).get(language)
    return noise.get("sd", {}).get(strategy, {}).get(language)


@dataclass(frozen=True)
class Row:
    label: str
    a: float | None
    b: float | None
    change: float | None
    bound: float | None  # twice the combined sd
    verdict: str


def compare(a: Run, b: Run) -> list[Row]:
    noise = b.noise or a.noise
    rows = []
    for label, strategy, language in all_cells(a, b):
        a_cell, b_cell = cell_of(a, strategy, language), cell_of(b, strategy, language)
        a_value = a_cell["mean"] if a_cell else None
        b_value = b_cell["mean"] if b_cell else None
        if a_value is None or b_value is None:
            rows.append(Row(label, a_value, b_value, None, None, f"only in {'B' if a_value is None else 'A'}"))
            continue
        change = b_value - a_value
        errors = [standard_error(run, strategy, language, noise) for run in (a, b)]
        bound = 2 * math.sqrt(sum(error ** 2 for error in errors)) if None not in errors else None
        differs = comparability(records_of(a, strategy, language), records_of(b, strategy, language))
        if differs:
            verdict = differs if differs.startswith(NO_RECORD) else f"{NOT_COMPARABLE}: {differs}"
        elif bound is None:
            verdict = NO_REFERENCE
        else:
            verdict = BEYOND if abs(change) > bound else WITHIN
        rows.append(Row(label, a_value, b_value, change, bound, verdict))
    return rows


def flat(tree, prefix: str = "") -> dict[str, object]:
    if isinstance(tree, dict):
        return {key: value for name, child in tree.items()
                for key, value in flat(child, f"{prefix}{name}.").items()}
    return {prefix[:-1]: tree}


def params_diff(a: Run, b: Run) -> list[str]:
    a_params, b_params = flat(a.params), flat(b.params)
    return [f"{key}: {a_params.get(key, '—')} -> {b_params.get(key, '—')}"
            for key in dict.fromkeys([*a_params, *b_params]) if a_params.get(key) != b_params.get(key)]


def machines(run: Run) -> list[str]:
    """Each distinct training setup of a run, one line each."""
    summaries = {environment_summary(record["environment"]) for record in run.training.values()
                 if record.get("environment")}
    return sorted(summaries) or ["no record of where its models were trained"]


# ---------------------------------------------------------------- output

def _number(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value:+.4f}" if signed else f"{value:.4f}"


def noise_line(noise: dict | None) -> str:
    if noise is None:
        return f"noise reference: none ({NOISE_FILE} is in neither run; `python -m panx_ner.noise` makes one)"
    return (f"noise reference: {NOISE_FILE}, seeds {', '.join(map(str, noise['seeds']))}, {noise['cpu']}, "
            f"`{noise['command']}`")


def counts(rows: list[Row]) -> str:
    tally: dict[str, int] = {}
    for row in rows:
        kind = row.verdict.split(":")[0].split(" in ")[0]
        tally[kind] = tally.get(kind, 0) + 1
    return f"{len(rows)} cells: " + ", ".join(f"{count} {kind}" for kind, count in tally.items())


def as_text(a: Run, b: Run, rows: list[Row]) -> str:
    width = max(len(row.label) for row in rows)
    lines = [f"A: {a.name}    B: {b.name}", noise_line(b.noise or a.noise), "",
             f"{'cell (strategy / language)':<{width}}  {'A':>6}  {'B':>6}  {'change':>7}  {'2×sd':>6}  verdict"]
    lines += [f"{row.label:<{width}}  {_number(row.a):>6}  {_number(row.b):>6}  {_number(row.change, True):>7}  "
              f"{_number(row.bound):>6}  {row.verdict}" for row in rows]
    lines += ["", counts(rows), "", "params that differ:", *(f"  {line}" for line in params_diff(a, b) or ["none"]),
              "", "where the models were trained:", *(f"  A: {line}" for line in machines(a)),
              *(f"  B: {line}" for line in machines(b))]
    return "\n".join(lines) + "\n"


def as_markdown(a: Run, b: Run, rows: list[Row]) -> str:
    lines = [f"**F1, {a.name} (A) → {b.name} (B)**: {counts(rows)}. {noise_line(b.noise or a.noise)}.", "",
             "| cell (strategy / language) | A | B | change | 2×sd | verdict |", "|---|---|---|---|---|---|"]
    lines += [f"| {row.label} | {_number(row.a)} | {_number(row.b)} | {_number(row.change, True)} | "
              f"{_number(row.bound)} | {'**' + row.verdict + '**' if row.verdict == BEYOND else row.verdict} |"
              for row in rows]
    differ = params_diff(a, b)
    lines += ["", "Params that differ: " + ("; ".join(f"`{line}`" for line in differ) if differ else "none") + ".",
              "", "Trained on: A " + "; ".join(machines(a)) + ". B " + "; ".join(machines(b)) + "."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", nargs="?", default="HEAD", help="a git revision or experiment name (default HEAD)")
    parser.add_argument("b", nargs="?", default=WORKSPACE,
                        help=f"a git revision or experiment name (default: the {WORKSPACE})")
    parser.add_argument("--md", action="store_true", help="one markdown table, for a pull-request comment")
    args = parser.parse_args()
    if git("rev-parse", "--git-dir").returncode != 0:
        raise PipelineError("not in a git repository; run it in the project's checkout")
    a, b = read_run(args.a), read_run(args.b)
    rows = compare(a, b)
    sys.stdout.write(as_markdown(a, b, rows) if args.md else as_text(a, b, rows))


if __name__ == "__main__":
    run_main(main)
