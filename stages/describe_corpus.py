"""Stage describe_corpus: per language and split -> metrics/corpus.json.

Sentences, entities by B- tag, I- tags that continue no entity of their type (kept), empty sentences dropped by
download, and sentences the encoder truncated to model.max_length (with the words lost).
"""

from panx_ner.artifacts import DROPPED_FILE, METRICS, corpus_dir, encoded_dir, load_split, raw_dir, read_json, write_json
from panx_ner.cli import run_main
from panx_ner.corpus import describe_split
from panx_ner.params import load_params

CORPUS_METRICS = METRICS / "corpus.json"


def main() -> None:
    params = load_params()
    summary = {}
    for language in params.test_languages:
        dropped = read_json(raw_dir(language) / DROPPED_FILE)["empty_sentences"]
        summary[language] = {}
        for split in params.splits(language):
            truncated = [n for n in load_split(encoded_dir(language), split)["num_words_truncated"] if n > 0]
            summary[language][split] = {
                **describe_split(load_split(corpus_dir(language), split)),
                "empty_sentences_dropped": dropped[split],
                "truncated_sentences": len(truncated),
                "truncated_words": sum(truncated),
            }
    write_json(CORPUS_METRICS, summary)
    for language, splits in summary.items():
        print(language, "  ".join(f"{split} {counts}" for split, counts in splits.items()))


if __name__ == "__main__":
    run_main(main)
