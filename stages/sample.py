"""Stage sample: shuffle each split of one language with the seed and keep int(fraction * rows) rows."""

import argparse

from panx_ner.artifacts import SPLITS, atomic_path, corpus_dir, raw_dir, split_file
from panx_ner.cli import run_main
from panx_ner.corpus import load_split, sample_split
from panx_ner.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("language")
    args = parser.parse_args()
    params = load_params()
    params.check_language(args.language)
    fraction = params.languages[args.language]
    with atomic_path(corpus_dir(args.language)) as folder:
        folder.mkdir()
        for split in SPLITS:
            sampled = sample_split(load_split(raw_dir(args.language), split), fraction, params.sample_seed)
            sampled.to_parquet(split_file(folder, split))
            print(f"sample {args.language} {split}: {sampled.num_rows} sentences")


if __name__ == "__main__":
    run_main(main)
