"""Fast prediction returns each sentence's result in input order, whatever order its length-sorted batches ran in."""

import torch

from panx_ner.inference import predict_label_ids


class EchoLengthModel(torch.nn.Module):
    """Predicts, at every real position, label = the sentence's own length (padding excluded) modulo 7."""

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))  # gives the model a device

    def forward(self, input_ids, attention_mask):
        lengths = attention_mask.sum(dim=1, keepdim=True)
        labels = (lengths % 7).expand_as(input_ids)
        logits = torch.nn.functional.one_hot(labels, 7).float()

        class Output:
            pass

        output = Output()
        output.logits = logits
        return output


def test_results_come_back_in_input_order_with_each_sentence_s_own_length():
    sentences = [[5] * n for n in (6, 1, 4, 9, 2, 2, 7)]  # unsorted lengths, batches of 3 mix them
    predicted = predict_label_ids(EchoLengthModel(), sentences, batch_size=3, pad_token_id=1)
    assert [len(p) for p in predicted] == [6, 1, 4, 9, 2, 2, 7]
    assert [int(p[0]) for p in predicted] == [6, 1, 4, 2, 2, 2, 0]  # 9 % 7 = 2, 7 % 7 = 0
    assert all(len(set(p.tolist())) == 1 for p in predicted)


def test_logits_come_back_per_sentence_when_asked():
    sentences = [[5, 5, 5], [5]]
    logits = predict_label_ids(EchoLengthModel(), sentences, batch_size=2, pad_token_id=1, with_logits=True)
    assert logits[0].shape == (3, 7) and logits[1].shape == (1, 7)
    assert logits[0][0].argmax() == 3 and logits[1][0].argmax() == 1
