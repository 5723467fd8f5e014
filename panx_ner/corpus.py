"""Sampling splits as the book does, and describing a corpus (sentences, entities, stray I- tags)."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from datasets import Dataset

from panx_ner.tags import tag_set_of


def sample_split(dataset: Dataset, fraction: float, seed: int) -> Dataset:
    """Shuffle with the seed, then keep the first int(fraction * rows) rows (the book's recipe)."""
    keep = int(fraction * dataset.num_rows)
    return dataset.shuffle(seed=seed).select(range(keep)).flatten_indices()


def describe_split(dataset: Dataset) -> dict[str, int]:
    """Sentences, entities per type of the split's own tag set, stray I- tags."""
    tags, names = dataset["ner_tags"], list(tag_set_of(dataset).tags)
    return {"sentences": dataset.num_rows, **count_entities(tags, names),
            "stray_inside_tags": count_stray_inside_tags(tags, names)}


def count_entities(tag_sequences: Iterable[Sequence[int]], names: Sequence[str]) -> dict[str, int]:
    """Entities per type (in the tag set's order), counted by their B- tags (as the book does)."""
    counts: Counter[str] = Counter()
    for tags in tag_sequences:
        for tag_id in tags:
            tag = names[tag_id]
            if tag.startswith("B-"):
                counts[tag[2:]] += 1
    return {entity: counts[entity] for entity in dict.fromkeys(tag[2:] for tag in names if tag != "O")}


def count_stray_inside_tags(tag_sequences: Iterable[Sequence[int]], names: Sequence[str]) -> int:
    """I-X tags that do not continue an entity of type X (after O, at the start, or after another type).

    Invalid IOB2, but present in real PAN-X data: kept as they are and counted.
    """
    stray = 0
    for tags in tag_sequences:
        previous = "O"
        for tag_id in tags:
            tag = names[tag_id]
            if tag.startswith("I-") and previous[2:] != tag[2:]:
                stray += 1
            previous = tag
    return stray


def pieces_per_word(encoded: Dataset) -> float:
    """Sub-word pieces per word of an encoded split (special tokens not counted; words cut by truncation neither)."""
    pieces = sum(len(ids) - 2 for ids in encoded["input_ids"])  # <s> and </s>
    words = sum(len(tokens) - cut for tokens, cut in zip(encoded["tokens"], encoded["num_words_truncated"]))
    return round(pieces / max(words, 1), 3)
