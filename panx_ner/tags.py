"""The PAN-X tag set (IOB2) and the raw dataset features."""

from __future__ import annotations

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
