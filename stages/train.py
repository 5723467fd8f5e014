"""Stage train: fine-tune the checkpoint for one strategy and seed (models/<strategy>/seed<seed>/) or one
learning-curve size and seed, logging to DVCLive (data/training/<name>/) and recording the best epoch and where it
was trained (data/training/<name>.json).

    python -m stages.train de --seed 42                 # strategy from params.yaml strategies, seed from train.seeds
    python -m stages.train --curve-size 250 --seed 42   # first 250 shuffled sentences of learning_curve.language
"""

import os
import sys

from panx_ner.allocator import allocator_in_use, relaunch_with_tcmalloc
from panx_ner.artifacts import (
    curve_model_dir,
    curve_name,
    encoded_dir,
    load_split,
    model_dir,
    model_name,
    trainset_dir,
    training_live_dir,
    training_record_file,
)
from panx_ner.cli import parse_strategy_or_curve_size, run_main
from panx_ner.launch import in_launched_process, is_main_process, relaunch_with_torchrun
from panx_ner.params import load_params

# Set to 1 to keep resumable per-epoch checkpoints (weights, optimizer and scheduler state) and to continue from
# the last one that an interrupted run with the same setting left; without it checkpoints hold only the weights.
RESUME_VARIABLE = "PANX_RESUME"


def main() -> None:
    args = parse_strategy_or_curve_size(__doc__, seed=True)
    relaunch_with_tcmalloc("stages.train", sys.argv[1:])
    # imported after the relaunch, which then costs a fraction of a second instead of their seconds of imports
    from panx_ner.training import train_model, write_training_record
    from panx_ner.trainsets import first_rows

    params = load_params()
    if params.train.processes > 1 and not in_launched_process():
        relaunch_with_torchrun(params.train.processes, "stages.train", sys.argv[1:])
    seed = params.check_seed(args.seed)
    if args.strategy is not None:
        params.check_strategy(args.strategy)
        name, output = model_name(args.strategy, seed), model_dir(args.strategy, seed)
        train_set = load_split(trainset_dir(args.strategy), "train")
        validation_set = load_split(trainset_dir(args.strategy), "validation")
    else:
        curve = params.learning_curve
        name, output = curve_name(args.curve_size, seed), curve_model_dir(args.curve_size, seed)
        source = encoded_dir(curve.language)
        train_set = first_rows(load_split(source, "train"), args.curve_size, curve.seed, f"{source}/train.parquet")
        validation_set = load_split(source, "validation")
    if is_main_process():
        print(f"train {name}: {train_set.num_rows} training / {validation_set.num_rows} validation sentences, "
              f"{allocator_in_use()} malloc")
    result = train_model(params.model.checkpoint, train_set, validation_set, params.train, seed, output, name,
                         resume=os.environ.get(RESUME_VARIABLE) == "1", live_dir=training_live_dir(name))
    if result is None:  # not the main process of a torchrun / accelerate launch: it writes nothing
        return
    write_training_record(training_record_file(name), result)
    print(f"train {name}: best epoch {result.best_epoch}, validation F1 {result.best_validation_f1:.4f}, "
          f"{result.train_seconds:.0f} s, {result.precision}, {result.processes} process(es)")


if __name__ == "__main__":
    run_main(main)
