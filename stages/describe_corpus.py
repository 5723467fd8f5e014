"""Stage describe_corpus: sentences and entities (by B- tag) per language and split -> metrics/corpus.json."""

from panx_ner.artifacts import METRICS, SPLITS, corpus_dir, write_json
from panx_ner.cli import run_main
from panx_ner.corpus import describe_split, load_split
from panx_ner.params import load_params

CORPUS_METRICS = METRICS / "corpus.json"


def main() -> None:
    params = load_params()
    summary = {
        language: {split: describe_split(load_split(corpus_dir(language), split)) for split in SPLITS}
        for language in params.languages
    }
    write_json(CORPUS_METRICS, summary)
    for language, splits in summary.items():
        print(language, "  ".join(f"{split} {counts}" for split, counts in splits.items()))


if __name__ == "__main__":
    run_main(main)
