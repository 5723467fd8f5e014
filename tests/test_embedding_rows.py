"""Training only the embedding rows the data uses gives the used rows the same updates as the full matrix."""

import copy

import pytest
import torch
from transformers import AutoModelForTokenClassification, XLMRobertaConfig

from panx_ner.embedding_rows import (
    UsedRowsEmbedding,
    restore_full_rows,
    train_used_rows_only,
    used_token_ids,
)

PAD = 1


def tiny_model():
    torch.manual_seed(0)
    config = XLMRobertaConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                              intermediate_size=32, max_position_embeddings=40, pad_token_id=PAD,
                              hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, num_labels=7)
    return AutoModelForTokenClassification.from_config(config)


BATCHES = [  # token ids 0-3 are specials; the data uses 5-12 and 30 only
    (torch.tensor([[0, 5, 6, 7, 2], [0, 8, 9, 2, PAD]]), torch.tensor([[-100, 1, 2, 0, -100], [-100, 3, 4, -100, -100]])),
    (torch.tensor([[0, 10, 11, 12, 30, 2]]), torch.tensor([[-100, 5, 6, 0, 0, -100]])),
]


def train(model, steps=4):
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2, weight_decay=0.01)
    for step in range(steps):
        ids, labels = BATCHES[step % len(BATCHES)]
        loss = model(input_ids=ids, attention_mask=(ids != PAD).long(), labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
    return model


def test_used_rows_and_every_other_weight_train_as_with_the_full_matrix():
    full = tiny_model()
    compact = copy.deepcopy(full)
    pretrained = full.get_input_embeddings().weight.detach().clone()
    used = used_token_ids([[ids.tolist()[0] for ids, _ in BATCHES], [BATCHES[0][0][1].tolist()]], always=[PAD])
    assert used == [0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 30]
    train_used_rows_only(compact, used)
    assert compact.get_input_embeddings().weight.shape == (len(used), 16)
    train(full), train(compact)
    restore_full_rows(compact)

    trained, merged = full.get_input_embeddings().weight, compact.get_input_embeddings().weight
    assert merged.shape == trained.shape
    assert torch.allclose(merged[used], trained[used], atol=1e-6)
    unused = [i for i in range(50) if i not in used]
    assert torch.equal(merged[unused], pretrained[unused])  # kept, where AdamW only decayed them a little
    assert torch.allclose(trained[unused], pretrained[unused] * (1 - 1e-2 * 0.01) ** 4, atol=1e-6)
    assert not torch.allclose(merged[5], pretrained[5])  # the used rows did train
    full_state, compact_state = full.state_dict(), compact.state_dict()
    assert full_state.keys() == compact_state.keys()
    for name in full_state:
        if "word_embeddings" not in name:
            assert torch.allclose(full_state[name], compact_state[name], atol=1e-6), name


def test_a_token_id_outside_the_used_rows_fails_loudly():
    model = tiny_model()
    train_used_rows_only(model, [0, 1, 2, 5])
    assert isinstance(model.get_input_embeddings(), UsedRowsEmbedding)
    with pytest.raises(IndexError):
        model(input_ids=torch.tensor([[0, 6, 2]]))


def test_the_padding_row_gets_no_gradient():
    model = tiny_model()
    train_used_rows_only(model, [0, 1, 2, 5])
    embedding = model.get_input_embeddings()
    model(input_ids=torch.tensor([[0, 5, 2, PAD]]), labels=torch.tensor([[-100, 1, -100, -100]])).loss.backward()
    assert torch.count_nonzero(embedding.weight.grad[embedding.padding_idx]) == 0
    assert torch.count_nonzero(embedding.weight.grad[3]) > 0  # token 5 is the fourth used row
