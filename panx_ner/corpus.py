"""Reading split parquet files, sampling them as the book does, and describing a corpus."""

from __future__ import annotations

from pathlib import Path

from datasets import Dataset

from panx_ner.artifacts import split_file
from panx_ner.tags import count_entities, count_stray_inside_tags


def load_split(folder: Path, split: str) -> Dataset:
    return Dataset.from_parquet(str(split_file(folder, split)))


def sample_split(dataset: Dataset, fraction: float, seed: int) -> Dataset:
    """Shuffle with the seed, then keep the first int(fraction * rows) rows (the book's recipe)."""
    keep = int(fraction * dataset.num_rows)
    return dataset.shuffle(seed=seed).select(range(keep)).flatten_indices()


def describe_split(dataset: Dataset) -> dict[str, int]:
    tags = dataset["ner_tags"]
    return {"sentences": dataset.num_rows, **count_entities(tags), "stray_inside_tags": count_stray_inside_tags(tags)}
