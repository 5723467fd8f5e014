"""Each entity outcome on a hand-made example, and strict IOB2 scoring against the default mode on a stray I- tag."""

import pytest

from panx_ner.entity_errors import classify_entities, classify_sentence, strict_scores
from panx_ner.scoring import ner_scores

NONE = {"correct": 0, "wrong_type": 0, "boundary_same_type": 0, "boundary_other_type": 0, "missed": 0, "spurious": 0}


@pytest.mark.parametrize("gold,predicted,outcome", [
    (["B-PER", "I-PER", "O"], ["B-PER", "I-PER", "O"], "correct"),
    (["B-PER", "I-PER", "O"], ["B-ORG", "I-ORG", "O"], "wrong_type"),
    (["B-LOC", "I-LOC", "O"], ["B-LOC", "O", "O"], "boundary_same_type"),
    (["B-LOC", "I-LOC", "O"], ["O", "B-ORG", "I-ORG"], "boundary_other_type"),
    (["B-ORG", "O", "O"], ["O", "O", "O"], "missed"),
])
def test_each_gold_outcome(gold, predicted, outcome):
    assert dict(classify_sentence(gold, predicted)) == {**NONE, outcome: 1}


def test_prediction_overlapping_no_gold_entity_is_spurious():
    assert dict(classify_sentence(["B-PER", "O", "O"], ["B-PER", "O", "B-LOC"])) == {**NONE, "correct": 1,
                                                                                       "spurious": 1}


def test_counts_add_up_over_sentences():
    gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O", "I-PER"]]
    predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["O", "O", "O"]]
    counts = classify_entities(gold, predicted)
    # gold entities: PER correct, LOC wrong type, ORG missed, the stray I-PER (an entity in default mode) missed
    assert counts == {**NONE, "correct": 1, "wrong_type": 1, "missed": 2}


def test_strict_mode_ignores_a_stray_inside_tag_that_default_mode_counts():
    gold = [["O", "I-PER", "O", "B-LOC"]]  # the stray I-PER is an entity in default mode only
    predicted = [["O", "O", "O", "B-LOC"]]
    assert ner_scores(gold, predicted, ["PER", "ORG", "LOC"])["recall"] == 0.5  # default: 1 of 2 gold entities found
    assert strict_scores(gold, predicted) == {"f1": 1.0, "precision": 1.0, "recall": 1.0}  # strict: 1 of 1
