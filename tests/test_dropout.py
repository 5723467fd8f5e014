"""The cheaper dropout masks drop each element with probability p, scale the rest, and leave the model's arithmetic
and saved state as they are."""

import pytest
import torch
from torch import nn
from transformers import AutoModelForTokenClassification, BertConfig, XLMRobertaConfig

from panx_ner.dropout import FastDropout, fast_dropout, keep_mask, use_fast_dropout


@pytest.mark.parametrize("p", [0.1, 0.5])
def test_mask_drops_each_element_with_probability_p(p):
    torch.manual_seed(0)
    count = 1_000_003  # not a multiple of 4: the last draw is cut
    mask = keep_mask(torch.Size([count]), p)
    assert mask.dtype == torch.bool and mask.shape == (count,)
    tolerance = 5 * (p * (1 - p) / count) ** 0.5
    assert abs((1 - mask.float().mean().item()) - p) < tolerance
    # the four elements drawn from one 64-bit number are dropped alike and independently
    lanes = mask[:count // 4 * 4].view(-1, 4).float()
    assert ((1 - lanes.mean(0)) - p).abs().max().item() < 2 * tolerance
    correlation = torch.corrcoef(lanes.T) - torch.eye(4)
    assert correlation.abs().max().item() < 0.01


def test_masks_follow_torch_seed():
    torch.manual_seed(3)
    first = keep_mask(torch.Size([64, 7]), 0.1)
    torch.manual_seed(3)
    assert torch.equal(first, keep_mask(torch.Size([64, 7]), 0.1))
    assert not torch.equal(first, keep_mask(torch.Size([64, 7]), 0.1))


def test_kept_elements_are_scaled_and_the_gradient_follows_the_mask():
    torch.manual_seed(0)
    x = torch.randn(32, 50, requires_grad=True)
    y = fast_dropout(x, 0.2)
    kept = y != 0
    assert 0.1 < 1 - kept.float().mean().item() < 0.3
    assert torch.allclose(y[kept], x[kept] / 0.8)
    y.sum().backward()
    assert torch.allclose(x.grad, kept.float() / 0.8)
    assert torch.equal(fast_dropout(x, 0.2, training=False), x)


def _model(config_class):
    torch.manual_seed(0)
    config = config_class(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                          intermediate_size=32, max_position_embeddings=40, pad_token_id=1, num_labels=7)
    return AutoModelForTokenClassification.from_config(config)


@pytest.mark.parametrize("config_class", [BertConfig, XLMRobertaConfig])
def test_swapped_model_keeps_its_state_and_arithmetic(config_class):
    model = _model(config_class)
    ids = torch.tensor([[0, 5, 6, 7, 2], [0, 8, 9, 2, 1]])
    mask = (ids != 1).long()
    model.eval()
    with torch.no_grad():
        before = model(input_ids=ids, attention_mask=mask).logits
    state = {key: value.clone() for key, value in model.state_dict().items()}

    use_fast_dropout(model)
    assert not any(type(module) is nn.Dropout for module in model.modules())
    assert any(isinstance(module, FastDropout) for module in model.modules())
    assert state.keys() == model.state_dict().keys()
    assert all(torch.equal(state[key], value) for key, value in model.state_dict().items())
    with torch.no_grad():
        assert torch.allclose(model(input_ids=ids, attention_mask=mask).logits, before, atol=1e-6)

        # training mode with a p too small to drop anything runs the attention's own arithmetic (not SDPA's):
        # it must give what SDPA gives
        for module in model.modules():
            if isinstance(module, nn.Dropout):
                module.p = 1e-9
        model.train()
        assert torch.allclose(model(input_ids=ids, attention_mask=mask).logits, before, atol=1e-5)

        for module in model.modules():
            if isinstance(module, nn.Dropout):
                module.p = 0.1
        first, second = (model(input_ids=ids, attention_mask=mask).logits for _ in range(2))
        assert not torch.allclose(first, second)
