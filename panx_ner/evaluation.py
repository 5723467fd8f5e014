"""Scoring a saved model on encoded test splits."""

from __future__ import annotations

from pathlib import Path

import torch

from panx_ner.artifacts import encoded_dir, load_split
from panx_ner.checkpoints import load_trained
from panx_ner.tags import TagSet
from panx_ner.entity_errors import classify_entities, strict_scores
from panx_ner.inference import predict_label_ids
from panx_ner.scoring import align_predictions, ner_scores


def score_model(model_path: Path, languages: list[str], batch_size: int, split: str = "test",
                threads: int = 0, precision: str = "fp32") -> dict[str, dict]:
    """Per language: seqeval scores (default mode, micro and per type), strict IOB2 scores, and the gold entities
    by error class (panx_ner/entity_errors.py); computed in `precision` (bf16 or fp32, resolved from train.precision)."""
    if threads:
        torch.set_num_threads(threads)
    model, tokenizer = load_trained(model_path)
    tag_set = TagSet.from_id2label(model.config.id2label)
    scores = {}
    for language in languages:
        dataset = load_split(encoded_dir(language), split)
        predicted = predict_label_ids(model, dataset["input_ids"], batch_size, tokenizer.pad_token_id,
                                      precision=precision)
        predicted_tags, gold_tags = align_predictions(predicted, dataset["labels"], tag_set)
        scores[language] = {**ner_scores(gold_tags, predicted_tags, tag_set.entity_types),
                            "strict": strict_scores(gold_tags, predicted_tags),
                            "entities": classify_entities(gold_tags, predicted_tags)}
    return scores
