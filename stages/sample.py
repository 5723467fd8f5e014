"""Stage sample: shuffle each split of one language with the seed and keep int(fraction * rows) rows.

An evaluation-only language (zero_shot_languages) is sampled in its test split alone.
"""

from panx_ner.artifacts import atomic_path, corpus_dir, load_split, raw_dir, split_file
from panx_ner.cli import parse_language, run_main
from panx_ner.corpus import sample_split
from panx_ner.errors import PipelineError
from panx_ner.params import Params, load_params


def sample(params: Params, language: str) -> None:
    raw = {split: load_split(raw_dir(language), split) for split in params.splits(language)}
    for split, dataset in raw.items():  # before writing anything: an empty split would only fail in training
        fraction = params.fraction(language, split)
        if int(fraction * dataset.num_rows) == 0:
            section = "languages" if language in params.languages else "zero_shot_languages"
            raise PipelineError(f"{section}.{language}: fraction {fraction} keeps 0 of the {dataset.num_rows} "
                                f"{split} sentences; expected at least {1 / dataset.num_rows:.2g}")
    with atomic_path(corpus_dir(language)) as folder:
        folder.mkdir()
        for split, dataset in raw.items():
            sampled = sample_split(dataset, params.fraction(language, split), params.sample_seed)
            sampled.to_parquet(split_file(folder, split))
            print(f"sample {language} {split}: {sampled.num_rows} sentences")


def main() -> None:
    language = parse_language(__doc__)
    sample(load_params(), language)


if __name__ == "__main__":
    run_main(main)
