"""Loading PAN-X from the Hugging Face Hub or from a local folder alike."""

from __future__ import annotations

from pathlib import Path

from datasets import Dataset, DatasetDict, load_dataset

from panx_ner.artifacts import SPLITS
from panx_ner.conll import find_conll_file, read_conll
from panx_ner.errors import PipelineError
from panx_ner.hub import ensure_hub_reachable, is_local_path
from panx_ner.tags import RAW_FEATURES


def panx_config(language: str) -> str:
    return f"PAN-X.{language}"


def _local_split(folder: Path, split: str, language: str) -> tuple[Dataset, int]:
    """One split from `<split>-*.parquet` (google/xtreme layout) or a CoNLL file (train, dev/validation, test)."""
    matches = sorted(folder.glob(f"{split}-*.parquet"))
    if matches:
        dataset = load_dataset("parquet", data_files={split: [str(p) for p in matches]}, split=split)
        _check_columns(dataset, folder)
        return dataset.select_columns(list(RAW_FEATURES)).cast(RAW_FEATURES), 0
    conll_file = find_conll_file(folder, split)
    if conll_file is None:
        raise PipelineError(
            f"dataset.source: no {folder}/{split}-*.parquet nor CoNLL file {folder}/{split}; a local dataset folder "
            f"needs PAN-X.<lang>/{{train,validation,test}}-*.parquet as in google/xtreme, or CoNLL files")
    parsed = read_conll(conll_file, language)
    dataset = Dataset.from_dict({"tokens": parsed.tokens, "ner_tags": parsed.ner_tags,
                                 "langs": [[language] * len(t) for t in parsed.tokens]}, features=RAW_FEATURES)
    return dataset, parsed.empty_sentences


def _check_columns(dataset: Dataset, where) -> None:
    missing = [column for column in RAW_FEATURES if column not in dataset.column_names]
    if missing:
        raise PipelineError(f"dataset.source: {where} has no column {missing[0]!r}; expected tokens, ner_tags, langs")


def load_panx(source: str, language: str, revision: str | None) -> tuple[DatasetDict, dict[str, int]]:
    """PAN-X for one language (train/validation/test, canonical features) and the empty sentences dropped per split.

    A local folder holds `PAN-X.<lang>/<split>-*.parquet` (the layout of the google/xtreme repository) or, per split,
    a CoNLL-style file `PAN-X.<lang>/{train,dev|validation,test}[.conll|.tsv|.txt]`.
    """
    config = panx_config(language)
    empty = {split: 0 for split in SPLITS}
    if is_local_path(source):
        folder = Path(source).expanduser() / config
        splits = {}
        for split in SPLITS:
            splits[split], empty[split] = _local_split(folder, split, language)
        dataset = DatasetDict(splits)
    else:
        ensure_hub_reachable(source, "dataset.source", "../shared/xtreme")
        dataset = load_dataset(source, config, revision=revision)
        _check_columns(dataset["train"], config)
        dataset = dataset.select_columns(list(RAW_FEATURES)).cast(RAW_FEATURES)
    for split in SPLITS:
        before = dataset[split].num_rows
        dataset[split] = dataset[split].filter(lambda row: len(row["tokens"]) > 0)
        empty[split] += before - dataset[split].num_rows
    return dataset, empty
