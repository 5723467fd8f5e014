"""Stage evaluate: seqeval scores of one trained model on test splits -> metrics/scores/<model>.json.

    python -m stages.evaluate de --seed 42                 # a strategy's model, on every language's test split
    python -m stages.evaluate --curve-size 250 --seed 42   # a learning-curve model, on learning_curve.language's
"""

import time

from panx_ner.artifacts import curve_model_dir, curve_name, model_dir, model_name, scores_file, write_json
from panx_ner.cli import parse_strategy_or_curve_size, run_main
from panx_ner.evaluation import score_model
from panx_ner.params import load_params
from panx_ner.precision import resolve_precision


def main() -> None:
    args = parse_strategy_or_curve_size(__doc__, seed=True)
    params = load_params()
    seed = params.check_seed(args.seed)
    if args.strategy is not None:
        params.check_strategy(args.strategy)
        name, path, languages = model_name(args.strategy, seed), model_dir(args.strategy, seed), params.test_languages
    else:
        name, path = curve_name(args.curve_size, seed), curve_model_dir(args.curve_size, seed)
        languages = [params.learning_curve.language]
    started = time.perf_counter()
    scores = score_model(path, languages, params.evaluate.batch_size, threads=params.train.threads,
                         precision=resolve_precision(params.train.precision))
    write_json(scores_file(name), scores)
    summary = ", ".join(f"{language} {s['f1']:.4f}" for language, s in scores.items())
    print(f"evaluate {name}: F1 {summary} ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    run_main(main)
