"""Packed training batches: a batch's sentences laid side by side in a few rows instead of one padded row each.

A batch of 24 random sentences padded to its longest is about 60% padding (docs/speed.md), and every padding
position costs what a real one does in the linear layers, which are most of the work. Packing puts whole sentences
one after another in rows as long as the batch's longest sentence (first fit, longest first), so a batch of 24 takes
a few rows with little padding left. Each sentence keeps its own computation exactly:

- attention is block-diagonal: a position attends only to the positions of its own sentence (a 4D boolean mask,
  True where attention is allowed, which transformers passes to the attention function as it is);
- position ids restart at 0 for each sentence, so its position embeddings are the ones it has alone;
- every sentence keeps its own <s> ... </s> tokens and labels; padding is labelled IGNORED_LABEL.

Layer norm, the feed-forward layers and the classifier work position by position, so a sentence's logits are those
it gets in a padded batch (to within float rounding; a unit test checks it). The batch holds the same sentences as
the unpacked one, so the loss (each batch's mean over its labelled sub-words) is the same too: packing changes the
cost of a step, not what it computes. Used for training only; evaluation sorts by length instead
(panx_ner/inference.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from panx_ner.errors import PipelineError
from panx_ner.tags import IGNORED_LABEL

CHECKED_SENTENCES = 8  # training sentences whose packed logits check_packing compares with their logits alone


def pack_rows(lengths: list[int], width: int) -> list[list[int]]:
    """Indices of `lengths` grouped into rows whose lengths sum to at most `width`: first fit, longest first."""
    rows: list[list[int]] = []
    free: list[int] = []  # room left in each row
    for index in sorted(range(len(lengths)), key=lambda i: -lengths[i]):
        row = next((r for r, room in enumerate(free) if room >= lengths[index]), None)
        if row is None:
            rows.append([])
            free.append(width)
            row = len(rows) - 1
        rows[row].append(index)
        free[row] -= lengths[index]
    return rows


def packed_layout(lengths: list[int]) -> tuple[int, list[tuple[int, int]]]:
    """(rows, each sentence's (row, start)) of sentences of `lengths` packed into rows as wide as the longest."""
    starts: list[tuple[int, int]] = [(0, 0)] * len(lengths)
    rows = pack_rows(lengths, max(lengths))
    for row, members in enumerate(rows):
        start = 0
        for index in members:
            starts[index] = (row, start)
            start += lengths[index]
    return len(rows), starts


@dataclass
class PackingCollator:
    """Collates encoded sentences (input_ids, labels) into packed rows: input_ids, labels, position_ids and a
    block-diagonal attention mask of shape [rows, 1, width, width]."""

    pad_token_id: int
    first_position: int = 0  # the position id of a sentence's first token: 0 for BERT, padding_idx + 1 for RoBERTa

    def __call__(self, features: list[dict]) -> dict[str, torch.Tensor]:
        lengths = [len(feature["input_ids"]) for feature in features]
        rows, starts = packed_layout(lengths)
        shape = (rows, max(lengths))
        input_ids = torch.full(shape, self.pad_token_id, dtype=torch.long)
        labels = torch.full(shape, IGNORED_LABEL, dtype=torch.long)
        positions = torch.full(shape, self.first_position, dtype=torch.long)
        sentence = torch.full(shape, -1, dtype=torch.long)  # a sentence's start in its row names it; -1: padding
        for feature, length, (row, start) in zip(features, lengths, starts):
            end = start + length
            input_ids[row, start:end] = torch.as_tensor(feature["input_ids"])
            labels[row, start:end] = torch.as_tensor(feature["labels"])
            positions[row, start:end] = torch.arange(length) + self.first_position
            sentence[row, start:end] = start
        # padding attends to padding only: every row of the mask keeps at least one True (no all-masked softmax)
        same_sentence = sentence[:, :, None] == sentence[:, None, :]
        return {"input_ids": input_ids, "labels": labels, "position_ids": positions,
                "attention_mask": same_sentence[:, None]}


def first_position_id(model: nn.Module) -> int:
    """The position id a model gives a sentence's first token: RoBERTa-family embeddings count from padding_idx + 1,
    BERT's from 0."""
    padding_idx = getattr(getattr(model.base_model, "embeddings", None), "padding_idx", None)
    return 0 if padding_idx is None else padding_idx + 1


def check_packing(model: nn.Module, collator: PackingCollator, sentences) -> None:
    """Stops (one line) where the model does not compute packed sentences as it computes them alone: a model whose
    positions or attention mask do not work as packing assumes would otherwise train on mixed-up sentences."""
    features = [sentences[index] for index in range(min(CHECKED_SENTENCES, len(sentences)))]
    packed = collator(features)
    lengths = [len(feature["input_ids"]) for feature in features]
    was_training = model.training
    model.eval()
    with torch.inference_mode():
        logits = model(**{key: value for key, value in packed.items() if key != "labels"}).logits
        worst = 0.0
        for feature, length, (row, start) in zip(features, lengths, packed_layout(lengths)[1]):
            ids = torch.as_tensor(feature["input_ids"])[None]
            alone = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0]
            worst = max(worst, float((logits[row, start:start + length] - alone).abs().max()))
    model.train(was_training)
    if worst > 1e-3:
        raise PipelineError(f"train.packing: {type(model).__name__} computes packed sentences differently from "
                            f"sentences alone (logits differ by {worst:.3g}); expected a model with absolute "
                            f"position ids, set train.packing: false")
