"""The out-of-domain tables: every model's F1 on each set and language (shared types only) beside its in-domain
F1 on the same language's PAN-X test split and the drop, per-type scores, entity outcomes, and the plot."""

from __future__ import annotations

import statistics
from pathlib import Path

import pandas as pd

from panx_ner.entity_errors import ERROR_CLASSES
from panx_ner.out_of_domain import cell_name
from panx_ner.tables import markdown_table


def _mean(values: list[float]) -> float:
    return round(statistics.mean(values), 4)


def out_of_domain_json(runs: dict[str, list[dict]], in_domain: dict[str, dict[str, float]]) -> dict:
    """{strategy: {"conll/en": {mean, sd, in_domain, drop, sampling_sd, types}}}; `runs`: per strategy, one
    {set: {language: scores}} per seed; `in_domain`: the F1 table of metrics/f1.json (means over the seeds)."""
    table = {}
    for strategy, per_seed in runs.items():
        row = {}
        for set_name, per_language in per_seed[0].items():
            for language in per_language:
                cells = [scores[set_name][language] for scores in per_seed]
                f1s = [cell["f1"] for cell in cells]
                mean = _mean(f1s)
                reference = in_domain.get(strategy, {}).get(language)
                row[cell_name(set_name, language)] = {
                    "mean": mean, "sd": round(statistics.stdev(f1s), 4) if len(f1s) > 1 else None,
                    "in_domain": None if reference is None else round(reference, 4),
                    "drop": None if reference is None else round(reference - mean, 4),
                    "sampling_sd": _mean([cell["sampling_sd"] for cell in cells]),
                    "types": cells[0]["types"]}
        table[strategy] = row
    return table


def headline_figure(table: dict, strategies: dict[str, tuple[str, ...]]) -> dict[str, float]:
    """The one figure `dvc metrics show` gains: the mean out-of-domain F1 of the strategy trained on the most
    languages (`all` in the study)."""
    widest = max(strategies, key=lambda name: (len(strategies[name]), list(strategies).index(name)))
    cells = table.get(widest) or {}
    return {widest: _mean([cell["mean"] for cell in cells.values()])} if cells else {}


def type_frame(released: dict[str, dict]) -> pd.DataFrame:
    """Per-type precision, recall, F1 and support of each released model on each set and language."""
    rows = []
    for strategy, per_set in released.items():
        for set_name, per_language in per_set.items():
            for language, scores in per_language.items():
                rows += [{"strategy": strategy, "set": set_name, "language": language, "type": entity,
                          **{key: scores[entity][key] for key in ("precision", "recall", "f1", "support")}}
                         for entity in scores["types"]]
    return pd.DataFrame(rows, columns=["strategy", "set", "language", "type", "precision", "recall", "f1",
                                       "support"])


def error_frame(released: dict[str, dict]) -> pd.DataFrame:
    """Entity outcomes of each released model per set and language: the classes of panx_ner/entity_errors.py on
    the shared types, each with its share of gold + spurious entities (`cell`: set/language, what the plot draws)."""
    rows = []
    for strategy, per_set in released.items():
        for set_name, per_language in per_set.items():
            for language, scores in per_language.items():
                counts = scores["entities"]
                total = sum(counts[name] for name in ERROR_CLASSES) or 1
                rows += [{"strategy": strategy, "set": set_name, "language": language,
                          "cell": cell_name(set_name, language), "class": name, "count": counts[name],
                          "share": round(counts[name] / total, 4)} for name in ERROR_CLASSES]
    return pd.DataFrame(rows, columns=["strategy", "set", "language", "cell", "class", "count", "share"])


def other_type_frame(released: dict[str, dict]) -> pd.DataFrame:
    """The spurious entities that lie on a gold entity of a type the model lacks, by that type and the type
    predicted (a MISC phrase tagged ORG), with their share of all spurious entities of the cell."""
    rows = []
    for strategy, per_set in released.items():
        for set_name, per_language in per_set.items():
            for language, scores in per_language.items():
                spurious = scores["entities"]["spurious"] or 1
                rows += [{"strategy": strategy, "set": set_name, "language": language, "gold_type": gold_type,
                          "predicted_type": kind, "count": count, "share_of_spurious": round(count / spurious, 4)}
                         for gold_type, by_type in scores["on_other_types"].items() for kind, count in by_type.items()]
    return pd.DataFrame(rows, columns=["strategy", "set", "language", "gold_type", "predicted_type", "count",
                                       "share_of_spurious"])


def _cell(value: float | None, sd: float | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" if sd is None else f"{value:.4f} ± {sd:.4f}"


def out_of_domain_markdown(table: dict, sentences: int, seeds: tuple[int, ...]) -> str:
    """metrics/out_of_domain.md: F1 per strategy and cell, then in-domain F1 and the drop, with the rule stated."""
    cells = list(dict.fromkeys(cell for row in table.values() for cell in row))
    types = sorted({", ".join(cell["types"]) for row in table.values() for cell in row.values()})
    drawn = "every sentence of each split" if sentences == 0 else f"{sentences} sentences drawn per set and language"
    text = ("# Out-of-domain test F1 (seqeval micro, on the types the model and the set share)\n\n"
            f"Types scored: {'; '.join(types)}. Entities of any other type (MISC) are removed from gold and prediction "
            "alike; a shared-type entity predicted on a gold MISC span stays a false positive. "
            f"{drawn[0].upper()}{drawn[1:]} (sample.seed)")
    text += (f"; cells are the mean ± sd over seeds {', '.join(map(str, seeds))}.\n\n" if len(seeds) > 1 else ".\n\n")
    frame = pd.DataFrame([[strategy, *(_cell(row[c]["mean"], row[c]["sd"]) if c in row else "–" for c in cells)]
                          for strategy, row in table.items()], columns=["strategy", *cells])
    text += markdown_table(frame)
    text += ("\nIn-domain F1 (PAN-X test, same model and language) → out-of-domain F1, and the drop; ± is the "
             "sampling sd of the drawn sentences (bootstrap):\n\n")
    frame = pd.DataFrame([[strategy, *(f"{row[c]['in_domain']:.4f} → {row[c]['mean']:.4f} ({row[c]['drop']:+.4f} "
                                       f"± {row[c]['sampling_sd']:.4f})" if c in row and row[c]["in_domain"] is not None
                                       else f"{row[c]['mean']:.4f} ± {row[c]['sampling_sd']:.4f}" if c in row else "–"
                                       for c in cells)]
                          for strategy, row in table.items()], columns=["strategy", *cells])
    return text + markdown_table(frame)


def plot_in_vs_out(table: dict, path: Path) -> None:
    """One point per model, set and language: in-domain F1 (x) against out-of-domain F1 (y); the diagonal is no
    drop."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(6.4, 5.2))
    sets = list(dict.fromkeys(cell.split("/")[0] for row in table.values() for cell in row))
    markers = dict(zip(sets, "osD^vP*X"))
    colours = plt.get_cmap("tab10")
    for index, (strategy, row) in enumerate(table.items()):
        for set_name in sets:
            points = [(cell["in_domain"], cell["mean"]) for name, cell in row.items()
                      if name.split("/")[0] == set_name and cell["in_domain"] is not None]
            if points:
                xs, ys = zip(*points)
                axis.scatter(xs, ys, marker=markers[set_name], color=colours(index % 10), s=28,
                             label=f"{strategy} · {set_name}")
    axis.plot([0, 1], [0, 1], color="grey", linewidth=0.8, linestyle="--")
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1)
    axis.set_xlabel("in-domain F1 (PAN-X test, same language)")
    axis.set_ylabel("out-of-domain F1 (shared types)")
    axis.set_title("Each model on text it was not trained on")
    axis.legend(fontsize=6, ncol=2, loc="upper left")
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=100)
    plt.close(figure)
