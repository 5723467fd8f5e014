"""Tag raw text with a trained model: sub-word tags and word-level entity spans.

    python -m stages.tag --model models/all/seed42 "Jeff Dean ist ein Informatiker bei Google in Kalifornien"
    python -m stages.tag --model models/de/seed42 --file sentences.txt --json     # one text per line
    echo "Jeff Dean arbeitet bei Google" | python -m stages.tag --model models/de/seed42
"""

import argparse
import json
import sys
from pathlib import Path

from panx_ner.cli import run_main
from panx_ner.errors import PipelineError
from panx_ner.precision import PRECISIONS
from panx_ner.tagging import Tagger


def read_file(path: Path) -> str:
    if path.is_dir():
        raise PipelineError(f"--file: {path} is a directory; expected a text file with one text per line")
    if not path.is_file():
        raise PipelineError(f"--file: {path} does not exist")
    data = path.read_bytes()
    if b"\0" in data:
        raise PipelineError(f"--file: {path} is a binary file; expected UTF-8 text with one text per line")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise PipelineError(f"--file: {path}:{line}: not UTF-8 text; save the file as UTF-8") from None


def read_texts(args) -> list[str]:
    if args.text:
        lines = [" ".join(args.text)]
    elif args.file:
        lines = read_file(Path(args.file)).splitlines()
    else:
        lines = sys.stdin.read().splitlines()
    texts = [line.strip() for line in lines if line.strip()]
    if not texts:
        raise PipelineError("no text to tag: give it as an argument, with --file, or on standard input")
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", nargs="*", help="the text to tag (default: --file or standard input)")
    parser.add_argument("--model", required=True, help="a trained model folder, e.g. models/all/seed42 or release/all")
    parser.add_argument("--file", help="a file with one text per line")
    parser.add_argument("--json", action="store_true", help="print one JSON object per text")
    parser.add_argument("--precision", default="auto", choices=PRECISIONS,
                        help="auto (bf16 where the hardware has it, else fp32), bf16 or fp32; as train.precision")
    args = parser.parse_args()
    texts = read_texts(args)
    tagger = Tagger(args.model, args.precision)
    for text in texts:
        tagged = tagger(text)
        if args.json:
            print(json.dumps(tagged.to_dict(), ensure_ascii=False))
            continue
        print(text)
        width = max(len(token) for token in tagged.tokens)
        for token, tag in zip(tagged.tokens, tagged.tags):
            print(f"  {token:<{width}}  {tag}")
        for entity in tagged.entities:
            print(f"{entity.type}\t{entity.text}\t{entity.score:.3f}")
        print()


if __name__ == "__main__":
    run_main(main)
