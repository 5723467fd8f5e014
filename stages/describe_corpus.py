"""Stage describe_corpus: per language and split -> metrics/corpus.json.

Sentences, entities by B- tag (the corpus's own types), I- tags that continue no entity of their type (kept in
parquet data; CoNLL files have them repaired on read, counted under reader), empty sentences dropped by download,
sentences the encoder truncated to model.max_length (with the words lost), sub-word pieces per word (high where a
language's words are outside the model's vocabulary), and what download's reader decided and found (data/reader).
"""

from panx_ner.artifacts import (DROPPED_FILE, METRICS, corpus_dir, encoded_dir, load_split, raw_dir, read_json,
                                reader_file, write_json)
from panx_ner.cli import run_main
from panx_ner.corpus import describe_split, pieces_per_word
from panx_ner.params import load_params

CORPUS_METRICS = METRICS / "corpus.json"


def main() -> None:
    params = load_params()
    summary = {}
    for language in params.test_languages:
        dropped = read_json(raw_dir(language) / DROPPED_FILE)["empty_sentences"]
        reader = read_json(reader_file(language))
        summary[language] = {}
        for split in params.splits(language):
            encoded = load_split(encoded_dir(language), split)
            truncated = [n for n in encoded["num_words_truncated"] if n > 0]
            summary[language][split] = {
                **describe_split(load_split(corpus_dir(language), split)),
                "empty_sentences_dropped": dropped[split],
                "truncated_sentences": len(truncated),
                "truncated_words": sum(truncated),
                "pieces_per_word": pieces_per_word(encoded),
                **reader[split],
            }
    write_json(CORPUS_METRICS, summary)
    for language, splits in summary.items():
        print(language, "  ".join(f"{split} {counts['sentences']} sentences, {counts['pieces_per_word']} pieces/word"
                                  for split, counts in splits.items()))


if __name__ == "__main__":
    run_main(main)
