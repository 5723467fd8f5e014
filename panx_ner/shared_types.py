"""Scoring a model on a corpus whose entity types differ from its own: only the types both have count.

Entities of any other type are removed from gold and prediction alike: a gold MISC becomes O, and a MISC that a
model knowing MISC predicts is dropped. A shared-type entity the model predicts where the gold says MISC stays a
false positive: gold has O there once MISC is removed, so a MISC phrase tagged ORG is counted as the error a user
would see. Tags are IOB2; a tag's type is what follows `B-`/`I-`.
"""

from __future__ import annotations

from panx_ner.scoring import ner_scores


def shared_types(model_types: list[str], corpus_types: list[str]) -> list[str]:
    """The types both know, in the model's order."""
    return [entity_type for entity_type in model_types if entity_type in set(corpus_types)]


def keep_types(tags: list[str], types: set[str]) -> list[str]:
    """The tags with every entity of another type made O."""
    return [tag if tag == "O" or tag[2:] in types else "O" for tag in tags]


def shared_type_scores(gold: list[list[str]], predicted: list[list[str]], types: list[str]) -> dict:
    """seqeval's scores (micro and per type) on `types` only, with `types` named in the result."""
    kept = set(types)
    scores = ner_scores([keep_types(tags, kept) for tags in gold], [keep_types(tags, kept) for tags in predicted],
                        types)
    return {**scores, "types": list(types)}
