"""Loading a corpus from the Hugging Face Hub or from a local folder alike, and deciding its tag set.

A local folder holds one folder a language, `PAN-X.<lang>/` (google/xtreme) or `<lang>/`, with each split as
parquet shards (`<split>-*.parquet`) or one CoNLL-style file (panx_ner/conll.py: train, dev|val|validation, test).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from panx_ner.artifacts import SPLITS
from panx_ner.conll import ConllSplit, collected_tag_set, read_conll
from panx_ner.dataset_layout import language_folder, split_files
from panx_ner.errors import PipelineError
from panx_ner.hub import ensure_hub_reachable, is_local_path
from panx_ner.tags import RAW_COLUMNS, TagSet


def panx_config(language: str) -> str:
    return f"PAN-X.{language}"


def check_rows(tokens: list, tags: list, where: str, split: str, tag_set: TagSet) -> None:
    """Rejects the first bad row: a token list and tag list of different lengths, a tag id outside the tag set,
    a missing or empty token. `where` names the file (or Hub config) the rows came from."""
    count = len(tag_set.tags)
    for row, (words, ids) in enumerate(zip(tokens, tags)):
        problem = None
        if words is None or ids is None:
            problem = f"{'tokens' if words is None else 'ner_tags'} is missing"
        elif len(words) != len(ids):
            problem = f"{len(words)} tokens but {len(ids)} tags"
        else:
            bad_tag = next((tag for tag in ids if not isinstance(tag, int) or not 0 <= tag < count), False)
            bad_word = next((word for word in words if word is None or not str(word).strip()), False)
            if bad_tag is not False:
                problem = f"tag id {bad_tag!r} is not one of the {count} tags (0-{count - 1}: {', '.join(tag_set.tags)})"
            elif bad_word is not False:
                problem = f"token {bad_word!r} is {'missing' if bad_word is None else 'empty'}"
        if problem:
            raise PipelineError(f"{where}: split {split}, row {row}: {problem}")


def parquet_tag_names(path: Path) -> tuple[str, ...] | None:
    """The ner_tags ClassLabel names a parquet file's Hugging Face metadata declares, or None."""
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (pa.ArrowInvalid, OSError) as error:
        raise PipelineError(f"{path}: not a readable parquet file ({error})") from None
    try:
        feature = json.loads(metadata[b"huggingface"])["info"]["features"]["ner_tags"]
        return tuple(feature["feature"]["names"])
    except (KeyError, TypeError, ValueError):
        return None


def _check_names(names: tuple[str, ...] | None, tag_set: TagSet, where: str) -> None:
    if names is not None and names != tag_set.tags:
        raise PipelineError(f"{where}: ner_tags names {', '.join(names)}, not the tag set {', '.join(tag_set.tags)} "
                            f"(data/tags.json); expected one tag set for every split")


def _read_parquet_rows(path: Path, split: str, tag_set: TagSet) -> int:
    """Checks one parquet file (readable, the raw columns, its tag names, valid rows); returns its row count."""
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise PipelineError(f"{path}: split {split}: not a readable parquet file ({error})") from None
    missing = [column for column in RAW_COLUMNS if column not in table.column_names]
    if missing:
        raise PipelineError(f"{path}: split {split}: no column {missing[0]!r}; expected tokens, ner_tags, langs")
    _check_names(parquet_tag_names(path), tag_set, f"{path}: split {split}")
    check_rows(table.column("tokens").to_pylist(), table.column("ner_tags").to_pylist(), str(path), split, tag_set)
    return table.num_rows


def _split_source(folder: Path, split: str):
    found = split_files(folder, split)
    if found is None:
        raise PipelineError(
            f"dataset.source: no {folder}/{split}-*.parquet nor CoNLL file {folder}/{split}; a local dataset folder "
            f"needs <lang>/{{train,validation,test}}-*.parquet as in google/xtreme, or CoNLL files "
            f"(train, dev|val|validation, test)")
    return found


def _read_local_split(folder: Path, split: str, language: str, tag_set: TagSet, scheme: str):
    """Checks one split of a local folder before anything is loaded, so that an error is the only line printed.
    Returns the parquet paths, or the parsed CoNLL split."""
    found = _split_source(folder, split)
    if isinstance(found, list):
        if sum(_read_parquet_rows(path, split, tag_set) for path in found) == 0:
            raise PipelineError(f"{folder}/{split}-*.parquet: split {split} has no rows")
        return found
    parsed = read_conll(found, language, scheme)
    check_rows(parsed.tokens, parsed.tag_ids(tag_set), str(found), split, tag_set)
    return parsed


def _local_dataset(checked, split: str, language: str, tag_set: TagSet):
    """A checked split as a Dataset with the tag set's features, and the empty sentences its CoNLL file had."""
    from datasets import Dataset, load_dataset

    features = tag_set.features()
    if isinstance(checked, list):
        dataset = load_dataset("parquet", data_files={split: [str(p) for p in checked]}, split=split)
        return dataset.select_columns(list(features)).cast(features), 0
    dataset = Dataset.from_dict({"tokens": checked.tokens, "ner_tags": checked.tag_ids(tag_set),
                                 "langs": [[language] * len(t) for t in checked.tokens]}, features=features)
    return dataset, checked.empty_sentences


def _check_columns(dataset, where) -> None:
    missing = [column for column in RAW_COLUMNS if column not in dataset.column_names]
    if missing:
        raise PipelineError(f"dataset.source: {where} has no column {missing[0]!r}; expected tokens, ner_tags, langs")


def load_corpus(source: str, language: str, revision: str | None, tag_set: TagSet, scheme: str = "auto",
                splits: tuple[str, ...] = SPLITS):
    """One language's splits (tag_set's features), the empty sentences dropped per split, and per split what the
    reader decided (a CoNLL file's columns and scheme; {"format": "parquet"} or "hub" otherwise)."""
    from datasets import DatasetDict, load_dataset

    empty = {split: 0 for split in splits}
    reports = {}
    if is_local_path(source):
        folder = language_folder(source, language)
        checked = {split: _read_local_split(folder, split, language, tag_set, scheme) for split in splits}
        loaded = {}
        for split in splits:
            loaded[split], empty[split] = _local_dataset(checked[split], split, language, tag_set)
            reports[split] = ({"format": "parquet"} if isinstance(checked[split], list)
                              else {"format": "conll", **checked[split].report.as_dict()})
        dataset = DatasetDict(loaded)
    else:
        config = panx_config(language)
        ensure_hub_reachable(source, "dataset.source", "../shared/xtreme")
        dataset = DatasetDict({split: load_dataset(source, config, revision=revision, split=split) for split in splits})
        _check_columns(dataset[splits[0]], config)
        features = tag_set.features()
        for split in splits:
            names = dataset[split].features["ner_tags"].feature
            _check_names(tuple(names.names) if hasattr(names, "names") else None, tag_set, f"{source} {config}")
            check_rows(dataset[split]["tokens"], dataset[split]["ner_tags"], f"{source} {config}", split, tag_set)
            reports[split] = {"format": "hub"}
        dataset = dataset.select_columns(list(features)).cast(features)
    for split in splits:
        before = dataset[split].num_rows
        dataset[split] = dataset[split].filter(lambda row: len(row["tokens"]) > 0)
        empty[split] += before - dataset[split].num_rows
        if dataset[split].num_rows == 0:
            raise PipelineError(f"dataset.source: {source} {language} split {split} has no sentence with tokens")
    return dataset, empty, reports


def decide_tag_set(source: str, revision: str | None, splits: dict[str, tuple[str, ...]], trained: list[str],
                   declared: tuple[str, ...] | None, scheme: str) -> tuple[TagSet, str]:
    """The corpus's tag set and where it came from: dataset.tags if declared; else the ClassLabel names of the
    parquet or Hub splits (as run_ner.py reads them); else the tags of the trained languages' CoNLL train files.
    Every other split is checked against it here, before any stage writes: a tag outside it names file and line."""
    if not is_local_path(source):
        from datasets import load_dataset_builder

        ensure_hub_reachable(source, "dataset.source", "../shared/xtreme")
        language = trained[0]
        names = load_dataset_builder(source, panx_config(language), revision=revision).info.features["ner_tags"]
        found = TagSet(tuple(names.feature.names))
        if declared is not None and TagSet(declared) != found:
            raise PipelineError(f"dataset.tags: {', '.join(declared)} differ from {source}'s ner_tags names "
                                f"{', '.join(found.tags)}; expected them, in their order (or dataset.tags: auto)")
        return found, f"ClassLabel names of {source} {panx_config(language)}"
    parquet_names: dict[Path, tuple[str, ...] | None] = {}
    conll: dict[tuple[str, str], ConllSplit] = {}
    for language, language_splits in splits.items():
        folder = language_folder(source, language)
        for split in language_splits:
            found = _split_source(folder, split)
            if isinstance(found, list):
                parquet_names.update((path, parquet_tag_names(path)) for path in found)
            else:
                conll[language, split] = read_conll(found, language, scheme)
    named = {path: names for path, names in parquet_names.items() if names is not None}
    if declared is not None:
        tag_set, origin = TagSet(declared), "dataset.tags in params.yaml"
    elif named:
        tag_set, origin = TagSet(next(iter(named.values()))), "ClassLabel names of the parquet files"
    elif conll:
        train = [parsed for (language, split), parsed in conll.items() if split == "train" and language in trained]
        if not train:
            raise PipelineError(f"dataset.source: {source} has no CoNLL train file of {', '.join(trained)} to collect "
                                f"the tag set from; expected one, or dataset.tags in params.yaml")
        tag_set, origin = collected_tag_set(train), "collected from the train files (O, then B-/I- of each type by name)"
    else:
        raise PipelineError(f"dataset.source: the parquet files of {source} name no ner_tags ClassLabel; declare "
                            f"dataset.tags in params.yaml (e.g. [O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC])")
    for path, names in named.items():
        _check_names(names, tag_set, str(path))
    for parsed in conll.values():
        parsed.tag_ids(tag_set)  # raises on a tag outside the set
    return tag_set, origin
