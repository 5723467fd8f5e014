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
    """The split's CoNLL file, or None; two candidates (`dev` and `validation`, `test` and `test.txt`) are an error
    naming both, since either could be the one meant."""
    found = [folder / f"{name}{suffix}" for name in SPLIT_FILE_NAMES[split] for suffix in CONLL_SUFFIXES
             if (folder / f"{name}{suffix}").is_file()]
    if len(found) > 1:
        raise PipelineError(f"{folder}: split {split} has {len(found)} CoNLL files ({', '.join(f.name for f in found)}); "
                            f"expected one, e.g. {found[0].name}")
    return found[0] if found else None


DOCUMENT_START = "-DOCSTART-"  # CoNLL's document separator line: ends a sentence, is no word


def _decode(path: Path) -> str:
    """UTF-8 text, with or without a byte-order mark; anything else is an error naming the line."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise PipelineError(f"{path}:{line}: not UTF-8 text (byte {raw[error.start]:#04x}); save the file as "
                            f"UTF-8") from None


def read_conll(path: Path, language: str) -> ConllSplit:
    """Parses one file; a line that is not `token<TAB>tag` (or `token tag`) is an error naming the file and line."""
    result = ConllSplit()
    tokens: list[str] = []
    tags: list[int] = []

    after_document_start = False  # the blank line that follows -DOCSTART- ends no sentence

    def end_sentence(empty_line: bool) -> None:
        nonlocal tokens, tags
        if tokens:
            result.tokens.append(tokens)
            result.ner_tags.append(tags)
            tokens, tags = [], []
        elif empty_line and not after_document_start:
            result.empty_sentences += 1

    for number, line in enumerate(_decode(path).splitlines(), start=1):
        line = line.rstrip()  # trailing spaces and tabs carry nothing
        if not line.strip():
            end_sentence(empty_line=True)
            continue
        if line.split()[0] == DOCUMENT_START:
            end_sentence(empty_line=False)
            after_document_start = True
            continue
        after_document_start = False
        parts = line.split("\t") if "\t" in line else line.split()
        if len(parts) > 2:
            raise PipelineError(f"{path}:{number}: {len(parts)} columns; expected token<TAB>tag, got {line!r}")
        if len(parts) < 2:
            what = "a tag but no token" if parts[0].strip() in TAG2ID else "no tag"
            raise PipelineError(f"{path}:{number}: line has {what}; expected token<TAB>tag, got {line!r}")
        token, tag = parts[0].strip(), parts[1].strip()
        if tag not in TAG2ID:
            raise PipelineError(f"{path}:{number}: unknown tag {tag!r}; expected one of {', '.join(TAG2ID)}")
        prefix = f"{language}:"
        if token.startswith(prefix) and len(token) > len(prefix):
            token = token[len(prefix):]
        if not token:
            raise PipelineError(f"{path}:{number}: line has a tag but no token; expected token<TAB>tag, got {line!r}")
        tokens.append(token)
        tags.append(TAG2ID[tag])
    end_sentence(empty_line=False)
    return result
