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
