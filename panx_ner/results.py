"""Turning per-model scores into the book's F1 table and French learning curve."""

from __future__ import annotations

from pathlib import Path

EACH_ROW = "each"  # the book's row: every language scored by the model trained on that language alone


def f1_table(scores: dict[str, dict], languages: list[str]) -> dict[str, dict[str, float]]:
    """{strategy: {language: micro F1}} in params order."""
    return {strategy: {language: per_language[language]["f1"] for language in languages}
            for strategy, per_language in scores.items()}


def book_rows(table: dict[str, dict[str, float]], languages: list[str],
              strategies: dict[str, tuple[str, ...]]) -> dict[str, dict[str, float | None]]:
    """Rows as in the book: the first single-language strategy (zero-shot from it), `each`, then multi-language ones.

    `each` takes, for every language, the strategy trained on that language alone (None where there is none).
    """
    single = {}
    for name, members in strategies.items():
        if len(members) == 1:
            single.setdefault(members[0], name)
    rows: dict[str, dict[str, float | None]] = {}
    if single:
        first_single = next(iter(single.values()))
        rows[first_single] = dict(table[first_single])
    rows[EACH_ROW] = {language: table[single[language]][language] if language in single else None
                      for language in languages}
    for name, members in strategies.items():
        if len(members) > 1:
            rows[name] = dict(table[name])
    return rows


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def book_table_markdown(table: dict[str, dict[str, float]], languages: list[str],
                        strategies: dict[str, tuple[str, ...]]) -> str:
    header = ["trained on \\ tested on", *languages]
    book = book_rows(table, languages, strategies)
    text = "# Test F1 (seqeval micro)\n\nIn the book's shape (`each`: every language's own model):\n\n"
    text += _markdown(header, [[name, *(_cell(row[lang]) for lang in languages)] for name, row in book.items()])
    text += "\nEvery strategy on every test split:\n\n"
    text += _markdown(["strategy (languages)", *languages],
                      [[f"{name} ({'+'.join(strategies[name])})", *(_cell(table[name][lang]) for lang in languages)]
                       for name in table])
    return text


def learning_curve_rows(curve_scores: dict[int, float], zero_shot_f1: float) -> list[dict]:
    return [{"num_samples": size, "f1": f1, "zero_shot_f1": zero_shot_f1} for size, f1 in sorted(curve_scores.items())]


def rows_to_csv(rows: list[dict]) -> str:
    header = list(rows[0])
    return "\n".join([",".join(header)] + [",".join(str(row[c]) for c in header) for row in rows]) + "\n"


def plot_learning_curve(rows: list[dict], language: str, zero_shot_strategy: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [row["num_samples"] for row in rows]
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.plot(sizes, [row["f1"] for row in rows], marker="o", label=f"fine-tuned on {language}")
    axis.axhline(rows[0]["zero_shot_f1"], linestyle="--", color="gray",
                 label=f"zero-shot from {zero_shot_strategy}")
    axis.set_xscale("log")
    axis.minorticks_off()  # log-scale minor labels would crowd the sizes
    axis.set_xticks(sizes, [str(s) for s in sizes])
    axis.set_ylim(0, 1)
    axis.set_xlabel("Number of training samples")
    axis.set_ylabel("F1 score")
    axis.set_title(f"{language} test F1 against training set size")
    axis.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=100)
    plt.close(figure)
