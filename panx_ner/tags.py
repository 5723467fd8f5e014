"""The PAN-X tag set (IOB2) and entity counting."""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from datasets import ClassLabel, Features, List, Value

TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
ENTITY_TYPES = ["PER", "ORG", "LOC"]
TAG2ID = {tag: index for index, tag in enumerate(TAGS)}
ID2TAG = dict(enumerate(TAGS))
IGNORED_LABEL = -100  # positions the loss and the scores skip (special tokens, later sub-words)

RAW_FEATURES = Features(
    {
        "tokens": List(Value("string")),
        "ner_tags": List(ClassLabel(names=TAGS)),
        "langs": List(Value("string")),
    }
)


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
