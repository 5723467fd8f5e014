"""Tag sets (IOB2): PAN-X's, or the one a corpus brings, decided once by check_params into data/tags.json.

Every later stage reads the tag set from data/tags.json, from a split's ClassLabel features or from a trained
model's config (id2label), never from a constant: a corpus with MISC, DATE or PRODUCT trains, scores and tags
with its own types.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from panx_ner.errors import PipelineError

IGNORED_LABEL = -100  # positions the loss and the scores skip (special tokens, later sub-words)
RAW_COLUMNS = ("tokens", "ner_tags", "langs")
TAG_SET_FILE = Path("data/tags.json")  # written by check_params; tracked in git


def tag_problem(tag: str) -> str | None:
    """Why `tag` is not an IOB2 tag (O, or B-/I- and a type name), or None."""
    if tag == "O":
        return None
    prefix, _, entity = tag.partition("-")
    if prefix not in ("B", "I") or not entity or any(c.isspace() for c in entity):
        return f"tag {tag!r} is not O or B-/I- followed by a type (e.g. B-PER)"
    return None


@dataclass(frozen=True)
class TagSet:
    """An IOB2 tag list whose order gives the label ids: O, then B-X and I-X for each type X."""

    tags: tuple[str, ...]

    def __post_init__(self) -> None:
        problems = [problem for problem in map(tag_problem, self.tags) if problem]
        if problems:
            raise PipelineError(f"tag set {', '.join(self.tags)}: {problems[0]}")
        if len(set(self.tags)) != len(self.tags) or "O" not in self.tags:
            raise PipelineError(f"tag set {', '.join(self.tags)}: expected each tag once, O among them")
        unpaired = [t for t in self.tags if t != "O" and f"{'I' if t[0] == 'B' else 'B'}-{t[2:]}" not in self.tags]
        if unpaired:
            raise PipelineError(f"tag set {', '.join(self.tags)}: {unpaired[0]} has no "
                                f"{'I' if unpaired[0][0] == 'B' else 'B'}- partner; expected B- and I- of each type")

    @classmethod
    def from_types(cls, entity_types) -> "TagSet":
        """O first, then B- and I- of each type in the order given (collected sets sort their types by name)."""
        return cls(("O", *(f"{prefix}-{entity}" for entity in entity_types for prefix in ("B", "I"))))

    @classmethod
    def from_id2label(cls, id2label: dict) -> "TagSet":
        """A model config's id2label ({0: "O", ...}, keys as ints or JSON strings)."""
        return cls(tuple(label for _, label in sorted((int(key), value) for key, value in id2label.items())))

    @property
    def entity_types(self) -> list[str]:
        return list(dict.fromkeys(tag[2:] for tag in self.tags if tag != "O"))

    @cached_property  # built once: callers look tags up per token (cached_property works on frozen dataclasses)
    def tag2id(self) -> dict[str, int]:
        return {tag: index for index, tag in enumerate(self.tags)}

    @cached_property
    def id2tag(self) -> dict[int, str]:
        return dict(enumerate(self.tags))

    def features(self):
        """The datasets Features of a raw split with this tag set as ClassLabel names (what run_ner.py reads)."""
        from datasets import ClassLabel, Features, List, Value  # a second to import: only where it is needed

        return Features({"tokens": List(Value("string")), "ner_tags": List(ClassLabel(names=list(self.tags))),
                         "langs": List(Value("string"))})


PANX = TagSet(("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"))  # PAN-X's ClassLabel names, in order


def tag_set_of(dataset) -> TagSet:
    """A raw or encoded split's tag set, from its ner_tags ClassLabel names."""
    return TagSet(tuple(dataset.features["ner_tags"].feature.names))


def write_tag_set(tag_set: TagSet, origin: str, path: Path = TAG_SET_FILE) -> None:
    from panx_ner.artifacts import write_json

    write_json(path, {"tags": list(tag_set.tags), "entity_types": tag_set.entity_types, "from": origin})


def load_tag_set(path: Path = TAG_SET_FILE) -> TagSet:
    if not path.is_file():
        raise PipelineError(f"{path} is missing: the check_params stage decides the tag set (dvc repro check_params)")
    return TagSet(tuple(json.loads(path.read_text())["tags"]))
