"""Stage encode: sub-word tokenize one language's corpus and align labels -> data/encoded/<lang>/<split>.parquet."""

from panx_ner.artifacts import atomic_path, corpus_dir, encoded_dir, load_split, split_file
from panx_ner.checkpoints import load_tokenizer
from panx_ner.cli import parse_language, run_main
from panx_ner.encoding import encode_split
from panx_ner.params import Params, load_params


def encode(params: Params, language: str) -> None:
    splits = params.splits(language)
    tokenizer = load_tokenizer(params.model.checkpoint)
    with atomic_path(encoded_dir(language)) as folder:
        folder.mkdir()
        for split in splits:
            encoded = encode_split(load_split(corpus_dir(language), split), tokenizer, params.model.max_length)
            encoded.to_parquet(split_file(folder, split))
            truncated = sum(1 for n in encoded["num_words_truncated"] if n > 0)
            print(f"encode {language} {split}: {encoded.num_rows} sentences, {truncated} truncated")


def main() -> None:
    language = parse_language(__doc__)
    encode(load_params(), language)


if __name__ == "__main__":
    run_main(main)
