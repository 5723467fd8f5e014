"""One reader for CoNLL-style NER files as they come, told nothing about their columns.

One word a line, a blank line between sentences. The tag is the last column; the word is the first, or the second
where every first column is a running number (WikiNEuRal's `index word tag`). Columns are split at tabs where the
line has one, else at spaces, so `word<TAB>tag`, `word tag`, `index<TAB>word<TAB>tag` and CoNLL-2003's
`word POS chunk tag` all read. `-DOCSTART-` lines separate documents and are no words. Tags are read as IOB2, IOB1 or
BIOES (panx_ner/schemes.py) and come out IOB2. Tokens may carry PAN-X's language prefix (`de:Berlin`), removed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from panx_ner.errors import PipelineError
from panx_ner.schemes import SchemeReport, check_prefixes, normalise
from panx_ner.tags import TagSet

CONLL_SUFFIXES = ("", ".conll", ".conllu", ".iob", ".tsv", ".txt")
SPLIT_FILE_NAMES = {"train": ("train",), "validation": ("validation", "dev", "val"), "test": ("test",)}
DOCUMENT_START = "-DOCSTART-"  # CoNLL's document separator line: ends a sentence, is no word


@dataclass
class ReaderReport:
    """What the reader decided about one file: printed by download, kept in metrics/corpus.json."""

    file: str
    columns: int
    separator: str  # "tab" or "space"
    word_column: int  # 1-based
    tag_column: int
    documents: int  # -DOCSTART- lines
    empty_words: int = 0  # word lines whose word column is empty (CoNLL-2003 de test has one): dropped
    scheme: SchemeReport | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "ReaderReport":
        return cls(**{**values, "scheme": SchemeReport(**values["scheme"])})

    def line(self) -> str:
        scheme = self.scheme
        repaired = f", {scheme.repaired_inside_tags} I- tags that started an entity made B-" \
            if scheme.scheme == "IOB2" else ""
        empty = (f", {self.empty_words} line{'s' if self.empty_words > 1 else ''} with an empty word dropped"
                 if self.empty_words else "")
        return (f"{self.file}: {self.columns} {self.separator}-separated columns, word in column {self.word_column}, "
                f"tag in column {self.tag_column}, {self.documents} -DOCSTART- lines{empty}; "
                f"{scheme.scheme} ({'detected' if scheme.detected else 'declared'}) read as IOB2{repaired}")


@dataclass
class ConllSplit:
    tokens: list[list[str]] = field(default_factory=list)
    tags: list[list[str]] = field(default_factory=list)  # IOB2
    empty_sentences: int = 0  # blank lines beyond the one separating two sentences
    report: ReaderReport | None = None
    first_line: dict[str, int] = field(default_factory=dict)  # each IOB2 tag's first line, for error messages
    path: Path = Path()

    def tag_ids(self, tag_set: TagSet) -> list[list[int]]:
        """The tags as ids of `tag_set`; a tag outside it is one error naming the tag, file and line."""
        unknown = sorted((line, tag) for tag, line in self.first_line.items() if tag not in tag_set.tag2id)
        if unknown:
            line, tag = unknown[0]
            raise PipelineError(f"{self.path}:{line}: tag {tag!r} is not in the tag set ({', '.join(tag_set.tags)}); "
                                f"expected a type the train splits have, or add it to dataset.tags")
        tag2id = tag_set.tag2id
        return [[tag2id[tag] for tag in tags] for tags in self.tags]


def find_conll_file(folder: Path, split: str) -> Path | None:
    """The split's CoNLL file, or None; two candidates (`dev` and `val`, `test` and `test.txt`) are an error
    naming both, since either could be the one meant."""
    found = [folder / f"{name}{suffix}" for name in SPLIT_FILE_NAMES[split] for suffix in CONLL_SUFFIXES
             if (folder / f"{name}{suffix}").is_file()]
    if len(found) > 1:
        raise PipelineError(f"{folder}: split {split} has {len(found)} CoNLL files ({', '.join(f.name for f in found)}); "
                            f"expected one, e.g. {found[0].name}")
    return found[0] if found else None


def _decode(path: Path) -> str:
    """UTF-8 text, with or without a byte-order mark; anything else is an error naming the line."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise PipelineError(f"{path}:{line}: not UTF-8 text (byte {raw[error.start]:#04x}); save the file as "
                            f"UTF-8") from None


def _is_document_start(parts: list[str]) -> bool:
    return DOCUMENT_START in parts[:2]  # `-DOCSTART- -X- O O` or `0<TAB>-DOCSTART-<TAB>O`


def _layout(path: Path, rows: list[tuple[int, list[str], str]]) -> tuple[int, int, str]:
    """(columns, word column index, separator) from the word lines; a line with another column count is an error."""
    if not rows:
        raise PipelineError(f"{path}: no word lines; expected one word and its tag a line")
    first_number, first_parts, separator = rows[0]
    columns = len(first_parts)
    for number, parts, line_separator in rows:
        if len(parts) == 1:
            raise PipelineError(f"{path}:{number}: line has one column ({parts[0]!r}); expected a word and its tag")
        if len(parts) != columns or line_separator != separator:
            raise PipelineError(f"{path}:{number}: {len(parts)} {line_separator}-separated columns, but line "
                                f"{first_number} has {columns} {separator}-separated; expected one layout a file")
    indexed = columns >= 3 and all(parts[0].isdigit() for _, parts, _ in rows)
    return columns, 1 if indexed else 0, separator


def read_conll(path: Path, language: str, scheme: str = "auto") -> ConllSplit:
    """Parses one file (`scheme`: dataset.scheme; auto detects it) into IOB2 sentences and the reader's report."""
    rows: list[tuple[int, list[str], str]] = []  # word lines: number, columns, separator
    sentences: list[list[tuple[int, list[str]]]] = []
    current: list[tuple[int, list[str]]] = []
    empty, documents, after_break = 0, 0, False
    for number, line in enumerate(_decode(path).splitlines(), start=1):
        line = line.rstrip()  # trailing spaces and tabs carry nothing
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            elif not after_break:
                empty += 1
            after_break = False
            continue
        separator = "tab" if "\t" in line else "space"
        parts = [part.strip() for part in (line.split("\t") if separator == "tab" else line.split())]
        if _is_document_start(parts):
            if current:
                sentences.append(current)
                current = []
            documents += 1
            after_break = True  # the blank line that follows -DOCSTART- ends no sentence
            continue
        after_break = False
        rows.append((number, parts, separator))
        current.append((number, parts))
    if current:
        sentences.append(current)
    columns, word_index, separator = _layout(path, rows)

    result = ConllSplit(empty_sentences=empty, path=path)
    kept: list[list[int]] = []  # the line numbers of each kept sentence's words
    raw_tags, empty_words = [], 0
    prefix = f"{language}:"
    for sentence in sentences:
        words, tags, numbers = [], [], []
        for number, parts in sentence:
            word, tag = parts[word_index], parts[-1]
            if word.startswith(prefix) and len(word) > len(prefix):
                word = word[len(prefix):]
            if not word:
                empty_words += 1
                continue
            check_prefixes(tag, scheme, f"{path}:{number}")
            words.append(word)
            tags.append(tag)
            numbers.append(number)
        if words:
            result.tokens.append(words)
            raw_tags.append(tags)
            kept.append(numbers)
    result.tags, scheme_report = normalise(raw_tags, scheme)
    for numbers, tags in zip(kept, result.tags):
        for number, tag in zip(numbers, tags):
            result.first_line.setdefault(tag, number)
    result.report = ReaderReport(file=str(path), columns=columns, separator=separator, word_column=word_index + 1,
                                 tag_column=columns, documents=documents, empty_words=empty_words,
                                 scheme=scheme_report)
    return result


def collected_tag_set(splits: list[ConllSplit]) -> TagSet:
    """The tag set the files bring: O, then B- and I- of each type found, types sorted by name."""
    types = {tag[2:] for split in splits for tag in split.first_line if tag != "O"}
    return TagSet.from_types(sorted(types))
