"""Stage sample: shuffle each split of one language with the seed and keep int(fraction * rows) rows.

An evaluation-only language (zero_shot_languages) is sampled in its test split alone.
"""

import argparse

from panx_ner.artifacts import atomic_path, corpus_dir, load_split, raw_dir, split_file
from panx_ner.cli import run_main
from panx_ner.errors import PipelineError
from panx_ner.corpus import sample_split
from panx_ner.params import load_params


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("language")
    args = parser.parse_args()
    params = load_params()
    fraction = params.fraction(args.language)
    raw = {split: load_split(raw_dir(args.language), split) for split in params.splits(args.language)}
    for split, dataset in raw.items():  # before writing anything: an empty split would only fail in training
        if int(fraction * dataset.num_rows) == 0:
            section = "languages" if args.language in params.languages else "zero_shot_languages"
            raise PipelineError(f"{section}.{args.language}: fraction {fraction} keeps 0 of the {dataset.num_rows} "
                                f"{split} sentences; expected at least {1 / dataset.num_rows:.2g}")
    with atomic_path(corpus_dir(args.language)) as folder:
        folder.mkdir()
        for split, dataset in raw.items():
            sampled = sample_split(dataset, fraction, params.sample_seed)
            sampled.to_parquet(split_file(folder, split))
            print(f"sample {args.language} {split}: {sampled.num_rows} sentences")


if __name__ == "__main__":
    run_main(main)
