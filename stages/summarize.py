"""Stage summarize: the F1 tables, the transfer heatmap and the learning curve, and the published copies of the
expensive stages' small outputs.

The expensive stages (train, train_curve, evaluate, evaluate_curve, error_report) write only DVC-cached outputs, so
that DVC can restore them from its run-cache instead of rerunning them; this cheap stage copies what people read
and diff into metrics/ (tracked by git): per-model scores, the trainings' DVCLive logs (step-level loss, per-epoch
validation) and records (best epoch, time, where trained), the error report.
"""

import shutil

import pandas as pd

from panx_ner.artifacts import (
    ERROR_REPORT,
    METRICS,
    PUBLISHED_ERROR_REPORT,
    PUBLISHED_SCORES,
    atomic_path,
    curve_name,
    flat_name,
    model_name,
    read_json,
    scores_file,
    training_live_dir,
    training_record_file,
    write_csv,
    write_json,
    write_text,
)
from panx_ner.cli import run_main
from panx_ner.out_of_domain import scores_file as out_of_domain_scores_file
from panx_ner.out_of_domain_results import (
    error_frame,
    headline_figure,
    out_of_domain_json,
    other_type_frame,
    out_of_domain_markdown,
    plot_in_vs_out,
    type_frame,
)
from panx_ner.metric_files import CURVE_CSV, F1_JSON, OUT_OF_DOMAIN_JSON, TRAINING_SUMMARY
from panx_ner.params import Params, load_params
from panx_ner.report import CONFUSION_PAIRS
from panx_ner.results import (
    entity_error_frame,
    f1_json,
    f1_markdown,
    f1_spread,
    f1_table,
    headline,
    learning_curve_frame,
    plot_entity_errors,
    plot_learning_curve,
    plot_transfer_heatmap,
    training_frames,
)

HEADLINE_JSON = METRICS / "headline.json"  # the DVC metrics: a few means that fit `dvc metrics show`
F1_MARKDOWN = METRICS / "f1.md"
TRANSFER_PNG = METRICS / "transfer.png"
ENTITY_ERRORS_CSV = METRICS / "entity_errors.csv"  # strategy, language, class, count, share
ENTITY_ERRORS_PNG = METRICS / "entity_errors.png"
CURVE_PNG = METRICS / "learning_curve.png"
TRAINING_LOGS = METRICS / "training.csv"  # per-epoch validation loss and F1 of every model (from DVCLive)
TRAINING_STEPS = METRICS / "training_steps.csv"  # training loss every train.log_every_steps steps (from DVCLive)
OUT_OF_DOMAIN_MARKDOWN = METRICS / "out_of_domain.md"
OUT_OF_DOMAIN_TYPES = METRICS / "out_of_domain_types.csv"  # per-type P/R/F1 of the released models
OUT_OF_DOMAIN_ERRORS = METRICS / "out_of_domain_errors.csv"  # entity outcomes of the released models
OUT_OF_DOMAIN_OTHER_TYPES = METRICS / "out_of_domain_other_types.csv"  # spurious entities on gold MISC, by type
OUT_OF_DOMAIN_PNG = METRICS / "out_of_domain.png"
PUBLISHED_REPORT_FILES = ("report.md", "confusion.png", "top_tokens.csv", "label_losses.csv",
                          "confusion_normalized.csv", "suspect_labels.csv")


def publish(model_names: list[str]) -> None:
    """Copies scores, training logs and the error report into metrics/; one summary of every training run."""
    with atomic_path(PUBLISHED_SCORES) as folder:
        folder.mkdir()
        for name in model_names:
            shutil.copyfile(scores_file(name), folder / scores_file(name).name)
    steps, epochs = training_frames({flat_name(name): training_live_dir(name) for name in model_names})
    write_csv(TRAINING_STEPS, steps)  # one DVC plot source each, a line per model
    write_csv(TRAINING_LOGS, epochs)
    write_json(TRAINING_SUMMARY, {flat_name(name): read_json(training_record_file(name)) for name in model_names})
    with atomic_path(PUBLISHED_ERROR_REPORT) as folder:
        folder.mkdir()
        for file_name in PUBLISHED_REPORT_FILES:
            shutil.copyfile(ERROR_REPORT / file_name, folder / file_name)
        # one row per labelled sub-word is too large for git; the counts per (actual, predicted) pair draw the same
        pairs = pd.read_csv(ERROR_REPORT / CONFUSION_PAIRS)
        counts = pairs.value_counts(["actual", "predicted"]).rename("count").reset_index()
        counts.sort_values(["actual", "predicted"]).to_csv(folder / "confusion_counts.csv", index=False)


def out_of_domain(params: Params, in_domain: dict[str, dict[str, float]]) -> dict:
    """The out-of-domain files (empty tables where params name no set); returns the table."""
    sets, seeds = params.out_of_domain.sets, params.train.seeds
    runs = {strategy: [{name: read_json(out_of_domain_scores_file(model_name(strategy, seed), name)) for name in sets}
                       for seed in seeds] for strategy in params.strategies}
    table = out_of_domain_json(runs, in_domain) if sets else {}
    write_json(OUT_OF_DOMAIN_JSON, table)
    write_text(OUT_OF_DOMAIN_MARKDOWN, out_of_domain_markdown(table, params.out_of_domain.sentences, seeds)
               if sets else "# Out-of-domain test F1\n\nparams.yaml names no out_of_domain.sets.\n")
    released = {strategy: per_seed[0] for strategy, per_seed in runs.items()}
    write_csv(OUT_OF_DOMAIN_TYPES, type_frame(released))
    write_csv(OUT_OF_DOMAIN_ERRORS, error_frame(released))
    write_csv(OUT_OF_DOMAIN_OTHER_TYPES, other_type_frame(released))
    with atomic_path(OUT_OF_DOMAIN_PNG) as temporary:
        plot_in_vs_out(table, temporary)
    return table


def curve_out_of_domain(params: Params) -> dict[str, dict[int, list[float]]]:
    """{set: {size: F1 per seed}} of the curve models on each set that has the curve's language."""
    curve, seeds = params.learning_curve, params.train.seeds
    return {name: {size: [read_json(out_of_domain_scores_file(curve_name(size, seed), name))[curve.language]["f1"]
                          for seed in seeds] for size in curve.sizes}
            for name, test_set in params.out_of_domain.sets.items() if curve.language in test_set.languages}


def main() -> None:
    params = load_params()
    curve = params.learning_curve
    seeds = params.train.seeds
    publish([*(model_name(strategy, seed) for strategy in params.strategies for seed in seeds),
             *(curve_name(size, seed) for size in curve.sizes for seed in seeds)])

    runs = {strategy: [read_json(scores_file(model_name(strategy, seed))) for seed in seeds]
            for strategy in params.strategies}
    table, spread = f1_table(runs, params.test_languages), f1_spread(runs, params.test_languages)
    write_json(F1_JSON, f1_json(table, spread))
    trained, zero_shot = list(params.languages), list(params.zero_shot_languages)
    figures = headline(table, trained, zero_shot, params.strategies)
    ood_table = out_of_domain(params, table)
    if ood_table:
        figures["ood"] = headline_figure(ood_table, params.strategies)  # short: `dvc metrics show` stays in 120 columns
    write_json(HEADLINE_JSON, figures)
    write_text(F1_MARKDOWN, f1_markdown(table, trained, zero_shot, params.strategies, spread, seeds))
    with atomic_path(TRANSFER_PNG) as temporary:
        plot_transfer_heatmap(table, params.test_languages, trained, temporary)

    # the error breakdown of the released (first-seed) models: the ones the error report and model cards describe
    errors = entity_error_frame({strategy: per_seed[0] for strategy, per_seed in runs.items()}, params.test_languages)
    write_csv(ENTITY_ERRORS_CSV, errors)
    with atomic_path(ENTITY_ERRORS_PNG) as temporary:
        plot_entity_errors(errors, params.test_languages, temporary)

    curve_scores = {size: [read_json(scores_file(curve_name(size, seed)))[curve.language]["f1"] for seed in seeds]
                    for size in curve.sizes}
    rows = learning_curve_frame(curve_scores, table[curve.zero_shot_strategy][curve.language],
                                curve_out_of_domain(params))
    write_csv(CURVE_CSV, rows)
    with atomic_path(CURVE_PNG) as temporary:
        plot_learning_curve(rows, curve.language, curve.zero_shot_strategy, temporary)
    print(F1_MARKDOWN.read_text())


if __name__ == "__main__":
    run_main(main)
