"""Dropout with cheaper random masks for CPU training.

torch's CPU dropout draws one Bernoulli sample per element (`aten::bernoulli_`): 13% of a training step of the
pipeline's setup, the largest cost after the matrix products (benchmarks/results/profile-project.md). Here one
64-bit draw of the same generator gives the masks of four elements (four 15-bit uniform integers, each kept when it
is at least round(p * 2**15)), so a mask costs a quarter of the draws. The dropout is the same in law: each element
is dropped independently with probability p (to within 2**-16) and the kept ones are scaled by 1 / (1 - p); only
the random stream differs, so results match torch's dropout in distribution, not bit for bit. CUDA tensors keep
torch's own (fused) dropout.

Attention in CPU training runs transformers' eager arithmetic with these masks: under bf16 autocast its scores and
probabilities are bf16, where torch's SDPA math path (the one SDPA takes with dropout on the CPU) upcasts them to
fp32. The F1 check of the benchmark (benchmarks/results/f1_check.md) is of this arithmetic.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from transformers import AttentionInterface
from transformers.integrations.sdpa_attention import sdpa_attention_forward
from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

BITS = 15  # bits of each uniform integer: the 4 int16 lanes of a non-negative int64 draw all have 15 random bits
ATTENTION = "panx_fast_dropout"  # the attention implementation registered below


def keep_mask(shape: torch.Size, p: float) -> torch.Tensor:
    """A bool mask of `shape`, each element True with probability 1 - p (to within 2**-16), independently."""
    count = shape.numel()
    draws = torch.empty((count + 3) // 4, dtype=torch.int64).random_()  # uniform on [0, 2**63): 63 random bits
    lanes = draws.view(torch.int16)[:count] & (2 ** BITS - 1)
    return (lanes >= round(p * 2 ** BITS)).view(shape)


def fast_dropout(x: torch.Tensor, p: float, training: bool = True) -> torch.Tensor:
    """F.dropout with the cheaper mask on CPU."""
    if not training or p == 0.0 or x.device.type != "cpu":
        return F.dropout(x, p, training)
    if p == 1.0:
        return x * 0.0
    scale = torch.empty((), dtype=x.dtype).fill_(1.0 / (1.0 - p))
    return x * keep_mask(x.shape, p).to(x.dtype).mul_(scale)


class FastDropout(nn.Dropout):
    """nn.Dropout drawing its masks with `keep_mask` (no parameters or buffers: state dicts are unchanged)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return fast_dropout(x, self.p, self.training)


def fast_dropout_attention(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
    """transformers' attention with dropout on the attention probabilities: torch's SDPA where there is no dropout
    (evaluation) or on CUDA, else transformers' eager attention (in the autocast precision) with the cheaper masks."""
    if dropout == 0.0 or query.device.type != "cpu":
        return sdpa_attention_forward(module, query, key, value, attention_mask, scaling=scaling, dropout=dropout,
                                      **kwargs)
    scaling = query.size(-1) ** -0.5 if scaling is None else scaling
    weights = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:  # SDPA's mask (registered below): True where a position may be attended to
        weights = weights.masked_fill(~attention_mask, torch.finfo(weights.dtype).min)
    probabilities = fast_dropout(F.softmax(weights, dim=-1), dropout)
    output = torch.matmul(probabilities, value).transpose(1, 2).contiguous()
    return output, None


AttentionInterface.register(ATTENTION, fast_dropout_attention)
AttentionMaskInterface.register(ATTENTION, sdpa_mask)  # without a mask function transformers passes no mask at all


def use_fast_dropout(model: nn.Module) -> None:
    """Swaps the model's dropout layers and attention for the cheaper masks. Neither is saved with the model: its
    state dict has the same keys and values, and config.json does not record the attention implementation."""
    for module in model.modules():
        for name, child in module.named_children():
            if type(child) is nn.Dropout:
                setattr(module, name, FastDropout(child.p, child.inplace).train(child.training))
    model.set_attn_implementation(ATTENTION)
