"""Loading PAN-X from the Hugging Face Hub or from a local folder alike."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Dataset, DatasetDict, load_dataset

from panx_ner.artifacts import SPLITS
from panx_ner.conll import read_conll
from panx_ner.dataset_layout import split_files
from panx_ner.errors import PipelineError
from panx_ner.hub import ensure_hub_reachable, is_local_path
from panx_ner.tags import RAW_COLUMNS, RAW_FEATURES, TAGS


def panx_config(language: str) -> str:
    return f"PAN-X.{language}"


def check_rows(tokens: list, tags: list, where: str, split: str) -> None:
    """Rejects the first bad row: a token list and tag list of different lengths, a tag id outside the PAN-X tags,
    a missing or empty token. `where` names the file (or Hub config) the rows came from."""
    for row, (words, ids) in enumerate(zip(tokens, tags)):
        problem = None
        if words is None or ids is None:
            problem = f"{'tokens' if words is None else 'ner_tags'} is missing"
        elif len(words) != len(ids):
            problem = f"{len(words)} tokens but {len(ids)} tags"
        else:
            bad_tag = next((tag for tag in ids if not isinstance(tag, int) or not 0 <= tag < len(TAGS)), False)
            bad_word = next((word for word in words if word is None or not str(word).strip()), False)
            if bad_tag is not False:
                problem = f"tag id {bad_tag!r} is not one of the {len(TAGS)} PAN-X tags (0-{len(TAGS) - 1})"
            elif bad_word is not False:
                problem = f"token {bad_word!r} is {'missing' if bad_word is None else 'empty'}"
        if problem:
            raise PipelineError(f"{where}: split {split}, row {row}: {problem}")


def _read_parquet_rows(path: Path, split: str) -> int:
    """Checks one parquet file (readable, the PAN-X columns, valid rows); returns its row count."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise PipelineError(f"{path}: split {split}: not a readable parquet file ({error})") from None
    missing = [column for column in RAW_COLUMNS if column not in table.column_names]
    if missing:
        raise PipelineError(f"{path}: split {split}: no column {missing[0]!r}; expected tokens, ner_tags, langs")
    check_rows(table.column("tokens").to_pylist(), table.column("ner_tags").to_pylist(), str(path), split)
    return table.num_rows


def _read_local_split(folder: Path, split: str, language: str):
    """Checks one split of a local folder before anything is loaded, so that an error is the only line printed:
    the parquet files (`<split>-*.parquet`, google/xtreme layout) or the parsed CoNLL file (train, dev/validation,
    test). Returns the parquet paths, or the parsed CoNLL split."""
    found = split_files(folder, split)
    if isinstance(found, list):
        if sum(_read_parquet_rows(path, split) for path in found) == 0:
            raise PipelineError(f"{folder}/{split}-*.parquet: split {split} has no rows")
        return found
    conll_file = found
    if conll_file is None:
        raise PipelineError(
            f"dataset.source: no {folder}/{split}-*.parquet nor CoNLL file {folder}/{split}; a local dataset folder "
            f"needs PAN-X.<lang>/{{train,validation,test}}-*.parquet as in google/xtreme, or CoNLL files")
    parsed = read_conll(conll_file, language)
    check_rows(parsed.tokens, parsed.ner_tags, str(conll_file), split)
    return parsed


def _local_dataset(checked, split: str, language: str) -> tuple[Dataset, int]:
    """A checked split as a Dataset with the canonical features, and the empty sentences its CoNLL file had."""
    if isinstance(checked, list):
        dataset = load_dataset("parquet", data_files={split: [str(p) for p in checked]}, split=split)
        return dataset.select_columns(list(RAW_FEATURES)).cast(RAW_FEATURES), 0
    dataset = Dataset.from_dict({"tokens": checked.tokens, "ner_tags": checked.ner_tags,
                                 "langs": [[language] * len(t) for t in checked.tokens]}, features=RAW_FEATURES)
    return dataset, checked.empty_sentences


def _check_columns(dataset: Dataset, where) -> None:
    missing = [column for column in RAW_COLUMNS if column not in dataset.column_names]
    if missing:
        raise PipelineError(f"dataset.source: {where} has no column {missing[0]!r}; expected tokens, ner_tags, langs")


def load_panx(source: str, language: str, revision: str | None,
              splits: tuple[str, ...] = SPLITS) -> tuple[DatasetDict, dict[str, int]]:
    """PAN-X for one language (the given splits, canonical features) and the empty sentences dropped per split.

    A local folder holds `PAN-X.<lang>/<split>-*.parquet` (the layout of the google/xtreme repository) or, per split,
    a CoNLL-style file `PAN-X.<lang>/{train,dev|validation,test}[.conll|.tsv|.txt]`.
    """
    config = panx_config(language)
    empty = {split: 0 for split in splits}
    if is_local_path(source):
        folder = Path(source).expanduser() / config
        checked = {split: _read_local_split(folder, split, language) for split in splits}
        loaded = {}
        for split in splits:
            loaded[split], empty[split] = _local_dataset(checked[split], split, language)
        dataset = DatasetDict(loaded)
    else:
        ensure_hub_reachable(source, "dataset.source", "../shared/xtreme")
        dataset = DatasetDict({split: load_dataset(source, config, revision=revision, split=split) for split in splits})
        _check_columns(dataset[splits[0]], config)
        for split in splits:
            check_rows(dataset[split]["tokens"], dataset[split]["ner_tags"], f"{source} {config}", split)
        dataset = dataset.select_columns(list(RAW_FEATURES)).cast(RAW_FEATURES)
    for split in splits:
        before = dataset[split].num_rows
        dataset[split] = dataset[split].filter(lambda row: len(row["tokens"]) > 0)
        empty[split] += before - dataset[split].num_rows
        if dataset[split].num_rows == 0:
            raise PipelineError(f"dataset.source: {source} {config} split {split} has no sentence with tokens")
    return dataset, empty
