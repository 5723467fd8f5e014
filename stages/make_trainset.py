"""Stage make_trainset: one strategy's training and validation sets -> data/trainsets/<strategy>/.

Training and validation splits of the strategy's languages are concatenated, not shuffled: the Trainer draws each
epoch's batches at random (seeded by each train stage's seed), so one training set serves every seed. The stage
depends on every encoded language but is cheap: when the languages a strategy uses are unchanged its output is
byte-identical, so DVC does not retrain that strategy.
"""

import argparse

from panx_ner.artifacts import atomic_path, encoded_dir, load_split, split_file, trainset_dir
from panx_ner.cli import run_main
from panx_ner.params import load_params
from panx_ner.trainsets import join_splits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("strategy")
    args = parser.parse_args()
    params = load_params()
    languages = params.check_strategy(args.strategy)
    with atomic_path(trainset_dir(args.strategy)) as folder:
        folder.mkdir()
        for split in ("train", "validation"):
            joined = join_splits([load_split(encoded_dir(language), split) for language in languages])
            joined.to_parquet(split_file(folder, split))
            print(f"make_trainset {args.strategy} {split}: {joined.num_rows} sentences from {'+'.join(languages)}")


if __name__ == "__main__":
    run_main(main)
