"""Sub-word encoding of word-level PAN-X sentences, with labels on the first sub-word of each word."""

from __future__ import annotations

from typing import Sequence

from datasets import Dataset

from panx_ner.tags import IGNORED_LABEL

ENCODE_BATCH_SIZE = 1000  # sentences per tokenizer call: the fast tokenizer parallelises inside a batch


def align_labels(word_ids: Sequence[int | None], word_labels: Sequence[int]) -> list[int]:
    """The word's label on its first sub-word; IGNORED_LABEL on special tokens and on later sub-words."""
    labels = []
    previous = None
    for word_id in word_ids:
        if word_id is None or word_id == previous:
            labels.append(IGNORED_LABEL)
        else:
            labels.append(word_labels[word_id])
        previous = word_id
    return labels


def encode_split(dataset: Dataset, tokenizer, max_length: int) -> Dataset:
    """Adds input_ids, attention_mask, labels and num_words_truncated to a word-level split."""

    def encode_batch(batch):
        encoding = tokenizer(batch["tokens"], is_split_into_words=True, truncation=True, max_length=max_length)
        labels, truncated = [], []
        for index, tags in enumerate(batch["ner_tags"]):
            ids = encoding.word_ids(index)
            labels.append(align_labels(ids, tags))
            last_word = max((w for w in ids if w is not None), default=-1)
            truncated.append(len(tags) - 1 - last_word)
        return {
            "input_ids": encoding["input_ids"],
            "attention_mask": encoding["attention_mask"],
            "labels": labels,
            "num_words_truncated": truncated,
        }

    return dataset.map(encode_batch, batched=True, batch_size=ENCODE_BATCH_SIZE,
                       remove_columns=[c for c in dataset.column_names if c not in ("tokens", "ner_tags")])
