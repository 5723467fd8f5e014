"""Turning per-model scores into the book's F1 table, the all-language transfer table and heatmap, and the French
learning curve."""

from __future__ import annotations

import statistics
from pathlib import Path

import pandas as pd

from panx_ner.tables import markdown_table

EACH_ROW = "each"  # the book's row: every language scored by the model trained on that language alone

# Family and script of each PAN-X language this project ships params for; the heatmap groups columns by them.
LANGUAGE_GROUPS = {
    "de": ("Germanic", "Latin"), "en": ("Germanic", "Latin"), "nl": ("Germanic", "Latin"),
    "fr": ("Romance", "Latin"), "it": ("Romance", "Latin"), "es": ("Romance", "Latin"), "pt": ("Romance", "Latin"),
    "fi": ("Uralic", "Latin"), "et": ("Uralic", "Latin"), "tr": ("Turkic", "Latin"), "sw": ("Bantu", "Latin"),
    "ru": ("Slavic", "Cyrillic"), "ar": ("Semitic", "Arabic"), "hi": ("Indo-Aryan", "Devanagari"),
    "zh": ("Sinitic", "Han"), "ja": ("Japonic", "Kanji/kana"),
}
UNKNOWN_GROUP = ("other", "other")


def f1_table(runs: dict[str, list[dict]], languages: list[str]) -> dict[str, dict[str, float]]:
    """{strategy: {language: micro F1}} in params order; the mean over the strategy's seeds (`runs`: one scores
    dict per seed)."""
    return {strategy: {language: statistics.mean(scores[language]["f1"] for scores in per_seed)
                       for language in languages} for strategy, per_seed in runs.items()}


def f1_spread(runs: dict[str, list[dict]], languages: list[str]) -> dict[str, dict[str, float | None]]:
    """{strategy: {language: sample standard deviation of F1 over the seeds}}; None with a single seed."""
    return {strategy: {language: statistics.stdev(scores[language]["f1"] for scores in per_seed)
                       if len(per_seed) > 1 else None for language in languages} for strategy, per_seed in runs.items()}


def f1_json(table: dict[str, dict[str, float]], spread: dict[str, dict[str, float | None]]) -> dict:
    """metrics/f1.json: {strategy: {language: {"mean": F1, "sd": sd or null}}} (`dvc metrics diff` shows de.de.mean)."""
    return {strategy: {language: {"mean": round(mean, 4), "sd": None if spread[strategy][language] is None
                                  else round(spread[strategy][language], 4)}
                       for language, mean in row.items()} for strategy, row in table.items()}


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
        rows[first_single] = {language: table[first_single][language] for language in languages}
    rows[EACH_ROW] = {language: table[single[language]][language] if language in single else None
                      for language in languages}
    for name, members in strategies.items():
        if len(members) > 1:
            rows[name] = {language: table[name][language] for language in languages}
    return rows


def headline(table: dict[str, dict[str, float]], trained: list[str], zero_shot: list[str],
             strategies: dict[str, tuple[str, ...]]) -> dict[str, dict[str, float]]:
    """The few figures `dvc metrics show` prints: each book row's mean F1 over the trained-on languages, and the
    mean over the evaluation-only languages of the zero-shot row's and the multi-language strategies' models."""
    rows = book_rows(table, trained, strategies)
    figures = {"f1": {name: round(sum(row.values()) / len(row), 4) for name, row in rows.items()
                      if None not in row.values()}}
    if zero_shot:
        figures["unseen"] = {name: round(sum(table[name][lang] for lang in zero_shot) / len(zero_shot), 4)
                             for name in rows if name in table}
    return figures


def _cell(value: float | None, sd: float | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.4f}" if sd is None else f"{value:.4f} ± {sd:.4f}"


def _f1_markdown(rows: dict[str, dict[str, float | None]], languages: list[str], corner: str,
                 spread: dict[str, dict[str, float | None]]) -> str:
    frame = pd.DataFrame([[name, *(_cell(row[lang], spread[name][lang]) for lang in languages)]
                          for name, row in rows.items()], columns=[corner, *languages])
    return markdown_table(frame)


def grouped_languages(languages: list[str]) -> list[str]:
    """Languages grouped by script, then by family within a script, each in order of first appearance (so the
    trained-on languages, listed first in params, lead)."""
    group = {language: LANGUAGE_GROUPS.get(language, UNKNOWN_GROUP) for language in languages}
    scripts = dict.fromkeys(script for _, script in group.values())
    families = dict.fromkeys(family for family, _ in group.values())
    return sorted(languages, key=lambda language: (list(scripts).index(group[language][1]),
                                                   list(families).index(group[language][0])))


def f1_markdown(table: dict[str, dict[str, float]], trained: list[str], zero_shot: list[str],
                strategies: dict[str, tuple[str, ...]], spread: dict[str, dict[str, float | None]],
                seeds: tuple[int, ...]) -> str:
    """The F1 tables as markdown; with several seeds every cell is mean ± sample standard deviation (`spread`
    holds None per cell with one seed, which draws the mean alone)."""
    text = "# Test F1 (seqeval micro)\n\n"
    if len(seeds) > 1:
        text += (f"Every model trained once per seed ({', '.join(map(str, seeds))}); cells are the mean ± the sample "
                 f"standard deviation over the {len(seeds)} seeds.\n\n")
    text += "In the book's shape (`each`: every language's own model):\n\n"
    text += _f1_markdown(book_rows(table, trained, strategies), trained, "trained on \\ tested on",
                         book_rows(spread, trained, strategies))
    every = grouped_languages([*trained, *zero_shot])
    label = {name: f"{name} ({'+'.join(strategies[name])})" for name in table}
    text += "\nEvery strategy on every test split"
    if zero_shot:
        text += " (evaluation-only languages: " + ", ".join(zero_shot) + "; grouped by script, then family)"
    text += ":\n\n" + _f1_markdown({label[name]: table[name] for name in table}, every, "strategy (languages)",
                                   {label[name]: spread[name] for name in table})
    return text


def plot_transfer_heatmap(table: dict[str, dict[str, float]], languages: list[str], trained: list[str],
                          path: Path) -> None:
    """Strategy × language F1 as a heatmap, columns grouped by script and family, trained-on languages marked *."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = grouped_languages(languages)
    values = pd.DataFrame(table).T[ordered]
    figure, axis = plt.subplots(figsize=(1.0 + 0.62 * len(ordered), 1.6 + 0.45 * len(values)))
    image = axis.imshow(values.to_numpy(), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    axis.set_xticks(range(len(ordered)), [f"{lang}*" if lang in trained else lang for lang in ordered])
    axis.set_yticks(range(len(values.index)), values.index)
    for row in range(len(values.index)):
        for column in range(len(ordered)):
            value = values.iat[row, column]
            axis.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=7,
                      color="black" if value > 0.6 else "white")
    previous = None
    for column, language in enumerate(ordered):  # a label and a divider per script/family group
        family, script = LANGUAGE_GROUPS.get(language, UNKNOWN_GROUP)
        if (script, family) != previous:
            if previous is not None:
                axis.axvline(column - 0.5, color="white", linewidth=2)
            axis.text(column - 0.4, -0.7, f"{family}\n{script}", fontsize=6, va="bottom")
            previous = (script, family)
    axis.set_xlabel("test language (* = in some strategy's training data)")
    axis.set_ylabel("strategy")
    axis.set_title("Test F1 per strategy and language", pad=28)
    figure.colorbar(image, ax=axis, fraction=0.03)
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=100)
    plt.close(figure)


def entity_error_frame(scores: dict[str, dict], languages: list[str]) -> pd.DataFrame:
    """One row per strategy, language and error class: the count and its share of gold + spurious entities."""
    rows = []
    for strategy, per_language in scores.items():
        for language in languages:
            counts = per_language[language]["entities"]
            total = sum(counts.values()) or 1
            rows += [{"strategy": strategy, "language": language, "class": name, "count": count,
                      "share": round(count / total, 4)} for name, count in counts.items()]
    return pd.DataFrame(rows)


def plot_entity_errors(frame: pd.DataFrame, languages: list[str], path: Path) -> None:
    """Stacked bars per strategy (one panel each) and language: what becomes of every gold and predicted entity."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = grouped_languages(languages)
    strategies = list(dict.fromkeys(frame["strategy"]))
    classes = list(dict.fromkeys(frame["class"]))
    colours = ["#2ca02c", "#9467bd", "#ffbb78", "#ff7f0e", "#d62728", "#7f7f7f"]
    figure, axes = plt.subplots(len(strategies), 1, figsize=(1.2 + 0.5 * len(ordered), 1.9 * len(strategies)),
                                sharex=True, squeeze=False)
    for axis, strategy in zip(axes[:, 0], strategies):
        shares = frame[frame["strategy"] == strategy].pivot(index="language", columns="class", values="share")
        shares = shares.loc[ordered, classes]
        bottom = pd.Series(0.0, index=ordered)
        for name, colour in zip(classes, colours):
            axis.bar(ordered, shares[name], bottom=bottom, color=colour, label=name.replace("_", " "))
            bottom += shares[name]
        axis.set_ylim(0, 1)
        axis.set_ylabel(strategy)
    axes[0, 0].set_title("Gold and predicted entities by outcome (share of gold + spurious)")
    axes[0, 0].legend(ncol=len(classes), fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.15))
    figure.tight_layout()
    figure.savefig(path, format="png", dpi=100)
    plt.close(figure)


def learning_curve_frame(curve_scores: dict[int, list[float]], zero_shot_f1: float,
                         out_of_domain: dict[str, dict[int, list[float]]] | None = None) -> pd.DataFrame:
    """One row per size: the mean test F1 over the seeds (`curve_scores`: one F1 per seed), its sample standard
    deviation (empty with one seed), the zero-shot line, and per out-of-domain set with the curve's language the
    mean F1 on it and its sd (columns `<set>_f1`, `<set>_f1_sd`)."""
    def mean_and_sd(prefix: str, f1s: list[float]) -> dict:
        return {f"{prefix}f1": round(statistics.mean(f1s), 4),
                f"{prefix}f1_sd": round(statistics.stdev(f1s), 4) if len(f1s) > 1 else None}

    return pd.DataFrame([{"num_samples": size, **mean_and_sd("", f1s), "zero_shot_f1": zero_shot_f1,
                          **{key: value for name, per_size in (out_of_domain or {}).items()
                             for key, value in mean_and_sd(f"{name}_", per_size[size]).items()}}
                         for size, f1s in sorted(curve_scores.items())])


def live_history(live_dir: Path, metric: str) -> pd.DataFrame:
    """One metric's history from a DVCLive folder: step and value (DVCLive's timestamp column dropped)."""
    from panx_ner.artifacts import live_metric_file

    path = live_metric_file(live_dir, metric)
    if not path.is_file():
        return pd.DataFrame(columns=["step", metric])
    frame = pd.read_csv(path, sep="\t")
    # a value logged twice at one step (the epoch, beside both a loss and a validation) is the same value: keep one
    frame = frame.drop_duplicates("step", keep="last")
    return frame[["step", frame.columns[-1]]].rename(columns={frame.columns[-1]: metric})


def training_frames(live_dirs: dict[str, Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(every model's training loss per logged step, every model's validation per epoch) from their DVCLive folders:
    the sources of the step-level loss and per-epoch validation plots."""
    steps, epochs = [], []
    for model, live_dir in live_dirs.items():
        history = live_history(live_dir, "train/loss").merge(live_history(live_dir, "epoch"), on="step", how="left")
        steps.append(history.assign(model=model).rename(columns={"train/loss": "loss"}))
        validation = live_history(live_dir, "eval/f1").merge(live_history(live_dir, "eval/loss"), on="step")
        validation = validation.merge(live_history(live_dir, "epoch"), on="step", how="left")
        epochs.append(validation.assign(model=model, epoch=validation["epoch"].round().astype(int)).rename(
            columns={"eval/f1": "validation_f1", "eval/loss": "validation_loss"}))
    step_frame = pd.concat(steps)[["model", "step", "epoch", "loss"]]
    epoch_frame = pd.concat(epochs)[["model", "epoch", "step", "validation_loss", "validation_f1"]]
    return step_frame.round(4), epoch_frame.round(4)


def plot_learning_curve(rows: pd.DataFrame, language: str, zero_shot_strategy: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = rows["num_samples"].tolist()
    figure, axis = plt.subplots(figsize=(6, 4))
    axis.plot(sizes, rows["f1"], marker="o", label=f"fine-tuned on {language}")
    if rows["f1_sd"].notna().all():  # several seeds: mean ± sd
        axis.fill_between(sizes, rows["f1"] - rows["f1_sd"], rows["f1"] + rows["f1_sd"], alpha=0.2)
    axis.axhline(rows["zero_shot_f1"].iloc[0], linestyle="--", color="gray",
                 label=f"zero-shot from {zero_shot_strategy}")
    for column in (name for name in rows.columns if name.endswith("_f1") and name != "zero_shot_f1"):
        axis.plot(sizes, rows[column], marker=".", linestyle=":",
                  label=f"same models on {column.removesuffix('_f1')} {language} (out of domain)")
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
