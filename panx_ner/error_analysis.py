"""Error analysis of a trained model on an encoded split: per-token losses, confusions, hard sentences, suspect labels."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from seqeval.metrics.sequence_labeling import get_entities

from panx_ner.tags import IGNORED_LABEL, TagSet

NO_LABEL = "IGN"  # sub-words that carry no label (later sub-words of a word, special tokens), as in the book


def token_losses(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of every position, 0 where the label is -100 (same shape as labels)."""
    flat = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1),
                           ignore_index=IGNORED_LABEL, reduction="none")
    return flat.reshape(labels.shape)


@dataclass
class SentenceAnalysis:
    """One row per sentence; list columns are aligned per sub-word."""

    frame: pd.DataFrame  # sentence_id, tokens, labels, predicted, losses, confidence, total_loss


def analyse_sentences(logits_per_sentence: list[np.ndarray], input_ids: list[list[int]], labels: list[list[int]],
                      id_to_token, tag_set: TagSet) -> SentenceAnalysis:
    rows, id2tag = [], tag_set.id2tag
    for index, (logits, ids, gold) in enumerate(zip(logits_per_sentence, input_ids, labels)):
        logits_tensor = torch.as_tensor(logits)
        gold_tensor = torch.as_tensor(gold, dtype=torch.long)
        losses = token_losses(logits_tensor.unsqueeze(0), gold_tensor.unsqueeze(0))[0].numpy()
        probabilities = torch.softmax(logits_tensor.float(), dim=-1)
        predicted = probabilities.argmax(dim=-1).numpy()
        rows.append({
            "sentence_id": index,
            "tokens": id_to_token(list(ids)),
            "labels": [NO_LABEL if g == IGNORED_LABEL else id2tag[int(g)] for g in gold],
            "predicted": [id2tag[int(p)] for p in predicted],
            "losses": [round(float(x), 4) for x in losses],
            "confidence": probabilities.max(dim=-1).values.numpy().round(4).tolist(),
            "total_loss": float(losses.sum()),
        })
    return SentenceAnalysis(pd.DataFrame(rows))


def labelled_tokens(analysis: SentenceAnalysis) -> pd.DataFrame:
    """One row per labelled sub-word (IGN dropped: their loss is 0 by construction)."""
    exploded = analysis.frame[["sentence_id", "tokens", "labels", "predicted", "losses"]].explode(
        ["tokens", "labels", "predicted", "losses"])
    exploded = exploded[exploded["labels"] != NO_LABEL].copy()
    exploded["losses"] = exploded["losses"].astype(float)
    return exploded.rename(columns={"tokens": "token", "labels": "label", "losses": "loss"})


def loss_summary(tokens: pd.DataFrame, by: str, sort_by: str, top: int | None = None) -> pd.DataFrame:
    """count, mean and sum of the loss per value of `by`, sorted descending by `sort_by` ('sum' or 'mean')."""
    summary = tokens.groupby(by)["loss"].agg(["count", "mean", "sum"]).sort_values(sort_by, ascending=False)
    summary = summary.round({"mean": 4, "sum": 2})
    return summary.head(top) if top else summary


def confusion(tokens: pd.DataFrame, tag_set: TagSet) -> pd.DataFrame:
    """Token-level confusion matrix over the model's tags, normalised per gold label (rows sum to 1)."""
    labels = list(tag_set.tags)
    counts = pd.crosstab(tokens["label"], tokens["predicted"]).reindex(index=labels, columns=labels, fill_value=0)
    return counts.div(counts.sum(axis=1).replace(0, 1), axis=0).round(4)


def hardest_sentences(analysis: SentenceAnalysis, top: int) -> pd.DataFrame:
    return analysis.frame.sort_values("total_loss", ascending=False).head(top)


def sentences_with_token(analysis: SentenceAnalysis, token: str, top: int) -> pd.DataFrame:
    has_token = analysis.frame["tokens"].apply(lambda tokens: token in tokens)
    return analysis.frame[has_token].sort_values("total_loss", ascending=False).head(top)


def _word_spans(labels: list[str]) -> list[tuple[int, int, str]]:
    """(start, end exclusive, type) of gold entities, as sub-word positions (IGN positions skipped).

    seqeval's own entity extraction, so these are the spans the F1 scores count.
    """
    positions = [position for position, tag in enumerate(labels) if tag != NO_LABEL]
    return [(positions[first], positions[last] + 1, entity_type)
            for entity_type, first, last in get_entities([labels[p] for p in positions])]


def suspect_annotations(analysis: SentenceAnalysis, min_confidence: float, top: int) -> pd.DataFrame:
    """Gold entities the model confidently gives another type in full (e.g. "United Nations" labelled PER).

    PAN-X is silver-standard (labelled automatically), so these are candidates for wrong gold labels.
    """
    rows = []
    for _, sentence in analysis.frame.iterrows():
        labels = sentence["labels"]
        for start, end, gold_type in _word_spans(labels):
            positions = [p for p in range(start, end) if labels[p] != NO_LABEL]
            predicted_types = {sentence["predicted"][p][2:] for p in positions}
            if len(predicted_types) != 1 or "" in predicted_types:
                continue  # not one entity type throughout (O or mixed types): not a clean type confusion
            predicted_type = predicted_types.pop()
            confidence = float(np.mean([sentence["confidence"][p] for p in positions]))
            if predicted_type != gold_type and confidence >= min_confidence:
                tokens = sentence["tokens"]
                words = "".join(tokens[start:_span_end(tokens, labels, end)]).replace("▁", " ").strip()
                rows.append({"sentence_id": sentence["sentence_id"], "entity": words, "gold": gold_type,
                             "predicted": predicted_type, "confidence": round(confidence, 4)})
    frame = pd.DataFrame(rows, columns=["sentence_id", "entity", "gold", "predicted", "confidence"])
    return frame.sort_values("confidence", ascending=False).head(top)


def _span_end(tokens: list[str], labels: list[str], end: int) -> int:
    """Extends a span over the unlabelled sub-words that finish its last word (not over </s> or a new word)."""
    while (end < len(labels) and labels[end] == NO_LABEL and not tokens[end].startswith("▁")
           and tokens[end] not in ("</s>", "<pad>")):
        end += 1
    return end
