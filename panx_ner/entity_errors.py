"""What goes wrong, entity by entity: each gold entity classified against the predictions, plus seqeval's strict
IOB2 scores beside its default ones.

Entities are seqeval's own (`get_entities`, default mode), the same spans the F1 scores count. A gold entity is
  correct              a predicted entity has its span and type;
  wrong_type           a predicted entity has its exact span but another type;
  boundary_same_type   no exact span, but an overlapping predicted entity of the same type;
  boundary_other_type  no exact span, overlapping predicted entities of other types only;
  missed               no predicted entity overlaps it.
A predicted entity that overlaps no gold entity is spurious.
"""

from __future__ import annotations

from collections import Counter

from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities
from seqeval.scheme import IOB2

ERROR_CLASSES = ("correct", "wrong_type", "boundary_same_type", "boundary_other_type", "missed", "spurious")


def _overlaps(a: tuple[str, int, int], b: tuple[str, int, int]) -> bool:
    return a[1] <= b[2] and b[1] <= a[2]  # seqeval's spans are (type, first, last), both inclusive


def classify_sentence(gold: list[str], predicted: list[str]) -> dict[str, int]:
    gold_entities, predicted_entities = get_entities(gold), get_entities(predicted)
    counts = dict.fromkeys(ERROR_CLASSES, 0)
    for entity in gold_entities:
        same_span = [p for p in predicted_entities if p[1:] == entity[1:]]
        overlapping = [p for p in predicted_entities if _overlaps(p, entity)]
        if entity in predicted_entities:
            counts["correct"] += 1
        elif same_span:
            counts["wrong_type"] += 1
        elif any(p[0] == entity[0] for p in overlapping):
            counts["boundary_same_type"] += 1
        elif overlapping:
            counts["boundary_other_type"] += 1
        else:
            counts["missed"] += 1
    counts["spurious"] = sum(1 for p in predicted_entities if not any(_overlaps(p, g) for g in gold_entities))
    return counts


def classify_entities(gold_tags: list[list[str]], predicted_tags: list[list[str]]) -> dict[str, int]:
    """Counts per class over all sentences; the first five add up to the number of gold entities."""
    total: Counter = Counter(dict.fromkeys(ERROR_CLASSES, 0))
    for gold, predicted in zip(gold_tags, predicted_tags):
        total.update(classify_sentence(gold, predicted))
    return {name: int(total[name]) for name in ERROR_CLASSES}


def strict_scores(gold_tags: list[list[str]], predicted_tags: list[list[str]]) -> dict[str, float]:
    """Micro P/R/F1 in seqeval's strict IOB2 mode: an I- tag that continues no entity starts none (the default mode
    counts it as an entity start, and PAN-X's gold has such tags)."""
    options = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    return {"f1": round(float(f1_score(gold_tags, predicted_tags, **options)), 4),
            "precision": round(float(precision_score(gold_tags, predicted_tags, **options)), 4),
            "recall": round(float(recall_score(gold_tags, predicted_tags, **options)), 4)}
