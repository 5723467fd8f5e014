"""seqeval scores of predicted label ids against gold label ids, skipping positions labelled -100."""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
from seqeval.metrics import classification_report, f1_score

from panx_ner.tags import IGNORED_LABEL, TagSet


def align_predictions(predicted_ids: Iterable[Sequence[int]], label_ids: Iterable[Sequence[int]],
                      tag_set: TagSet) -> tuple[list[list[str]], list[list[str]]]:
    """Tag sequences (predicted, gold) for seqeval, keeping only the positions whose gold label is not -100."""
    predicted_tags, gold_tags = [], []
    id2tag = tag_set.id2tag
    for predicted, gold in zip(predicted_ids, label_ids):
        predicted = np.asarray(predicted)
        gold = np.asarray(gold)
        keep = gold != IGNORED_LABEL
        predicted_tags.append([id2tag[int(i)] for i in predicted[keep]])
        gold_tags.append([id2tag[int(i)] for i in gold[keep]])
    return predicted_tags, gold_tags


def _rounded(value: float) -> float:
    return round(float(value), 4)  # fixed precision keeps metric files stable across runs and diffs


def ner_scores(gold_tags: list[list[str]], predicted_tags: list[list[str]], entity_types: list[str]) -> dict:
    """Micro precision/recall/F1 plus per entity type (each of `entity_types`, 0 where absent), as seqeval computes
    them (default, non-strict mode)."""
    report = classification_report(gold_tags, predicted_tags, output_dict=True, zero_division=0)
    micro = report["micro avg"]
    scores = {
        "f1": _rounded(micro["f1-score"]),
        "precision": _rounded(micro["precision"]),
        "recall": _rounded(micro["recall"]),
    }
    for entity in entity_types:
        row = report.get(entity, {"precision": 0.0, "recall": 0.0, "f1-score": 0.0, "support": 0})
        scores[entity] = {
            "f1": _rounded(row["f1-score"]),
            "precision": _rounded(row["precision"]),
            "recall": _rounded(row["recall"]),
            "support": int(row["support"]),
        }
    return scores


class TrainerF1:
    """compute_metrics for the Trainer; predictions arrive already argmaxed (see argmax_logits)."""

    def __init__(self, tag_set: TagSet):
        self.tag_set = tag_set

    def __call__(self, eval_prediction) -> dict[str, float]:
        predicted_tags, gold_tags = align_predictions(eval_prediction.predictions, eval_prediction.label_ids,
                                                      self.tag_set)
        return {"f1": float(f1_score(gold_tags, predicted_tags))}


def argmax_logits(logits, labels):
    """preprocess_logits_for_metrics: keep label ids, not logits, so evaluation holds little memory."""
    return logits.argmax(dim=-1)
