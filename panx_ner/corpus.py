"""Sampling splits as the book does, and describing a corpus (sentences, entities, stray I- tags)."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from datasets import Dataset

from panx_ner.tags import ENTITY_TYPES, TAGS


def sample_split(dataset: Dataset, fraction: float, seed: int) -> Dataset:
    """Shuffle with the seed, then keep the first int(fraction * rows) rows (the book's recipe)."""
    keep = int(fraction * dataset.num_rows)
    return dataset.shuffle(seed=seed).select(range(keep)).flatten_indices()


def describe_split(dataset: Dataset) -> dict[str, int]:
    tags = dataset["ner_tags"]
    return {"sentences": dataset.num_rows, **count_entities(tags), "stray_inside_tags": count_stray_inside_tags(tags)}


def count_entities(tag_sequences: Iterable[Sequence[int]]) -> dict[str, int]:
    """Entities per type, counted by their B- tags (as the book does)."""
    counts: Counter[str] = Counter()
    for tags in tag_sequences:
        for tag_id in tags:
            tag = TAGS[tag_id]
            if tag.startswith("B-"):
                counts[tag[2:]] += 1
    return {entity: counts[entity] for entity in ENTITY_TYPES}


def count_stray_inside_tags(tag_sequences: Iterable[Sequence[int]]) -> int:
    """I-X tags that do not continue an entity of type X (after O, at the start, or after another type).

    Invalid IOB2, but present in real PAN-X data: kept as they are and counted.
    """
    stray = 0
    for tags in tag_sequences:
        previous = "O"
        for tag_id in tags:
            tag = TAGS[tag_id]
            if tag.startswith("I-") and previous[2:] != tag[2:]:
                stray += 1
            previous = tag
    return stray
