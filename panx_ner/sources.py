"""Loading PAN-X and checkpoints from the Hugging Face Hub or from local folders alike."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

from datasets import Dataset, DatasetDict, load_dataset

from panx_ner.artifacts import SPLITS
from panx_ner.cli import PipelineError
from panx_ner.conll import find_conll_file, read_conll
from panx_ner.params import is_local_path
from panx_ner.tags import RAW_FEATURES

HUB_TIMEOUT_S = 5.0


def panx_config(language: str) -> str:
    return f"PAN-X.{language}"


def ensure_hub_reachable(repo_id: str, key: str, local_example: str) -> None:
    """Fails in seconds, not after minutes of retries, when a Hub id is used without network.

    With HF_HUB_OFFLINE=1 the libraries read their local cache instead, so nothing is checked.
    """
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        return
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=HUB_TIMEOUT_S).close()
    except OSError as error:
        raise PipelineError(
            f"{key}: cannot reach the Hugging Face Hub ({host}: {error.strerror or error}) to load {repo_id!r}; "
            f"point {key} at a local folder instead, e.g. `dvc exp run -S {key}={local_example}`"
        ) from None


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


def check_checkpoint_source(checkpoint: str) -> None:
    if not is_local_path(checkpoint):
        ensure_hub_reachable(checkpoint, "model.checkpoint", "../shared/models/multilingual-e5-small-panx")
    elif not Path(checkpoint).is_dir():
        raise PipelineError(f"model.checkpoint: folder {checkpoint!r} does not exist")


def load_tokenizer(checkpoint: str):
    from transformers import AutoTokenizer

    check_checkpoint_source(checkpoint)
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    if not tokenizer.is_fast:
        raise PipelineError(f"model.checkpoint: {checkpoint!r} has no fast tokenizer; word_ids() needs one")
    return tokenizer
