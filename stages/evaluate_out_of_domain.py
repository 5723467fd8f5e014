"""Stage evaluate_out_of_domain: a trained model scored on an out-of-domain test set, on the entity types both know
-> data/scores/out_of_domain/<model>-<set>.json ({language: scores}).

    python -m stages.evaluate_out_of_domain de --seed 42 --set conll               # a strategy's model, every language
    python -m stages.evaluate_out_of_domain --curve-size 250 --seed 42 --set conll  # a curve model, on the set's
                                                                                    # learning_curve.language split

One stage per model and set, so adding or removing a set adds or removes stages and reruns nothing else. A curve
model is scored where the set has the curve's language (else the file is {} and no model is loaded).
"""

import time

from panx_ner.artifacts import curve_model_dir, curve_name, model_dir, model_name, write_json
from panx_ner.checkpoints import load_trained
from panx_ner.cli import parse_strategy_or_curve_size, run_main
from panx_ner.errors import PipelineError
from panx_ner.out_of_domain import cell_name, score_on_set, scores_file
from panx_ner.params import load_params
from panx_ner.precision import resolve_precision


def main() -> None:
    args = parse_strategy_or_curve_size(__doc__, seed=True, test_set=True)
    set_name = args.set
    params = load_params()
    seed = params.check_seed(args.seed)
    sets = params.out_of_domain.sets
    if set_name not in sets:
        raise PipelineError(f"--set {set_name!r} is not in out_of_domain.sets of params.yaml "
                            f"({', '.join(sets) or 'none'})")
    languages = list(sets[set_name].languages)
    if args.strategy is not None:
        params.check_strategy(args.strategy)
        name, path = model_name(args.strategy, seed), model_dir(args.strategy, seed)
    else:
        name, path = curve_name(args.curve_size, seed), curve_model_dir(args.curve_size, seed)
        languages = [language for language in languages if language == params.learning_curve.language]
    started = time.perf_counter()
    scores = {}
    if languages:
        if params.train.threads:
            import torch

            torch.set_num_threads(params.train.threads)
        model, tokenizer = load_trained(path)
        scores = score_on_set(model, tokenizer, set_name, languages, params.evaluate.batch_size,
                              resolve_precision(params.train.precision))
    write_json(scores_file(name, set_name), scores)
    summary = ", ".join(f"{cell_name(set_name, language)} {s['f1']:.4f}" for language, s in scores.items())
    print(f"evaluate_out_of_domain {name} on {set_name}: "
          f"{f'F1 on shared types {summary}' if scores else 'the set has no ' + params.learning_curve.language}"
          f" ({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    run_main(main)
