"""Metric computation against seqeval on hand-made predictions, with sub-words marked -100."""

import numpy as np
import pytest
from seqeval.metrics import f1_score, precision_score, recall_score

from panx_ner.scoring import TrainerF1, align_predictions, ner_scores
from panx_ner.tags import PANX

O, BP, IP, BO, IO, BL, IL = (PANX.tag2id[t] for t in ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"])
X = -100

# Two sentences at sub-word level: gold label ids with -100, and predictions that differ at ignored positions too.
GOLD = [[X, BP, X, IP, O, BL, X], [X, BO, IO, O, BL, X, X]]
PRED = [[X, BP, BL, IP, O, BO, BO], [X, BO, O, O, BL, BP, X]]
PRED = [[0 if p == X else p for p in row] for row in PRED]  # models predict a label at every position


def test_align_predictions_drops_ignored_positions():
    predicted, gold = align_predictions(PRED, GOLD, PANX)
    assert gold == [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "I-ORG", "O", "B-LOC"]]
    assert predicted == [["B-PER", "I-PER", "O", "B-ORG"], ["B-ORG", "O", "O", "B-LOC"]]


def test_scores_equal_seqeval_on_word_level_sequences():
    predicted, gold = align_predictions(PRED, GOLD, PANX)
    scores = ner_scores(gold, predicted, PANX.entity_types)
    # By hand: gold entities PER, LOC, ORG(2 words), LOC; predicted PER (right), ORG (wrong type),
    # ORG (1 word: wrong span), LOC (right) -> 2 correct of 4 predicted and 4 gold.
    assert scores["f1"] == pytest.approx(0.5) == pytest.approx(f1_score(gold, predicted))
    assert scores["precision"] == pytest.approx(precision_score(gold, predicted))
    assert scores["recall"] == pytest.approx(recall_score(gold, predicted))
    assert scores["PER"]["f1"] == 1.0 and scores["PER"]["support"] == 1
    assert scores["ORG"]["f1"] == 0.0 and scores["ORG"]["support"] == 1
    assert scores["LOC"]["support"] == 2 and scores["LOC"]["recall"] == 0.5


def test_trainer_metric_matches_on_padded_batches():
    class EvalPrediction:  # the two attributes the Trainer passes; predictions are argmaxed ids padded with -100
        predictions = np.array([row + [X] * 2 for row in PRED])
        label_ids = np.array([row + [X] * 2 for row in GOLD])

    assert TrainerF1(PANX)(EvalPrediction())["f1"] == pytest.approx(0.5)


def test_scores_cover_every_type_of_the_tag_set_a_model_has():
    from panx_ner.tags import TagSet

    tag_set = TagSet.from_types(["DATE", "LOC", "MISC", "ORG", "PER"])
    gold = [["B-DATE", "I-DATE", "O", "B-MISC"]]
    predicted = [["B-DATE", "I-DATE", "O", "B-ORG"]]
    scores = ner_scores(gold, predicted, tag_set.entity_types)
    assert [key for key in scores if isinstance(scores[key], dict)] == ["DATE", "LOC", "MISC", "ORG", "PER"]
    assert scores["DATE"]["f1"] == 1.0 and scores["MISC"]["recall"] == 0.0 and scores["ORG"]["precision"] == 0.0
    assert scores["f1"] == 0.5  # 1 of 2 predicted, 1 of 2 gold
