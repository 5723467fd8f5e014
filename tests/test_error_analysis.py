"""Per-token loss, loss aggregation, suspect labels, and tagging raw text."""

import json
import math
import re

import pandas as pd
import pytest
import yaml
import torch

from panx_ner.error_analysis import (
    NO_LABEL,
    SentenceAnalysis,
    labelled_tokens,
    loss_summary,
    suspect_annotations,
    token_losses,
)
from tests.tiny import run


def test_token_losses_are_worked_by_hand():
    # Two classes with logits (0, ln 3): softmax (1/4, 3/4), so the loss is ln 4 for label 0 and ln(4/3) for label 1.
    logits = torch.tensor([[[0.0, math.log(3)], [0.0, math.log(3)], [5.0, -5.0]]])
    labels = torch.tensor([[0, 1, -100]])
    losses = token_losses(logits, labels)
    assert losses.tolist()[0] == pytest.approx([math.log(4), math.log(4 / 3), 0.0])


def hand_made() -> SentenceAnalysis:
    return SentenceAnalysis(pd.DataFrame([
        {"sentence_id": 0, "tokens": ["<s>", "▁United", "▁Nations", "</s>"],
         "labels": [NO_LABEL, "B-PER", "I-PER", NO_LABEL], "predicted": ["O", "B-ORG", "I-ORG", "O"],
         "losses": [0.0, 3.0, 2.0, 0.0], "confidence": [0.99, 0.95, 0.97, 0.99], "total_loss": 5.0},
        {"sentence_id": 1, "tokens": ["<s>", "▁der", "▁Rhein", "land", "</s>"],
         "labels": [NO_LABEL, "O", "B-LOC", NO_LABEL, NO_LABEL], "predicted": ["O", "O", "B-ORG", "I-ORG", "O"],
         "losses": [0.0, 0.5, 1.0, 0.0, 0.0], "confidence": [0.9, 0.9, 0.6, 0.6, 0.9], "total_loss": 1.5},
        {"sentence_id": 2, "tokens": ["<s>", "▁der", "▁Bonn", "</s>"],
         "labels": [NO_LABEL, "O", "B-LOC", NO_LABEL], "predicted": ["O", "O", "B-LOC", "O"],
         "losses": [0.0, 1.5, 0.1, 0.0], "confidence": [0.9, 0.5, 0.98, 0.9], "total_loss": 1.6},
    ]))


def test_top_tokens_aggregate_count_mean_sum_without_unlabelled_sub_words():
    tokens = labelled_tokens(hand_made())
    assert len(tokens) == 6 and NO_LABEL not in set(tokens["label"])
    summary = loss_summary(tokens, "token", "sum")
    assert list(summary.index[:2]) == ["▁United", "▁der"]
    assert summary.loc["▁der"].tolist() == [2, 1.0, 2.0]
    by_label = loss_summary(tokens, "label", "mean")
    assert by_label.index[0] == "B-PER" and by_label.loc["B-LOC", "count"] == 2


def test_confidently_retyped_entities_are_suspects():
    suspects = suspect_annotations(hand_made(), min_confidence=0.9, top=10)
    assert suspects.to_dict("records") == [
        {"sentence_id": 0, "entity": "United Nations", "gold": "PER", "predicted": "ORG", "confidence": 0.96}]
    assert len(suspect_annotations(hand_made(), min_confidence=0.5, top=10)) == 2  # adds Rheinland LOC->ORG


@pytest.mark.slow
def test_tagging_returns_word_level_spans(tiny_pipeline):
    text = "Angela Merkel arbeitet bei Siemens in Kalifornien"
    result = run(["python", "-m", "stages.tag", "--model", "models/all/seed42", "--json", text], tiny_pipeline)
    tagged = json.loads(result.stdout.strip().splitlines()[-1])
    assert len(tagged["tokens"]) > len(text.split())  # words were split into several sub-words
    assert len(tagged["tokens"]) == len(tagged["tags"])
    assert tagged["entities"], tagged
    word_starts = {m.start() for m in re.finditer(r"\S+", text)}
    word_ends = {m.end() for m in re.finditer(r"\S+", text)}
    for entity in tagged["entities"]:
        assert entity["start"] in word_starts and entity["end"] in word_ends, entity
        assert entity["text"] == text[entity["start"]:entity["end"]]
        assert entity["type"] in {"PER", "ORG", "LOC"}


@pytest.mark.slow
def test_tag_reads_standard_input_and_rejects_empty_input(tiny_pipeline):
    piped = run(["bash", "-c", "echo 'Anna Schmidt wohnt in Berlin' | python -m stages.tag --model models/all/seed42"],
                tiny_pipeline)
    assert "Anna Schmidt wohnt in Berlin" in piped.stdout
    empty = run(["bash", "-c", "printf '' | python -m stages.tag --model models/all/seed42"], tiny_pipeline, check=False)
    assert empty.returncode == 2 and "no text to tag" in empty.stderr


@pytest.mark.slow
def test_error_report_and_examples_stages_ran(tiny_pipeline):
    report = (tiny_pipeline / "metrics" / "errors" / "report.md").read_text()
    for heading in ("highest summed loss", "Loss per gold label", "Confusion matrix", "highest total loss",
                    "Likely annotation errors"):
        assert heading in report
    assert (tiny_pipeline / "metrics" / "errors" / "confusion.png").read_bytes()[:4] == b"\x89PNG"
    examples = (tiny_pipeline / "metrics" / "examples.md").read_text()
    strategies = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())["strategies"]
    assert examples.count("## Strategy") == len(strategies) and "Jeff Dean" in examples
