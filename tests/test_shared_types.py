"""The shared-types rule on hand-made sentences whose scores are worked out here."""

from panx_ner.shared_types import keep_types, shared_type_scores, shared_types


def test_types_both_know_in_the_models_order():
    assert shared_types(["PER", "ORG", "LOC"], ["LOC", "MISC", "ORG", "PER"]) == ["PER", "ORG", "LOC"]
    assert shared_types(["PER", "ORG", "LOC", "MISC"], ["PER", "MISC"]) == ["PER", "MISC"]


def test_other_types_become_o_in_gold_and_prediction():
    assert keep_types(["B-MISC", "I-MISC", "O", "B-PER"], {"PER", "ORG", "LOC"}) == ["O", "O", "O", "B-PER"]


def test_gold_and_predicted_misc_are_removed_and_an_org_on_a_misc_span_is_a_false_positive():
    gold = [
        ["B-PER", "I-PER", "O", "B-MISC", "I-MISC"],   # Angela Merkel liest Harry Potter
        ["B-MISC", "O", "B-ORG", "O", "B-LOC"],       # German fans of Siemens in Berlin
    ]
    predicted = [
        ["B-PER", "I-PER", "O", "B-ORG", "I-ORG"],    # the MISC title tagged ORG: a real error
        ["B-MISC", "O", "B-ORG", "O", "O"],           # a predicted MISC (dropped); Berlin missed
    ]
    scores = shared_type_scores(gold, predicted, ["PER", "ORG", "LOC"])
    # gold after removal: PER, ORG, LOC = 3 entities; predicted: PER, ORG (on the MISC span), ORG = 3 entities
    # correct: PER and Siemens' ORG = 2, so precision 2/3, recall 2/3, F1 2/3
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.6667, 0.6667, 0.6667)
    assert scores["PER"] == {"f1": 1.0, "precision": 1.0, "recall": 1.0, "support": 1}
    # ORG: 1 gold, 2 predicted, 1 correct -> precision 0.5, recall 1, F1 2/3
    assert scores["ORG"] == {"f1": 0.6667, "precision": 0.5, "recall": 1.0, "support": 1}
    assert scores["LOC"] == {"f1": 0.0, "precision": 0.0, "recall": 0.0, "support": 1}
    assert "MISC" not in scores and scores["types"] == ["PER", "ORG", "LOC"]


def test_without_the_rule_the_misc_entities_would_count():
    from panx_ner.scoring import ner_scores

    gold, predicted = [["B-MISC", "O", "B-PER"]], [["O", "O", "B-PER"]]
    assert ner_scores(gold, predicted, ["PER"])["recall"] == 0.5  # the gold MISC is a miss
    assert shared_type_scores(gold, predicted, ["PER"])["recall"] == 1.0  # removed: not the model's type
