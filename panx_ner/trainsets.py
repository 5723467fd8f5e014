"""Training sets: a strategy's languages joined and shuffled, and the learning curve's first-N subsets."""

from __future__ import annotations

from datasets import Dataset, concatenate_datasets

from panx_ner.errors import PipelineError

MODEL_COLUMNS = ["input_ids", "attention_mask", "labels"]


def join_splits(splits: list[Dataset]) -> Dataset:
    """Concatenates per-language splits (model columns only), in the order given."""
    return concatenate_datasets([split.select_columns(MODEL_COLUMNS) for split in splits]).flatten_indices()


def first_rows(dataset: Dataset, size: int, seed: int, what: str) -> Dataset:
    """The first `size` rows after shuffling with the seed: the book's learning-curve subsets."""
    if size > dataset.num_rows:
        raise PipelineError(f"learning_curve.sizes: {size} is larger than the {dataset.num_rows} rows of {what}")
    return dataset.shuffle(seed=seed).select(range(size)).flatten_indices()
