"""Stage summarize: the F1 table (metrics/f1.json, metrics/f1.md) and the learning curve (csv and png)."""

from panx_ner.artifacts import METRICS, atomic_path, curve_name, read_json, scores_file, write_json, write_text
from panx_ner.cli import run_main
from panx_ner.params import load_params
from panx_ner.results import book_table_markdown, f1_table, learning_curve_rows, plot_learning_curve, rows_to_csv

F1_JSON = METRICS / "f1.json"
F1_MARKDOWN = METRICS / "f1.md"
CURVE_CSV = METRICS / "learning_curve.csv"
CURVE_PNG = METRICS / "learning_curve.png"


def main() -> None:
    params = load_params()
    scores = {strategy: read_json(scores_file(strategy)) for strategy in params.strategies}
    table = f1_table(scores, list(params.languages))
    write_json(F1_JSON, table)
    write_text(F1_MARKDOWN, book_table_markdown(table, list(params.languages), params.strategies))

    curve = params.learning_curve
    curve_scores = {size: read_json(scores_file(curve_name(size)))[curve.language]["f1"] for size in curve.sizes}
    zero_shot = table[curve.zero_shot_strategy][curve.language]
    rows = learning_curve_rows(curve_scores, zero_shot)
    write_text(CURVE_CSV, rows_to_csv(rows))
    with atomic_path(CURVE_PNG) as temporary:
        plot_learning_curve(rows, curve.language, curve.zero_shot_strategy, temporary)
    print(F1_MARKDOWN.read_text())


if __name__ == "__main__":
    run_main(main)
