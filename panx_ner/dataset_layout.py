"""Which files a local dataset folder's split is: parquet shards of one complete set, or one CoNLL file; and which
folder holds a language (`PAN-X.<lang>/`, as in google/xtreme, or `<lang>/`).

Checked by check_params (before DVC removes any output) and again where the data is read (download). Only file names
and bytes are read here, never rows: it is cheap enough to run before every stage.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from panx_ner.conll import find_conll_file
from panx_ner.errors import PipelineError

SHARD = re.compile(r"(?P<split>[a-z]+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.parquet")


def language_folder(source: str, language: str) -> Path:
    """`<source>/PAN-X.<lang>` or `<source>/<lang>`, whichever exists (PAN-X's name when neither does); both is an
    error, since either could be the one meant."""
    root = Path(source).expanduser()
    found = [folder for folder in (root / f"PAN-X.{language}", root / language) if folder.is_dir()]
    if len(found) > 1:
        raise PipelineError(f"{root}: language {language} has two folders ({found[0].name}, {found[1].name}); "
                            f"expected one")
    return found[0] if found else root / f"PAN-X.{language}"


def corpus_name(source: str) -> str:
    """What model cards and tables call the corpus: PAN-X (a Hub source, or a folder of PAN-X.<lang> folders), else
    the folder's own name (conll)."""
    root = Path(source).expanduser()
    if not root.is_dir() or any(root.glob("PAN-X.*")):
        return "PAN-X"
    return root.resolve().name


def check_shards(paths: list[Path], split: str) -> None:
    """A split's parquet files are the shards `<split>-NNNNN-of-NNNNN.parquet` of one complete set, each once: a
    file under another name, a shard of another count, a missing or repeated one, or two shards with the same
    bytes would each make the split silently larger or smaller than the data it stands for."""
    shards = [(path, SHARD.fullmatch(path.name)) for path in paths]
    named = [path.name for path, match in shards if not match]
    if named:
        raise PipelineError(f"{paths[0].parent}: {', '.join(named)} is not a shard name; expected "
                            f"{split}-NNNNN-of-NNNNN.parquet files of one set, e.g. {split}-00000-of-00001.parquet")
    counts = sorted({int(match["count"]) for _, match in shards})
    if len(counts) > 1:
        raise PipelineError(f"{paths[0].parent}: the {split} shards ({', '.join(p.name for p in paths)}) mix sets of "
                            f"{' and '.join(map(str, counts))}; expected one set")
    count = counts[0]
    indices = [int(match["index"]) for _, match in shards]
    name = lambda index: f"{split}-{index:05d}-of-{count:05d}.parquet"  # noqa: E731
    missing = [name(index) for index in range(count) if index not in indices]
    beyond = [name(index) for index in sorted(set(indices)) if index >= count]
    if missing or beyond:
        found = [f"missing {', '.join(missing)}"] if missing else []
        found += [f"{', '.join(beyond)} beyond the set of {count}"] if beyond else []
        expected = name(0) if count == 1 else f"{name(0)} to {name(count - 1)}"
        raise PipelineError(f"{paths[0].parent}: {split} shards: {'; '.join(found)}; expected {expected}, each once")
    by_content: dict[str, Path] = {}
    for path in paths:
        digest = hashlib.md5(path.read_bytes()).hexdigest()
        if digest in by_content:
            raise PipelineError(f"{path.parent}: {by_content[digest].name} and {path.name} have the same bytes; "
                                f"expected each shard to hold its own rows (a copied shard would count them twice)")
        by_content[digest] = path


def split_files(folder: Path, split: str) -> list[Path] | Path | None:
    """A split's parquet shards (checked as one complete set), else its CoNLL file, else None; a split given both
    ways is an error naming both."""
    shards = sorted(folder.glob(f"{split}-*.parquet"))
    conll_file = find_conll_file(folder, split)
    if shards and conll_file is not None:
        raise PipelineError(f"{folder}: split {split} is both parquet ({shards[0].name}) and CoNLL ({conll_file.name}); "
                            f"expected one of them")
    if shards:
        check_shards(shards, split)
        return shards
    return conll_file


def layout_problems(source: str, splits: dict[str, tuple[str, ...]]) -> list[str]:
    """One line per split (`splits`: language -> its splits) of a local dataset folder whose files are not one
    complete set; none for a Hub id or a folder params.yaml's checks already reported missing."""
    problems = []
    for language, language_splits in splits.items():
        try:
            folder = language_folder(source, language)
        except PipelineError as error:
            problems.append(str(error))
            continue
        for split in language_splits if folder.is_dir() else ():
            try:
                split_files(folder, split)
            except PipelineError as error:
                problems.append(str(error))
    return problems
