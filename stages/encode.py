"""Stage encode: sub-word tokenize one language's corpus and align labels -> data/encoded/<lang>/<split>.parquet."""

import argparse

from panx_ner.artifacts import atomic_path, corpus_dir, encoded_dir, load_split, split_file
from panx_ner.cli import run_main
from panx_ner.encoding import encode_split
from panx_ner.params import load_params
from panx_ner.checkpoints import load_tokenizer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("language")
    args = parser.parse_args()
    params = load_params()
    splits = params.splits(args.language)
    tokenizer = load_tokenizer(params.model.checkpoint)
    with atomic_path(encoded_dir(args.language)) as folder:
        folder.mkdir()
        for split in splits:
            encoded = encode_split(load_split(corpus_dir(args.language), split), tokenizer, params.model.max_length)
            encoded.to_parquet(split_file(folder, split))
            truncated = sum(1 for n in encoded["num_words_truncated"] if n > 0)
            print(f"encode {args.language} {split}: {encoded.num_rows} sentences, {truncated} truncated")


if __name__ == "__main__":
    run_main(main)
