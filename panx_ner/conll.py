"""Reading PAN-X in its original CoNLL-style form: `token<TAB>tag` per line, a blank line between sentences.

Tokens may carry the language prefix of the original files (`de:Berlin`), which is removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from panx_ner.errors import PipelineError
from panx_ner.tags import TAG2ID

CONLL_SUFFIXES = ("", ".conll", ".tsv", ".txt")
SPLIT_FILE_NAMES = {"train": ("train",), "validation": ("validation", "dev"), "test": ("test",)}


@dataclass
class ConllSplit:
    tokens: list[list[str]] = field(default_factory=list)
    ner_tags: list[list[int]] = field(default_factory=list)
    empty_sentences: int = 0  # blank lines beyond the one separating two sentences


def find_conll_file(folder: Path, split: str) -> Path | None:
    for name in SPLIT_FILE_NAMES[split]:
        for suffix in CONLL_SUFFIXES:
            candidate = folder / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def read_conll(path: Path, language: str) -> ConllSplit:
    """Parses one file; an unknown tag or a line without a tag is an error naming the file and line."""
    result = ConllSplit()
    tokens: list[str] = []
    tags: list[int] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                if tokens:
                    result.tokens.append(tokens)
                    result.ner_tags.append(tags)
                    tokens, tags = [], []
                else:
                    result.empty_sentences += 1
                continue
            parts = line.split("\t") if "\t" in line else line.rsplit(" ", 1)
            if len(parts) < 2 or not parts[-1].strip():
                raise PipelineError(f"{path}:{number}: line has no tag; expected token<TAB>tag, got {line!r}")
            token, tag = parts[0].strip(), parts[-1].strip()
            if tag not in TAG2ID:
                raise PipelineError(f"{path}:{number}: unknown tag {tag!r}; expected one of {', '.join(TAG2ID)}")
            prefix = f"{language}:"
            if token.startswith(prefix) and len(token) > len(prefix):
                token = token[len(prefix):]
            tokens.append(token)
            tags.append(TAG2ID[tag])
    if tokens:
        result.tokens.append(tokens)
        result.ner_tags.append(tags)
    return result
