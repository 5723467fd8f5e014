"""Writes a repaired copy of a corpus file whose letters were replaced by others (text decoded with the wrong code
page and saved as valid UTF-8), then checks the copy as the download stage does:

    python -m panx_ner.repair_text ../shared/corpora/conll/de/train.conllu repaired/de/train.conllu \\
        --map д=ä ь=ü ц=ö я=ß №=Ü ƒ=Ä ÷=Ö й=é и=è б=á у=ó

Why a character map and not a code page: the German CoNLL-2003 copy is no single wrong decoding (ä became the
cp1251 letter of its Latin-1 byte, д, but ß became я and Ä became ƒ), so re-encoding (cp1251 -> cp1252) turns ß into
ÿ and fails on Ä and Ö, and ftfy leaves the file as it is (docs/sources.md has the measurements). The source file is
never changed; the copy goes where the user points a corpus folder (dataset.source).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from panx_ner.artifacts import write_text
from panx_ner.cli import run_main
from panx_ner.conll import read_conll
from panx_ner.errors import PipelineError
from panx_ner.text_checks import text_findings


def character_map(pairs: list[str]) -> dict[str, str]:
    """{'д': 'ä', ...} from ['д=ä', ...]; each side one character."""
    mapping = {}
    for pair in pairs:
        wrong, _, right = pair.partition("=")
        if len(wrong) != 1 or len(right) != 1:
            raise PipelineError(f"--map: {pair!r} is not one character=one character; expected e.g. д=ä")
        if wrong in mapping and mapping[wrong] != right:
            raise PipelineError(f"--map: {wrong!r} is mapped to both {mapping[wrong]!r} and {right!r}")
        mapping[wrong] = right
    if not mapping:
        raise PipelineError("--map: no pair given; expected e.g. д=ä ь=ü")
    return mapping


def repair(text: str, mapping: dict[str, str]) -> tuple[str, dict[str, int]]:
    """The text with each mapped character replaced, and how often each was."""
    counts = {wrong: text.count(wrong) for wrong in mapping}
    return text.translate(str.maketrans(mapping)), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path, help="the corpus file as published (read, never changed)")
    parser.add_argument("target", type=Path, help="where the repaired copy goes (must not exist)")
    parser.add_argument("--map", nargs="+", default=[], metavar="WRONG=RIGHT", help="characters to replace")
    args = parser.parse_args()
    mapping = character_map(args.map)
    if not args.source.is_file():
        raise PipelineError(f"{args.source}: no such file; expected a CoNLL-style corpus file")
    if args.target.exists():
        raise PipelineError(f"{args.target} already exists; expected a new path for the repaired copy")
    try:
        text = args.source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PipelineError(f"{args.source}: not UTF-8 text; expected the file as published, in UTF-8") from None
    before = text_findings(read_conll(args.source, "").tokens)
    repaired, counts = repair(text, mapping)
    args.target.parent.mkdir(parents=True, exist_ok=True)
    write_text(args.target, repaired)
    after = text_findings(read_conll(args.target, "").tokens)
    replaced = ", ".join(f"{wrong}->{mapping[wrong]} {count}" for wrong, count in counts.items())
    print(f"{args.target}: {sum(counts.values())} characters replaced ({replaced})")
    for finding in sorted(set(before) | set(after)):
        left = after.get(finding, {"words": 0, "examples": []})
        examples = f" (e.g. {', '.join(left['examples'][:3])})" if left["words"] else ""
        print(f"  {finding.replace('_', ' ')}: {before.get(finding, {'words': 0})['words']} words before, "
              f"{left['words']} after{examples}")


if __name__ == "__main__":
    run_main(main)
