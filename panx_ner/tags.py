"""The PAN-X tag set (IOB2) and the raw dataset features."""

from __future__ import annotations

TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
ENTITY_TYPES = ["PER", "ORG", "LOC"]
TAG2ID = {tag: index for index, tag in enumerate(TAGS)}
ID2TAG = dict(enumerate(TAGS))
IGNORED_LABEL = -100  # positions the loss and the scores skip (special tokens, later sub-words)
RAW_COLUMNS = ("tokens", "ner_tags", "langs")


def __getattr__(name: str):
    """RAW_FEATURES, the datasets Features of a raw split, built on first use: importing `datasets` takes most of a
    second, which the many modules that only need the tag names should not pay at every stage's start."""
    if name != "RAW_FEATURES":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from datasets import ClassLabel, Features, List, Value

    features = Features({"tokens": List(Value("string")), "ner_tags": List(ClassLabel(names=TAGS)),
                         "langs": List(Value("string"))})
    globals()["RAW_FEATURES"] = features
    return features
