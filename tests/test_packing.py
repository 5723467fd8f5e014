"""Packed training batches compute what padded ones do: each sentence's logits and the batch's loss."""

import random

import pytest
import torch
from transformers import AutoModelForTokenClassification, BertConfig, DataCollatorForTokenClassification, \
    XLMRobertaConfig

from panx_ner.checkpoints import load_tokenizer
from panx_ner.dropout import use_fast_dropout
from panx_ner.errors import PipelineError
from panx_ner.packing import PackingCollator, check_packing, first_position_id, pack_rows, packed_layout

PAD = 1


def _model(config_class, **dropout):
    torch.manual_seed(0)
    config = config_class(vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                          intermediate_size=32, max_position_embeddings=40, pad_token_id=PAD, num_labels=7, **dropout)
    return AutoModelForTokenClassification.from_config(config)


def _sentences(count: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    sentences = []
    for _ in range(count):
        length = rng.choice([3, 3, 4, 6, 9, 17])  # <s> + sub-words + </s>; many short, a few long, as in PAN-X
        ids = [0, *(rng.randrange(3, 50) for _ in range(length - 2)), 2]
        labels = [-100, *(rng.choice([rng.randrange(7), -100]) for _ in range(length - 2)), -100]
        sentences.append({"input_ids": ids, "attention_mask": [1] * length, "labels": labels})
    return sentences


def _alone(model, sentence: dict) -> torch.Tensor:
    ids = torch.tensor([sentence["input_ids"]])
    return model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[0]


def test_rows_hold_every_sentence_once_within_the_width():
    lengths = [len(sentence["input_ids"]) for sentence in _sentences(24)]
    rows = pack_rows(lengths, max(lengths))
    assert sorted(index for row in rows for index in row) == list(range(24))
    assert all(sum(lengths[index] for index in row) <= max(lengths) for row in rows)
    # first fit, longest first leaves at most one row less than half full (two such rows would have been merged)
    assert sum(sum(lengths[index] for index in row) <= max(lengths) / 2 for row in rows) <= 1


@pytest.mark.parametrize("config_class", [BertConfig, XLMRobertaConfig])  # positions from 0 / from padding_idx + 1
@pytest.mark.parametrize("fast_dropout", [False, True])  # torch's SDPA / the eager attention of panx_ner.dropout
def test_each_packed_sentence_gets_its_logits_alone(config_class, fast_dropout):
    # a dropout that keeps everything (round(1e-9 * 2**15) = 0) runs the training-time attention path deterministically
    model = _model(config_class, hidden_dropout_prob=0.0, attention_probs_dropout_prob=1e-9 if fast_dropout else 0.0)
    if fast_dropout:
        use_fast_dropout(model)
    model.train(fast_dropout)
    sentences = _sentences(24)
    packed = PackingCollator(PAD, first_position_id(model))(sentences)
    assert packed["input_ids"].shape[0] < len(sentences)  # rows hold several sentences
    with torch.no_grad():
        logits = model(**{key: value for key, value in packed.items() if key != "labels"}).logits
        lengths = [len(sentence["input_ids"]) for sentence in sentences]
        rows, starts = packed_layout(lengths)
        for sentence, length, (row, start) in zip(sentences, lengths, starts):
            torch.testing.assert_close(logits[row, start:start + length], _alone(model, sentence))
            assert packed["labels"][row, start:start + length].tolist() == sentence["labels"]
        used = torch.zeros(rows, max(lengths), dtype=torch.bool)  # positions holding a sentence: the rest is padding
        for length, (row, start) in zip(lengths, starts):
            assert not used[row, start:start + length].any()  # sentences do not overlap
            used[row, start:start + length] = True
        assert (packed["labels"][~used] == -100).all() and (packed["input_ids"][~used] == PAD).all()


def test_packed_batch_has_the_padded_batch_loss_and_gradients(tiny_model):
    tokenizer = load_tokenizer(str(tiny_model))  # a real XLM-R tokenizer (pad id 1), for the padding collator
    assert tokenizer.pad_token_id == PAD
    model = _model(BertConfig, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0).train()
    sentences = _sentences(24, seed=1)
    results = []
    for collator in (DataCollatorForTokenClassification(tokenizer), PackingCollator(PAD)):
        model.zero_grad()
        loss = model(**collator([dict(sentence) for sentence in sentences])).loss
        loss.backward()
        results.append((loss.detach(), [parameter.grad.clone() for parameter in model.parameters()]))
    (padded_loss, padded_grads), (packed_loss, packed_grads) = results
    torch.testing.assert_close(packed_loss, padded_loss)
    for packed_grad, padded_grad in zip(packed_grads, padded_grads):
        torch.testing.assert_close(packed_grad, padded_grad, rtol=1e-4, atol=1e-6)


def test_a_model_that_packing_would_mix_up_stops_with_one_line():
    model = _model(XLMRobertaConfig)
    sentences = _sentences(8)
    check_packing(model, PackingCollator(PAD, first_position_id(model)), sentences)  # positions from 2: fine
    with pytest.raises(PipelineError, match=r"^train.packing: XLMRobertaForTokenClassification computes packed "
                                            r"sentences differently .*set train.packing: false$"):
        check_packing(model, PackingCollator(PAD, first_position=0), sentences)
