"""Stage download: one language's PAN-X config from the Hub or a local folder -> data/raw/<lang>/<split>.parquet.

The language is one of `languages` or `zero_shot_languages` in params.yaml.
"""

import argparse

from panx_ner.artifacts import DROPPED_FILE, SPLITS, atomic_path, raw_dir, split_file, write_json
from panx_ner.cli import run_main
from panx_ner.params import load_params
from panx_ner.sources import load_panx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("language")
    args = parser.parse_args()
    params = load_params()
    params.check_language(args.language)
    dataset, empty_sentences = load_panx(params.dataset.source, args.language, params.dataset.revision)
    with atomic_path(raw_dir(args.language)) as folder:
        folder.mkdir()
        for split in SPLITS:
            dataset[split].to_parquet(split_file(folder, split))
        write_json(folder / DROPPED_FILE, {"empty_sentences": empty_sentences})
    print(f"download {args.language}: " + ", ".join(f"{s} {dataset[s].num_rows}" for s in SPLITS)
          + f" (empty sentences dropped: {sum(empty_sentences.values())})")


if __name__ == "__main__":
    run_main(main)
