"""Stage download: one language's PAN-X config from the Hub or a local folder -> data/raw/<lang>/<split>.parquet.

The language is one of `languages` (all three splits) or `zero_shot_languages` (its test split: see
stages/prepare_zero_shot.py) in params.yaml.
"""

from panx_ner.artifacts import DROPPED_FILE, atomic_path, raw_dir, split_file, write_json
from panx_ner.cli import parse_language, run_main
from panx_ner.params import Params, load_params
from panx_ner.sources import load_panx


def download(params: Params, language: str) -> None:
    splits = params.splits(language)
    dataset, empty_sentences = load_panx(params.dataset.source, language, params.dataset.revision, splits)
    with atomic_path(raw_dir(language)) as folder:
        folder.mkdir()
        for split in splits:
            dataset[split].to_parquet(split_file(folder, split))
        write_json(folder / DROPPED_FILE, {"empty_sentences": empty_sentences})
    print(f"download {language}: " + ", ".join(f"{s} {dataset[s].num_rows}" for s in splits)
          + f" (empty sentences dropped: {sum(empty_sentences.values())})")


def main() -> None:
    language = parse_language(__doc__)
    params = load_params()
    download(params, params.check_language(language))


if __name__ == "__main__":
    run_main(main)
