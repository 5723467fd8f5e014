"""Fast prediction over an encoded split: length-sorted batches, no gradients, results in the original order."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from panx_ner.precision import autocast


def predict_label_ids(model, input_ids: Sequence[Sequence[int]], batch_size: int, pad_token_id: int,
                      with_logits: bool = False, precision: str = "fp32") -> list[np.ndarray]:
    """Argmax label id per sub-word (or fp32 logits when with_logits) for each sentence, in input order, computed
    in `precision` (bf16 or fp32, from panx_ner.precision.resolve_precision).

    Sorting by length makes each batch nearly padding-free, so the model computes little beyond the real tokens.
    """
    input_ids = list(input_ids)  # a datasets Column re-reads Arrow on every index; materialise once
    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(input_ids)), key=lambda i: len(input_ids[i]))
    results: list[np.ndarray | None] = [None] * len(input_ids)
    with torch.inference_mode(), autocast(precision, device.type):
        for start in range(0, len(order), batch_size):
            batch_indices = order[start:start + batch_size]
            width = max(len(input_ids[i]) for i in batch_indices)
            ids = torch.full((len(batch_indices), width), pad_token_id, dtype=torch.long)
            mask = torch.zeros((len(batch_indices), width), dtype=torch.long)
            for row, index in enumerate(batch_indices):
                sentence = input_ids[index]
                ids[row, :len(sentence)] = torch.as_tensor(sentence)
                mask[row, :len(sentence)] = 1
            logits = model(input_ids=ids.to(device), attention_mask=mask.to(device)).logits.float().cpu()
            output = logits if with_logits else logits.argmax(dim=-1)
            for row, index in enumerate(batch_indices):
                results[index] = output[row, :len(input_ids[index])].numpy()
    return results
