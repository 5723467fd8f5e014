"""Stage train: fine-tune the checkpoint for one strategy (models/<strategy>/) or one learning-curve size.

    python -m stages.train de                 # strategy from params.yaml strategies
    python -m stages.train --curve-size 250   # first 250 shuffled sentences of learning_curve.language
"""

import os

from panx_ner.artifacts import (
    curve_model_dir,
    curve_name,
    encoded_dir,
    load_split,
    model_dir,
    trainset_dir,
    training_log_file,
)
from panx_ner.cli import parse_strategy_or_curve_size, run_main
from panx_ner.params import load_params
from panx_ner.training import train_model, write_training_log
from panx_ner.trainsets import first_rows

RESUME_VARIABLE = "PANX_RESUME"  # set to 1 to continue from the last per-epoch checkpoint of an interrupted run


def main() -> None:
    args = parse_strategy_or_curve_size(__doc__)
    params = load_params()
    if args.strategy is not None:
        params.check_strategy(args.strategy)
        name, output = args.strategy, model_dir(args.strategy)
        train_set = load_split(trainset_dir(args.strategy), "train")
        validation_set = load_split(trainset_dir(args.strategy), "validation")
    else:
        curve = params.learning_curve
        name, output = curve_name(args.curve_size), curve_model_dir(args.curve_size)
        source = encoded_dir(curve.language)
        train_set = first_rows(load_split(source, "train"), args.curve_size, curve.seed, f"{source}/train.parquet")
        validation_set = load_split(source, "validation")
    print(f"train {name}: {train_set.num_rows} training / {validation_set.num_rows} validation sentences")
    result = train_model(params.model.checkpoint, train_set, validation_set, params.train, output, name,
                         resume=os.environ.get(RESUME_VARIABLE) == "1")
    write_training_log(training_log_file(name), result)
    print(f"train {name}: best epoch {result.best_epoch}, validation F1 {result.best_validation_f1:.4f}, "
          f"{result.train_seconds:.0f} s")


if __name__ == "__main__":
    run_main(main)
