"""Length-grouped batches in random order (panx_ner.training.ShuffledLengthGroupedSampler)."""

import random

import torch
from transformers.trainer_pt_utils import get_length_grouped_indices

from panx_ner.training import ShuffledLengthGroupedSampler

BATCH = 24


def batches(indices: list[int]) -> list[list[int]]:
    return [indices[start:start + BATCH] for start in range(0, len(indices), BATCH)]


def test_same_batches_as_transformers_grouping_in_another_order_short_batch_last():
    rng = random.Random(0)
    lengths = [rng.randint(1, 80) for _ in range(1_000)]  # 41 full batches and one of 16
    grouped = get_length_grouped_indices(lengths, BATCH, generator=torch.Generator().manual_seed(3))
    shuffled = list(ShuffledLengthGroupedSampler(BATCH, lengths=lengths, generator=torch.Generator().manual_seed(3)))
    assert sorted(shuffled) == list(range(1_000))
    theirs, ours = batches(grouped), batches(shuffled)
    assert sorted(map(sorted, theirs)) == sorted(map(sorted, ours))  # grouping (so padding) unchanged
    assert len(ours[-1]) == 1_000 % BATCH and ours[-1] == theirs[-1]
    # transformers serves each mega-batch longest first; the shuffled order does not sweep from long to short
    longest = [max(lengths[i] for i in batch) for batch in ours[:-1]]
    falls = sum(a > b for a, b in zip(longest, longest[1:]))
    assert 0.3 < falls / (len(longest) - 1) < 0.7, longest
    theirs_longest = [max(lengths[i] for i in batch) for batch in theirs[1:-1]]  # [0] holds the swapped longest
    assert sum(a >= b for a, b in zip(theirs_longest, theirs_longest[1:])) / (len(theirs_longest) - 1) > 0.8  # rises only between mega-batches


def test_each_epoch_draws_a_new_order():
    lengths = list(range(1, 241))
    sampler = ShuffledLengthGroupedSampler(BATCH, lengths=lengths, generator=torch.Generator().manual_seed(0))
    assert list(sampler) != list(sampler)


def padding(indices: list[int], lengths: list[int]) -> int:
    """Pad sub-words the collator adds: each batch is padded to its longest sentence."""
    return sum(max(lengths[i] for i in batch) * len(batch) - sum(lengths[i] for i in batch) for batch in batches(indices))


def test_length_noise_pads_more_the_more_it_mixes_lengths_and_less_than_random_batches():
    rng = random.Random(1)
    lengths = [rng.randint(1, 80) for _ in range(1_000)]
    orders = {noise: list(ShuffledLengthGroupedSampler(BATCH, lengths=lengths, length_noise=noise,
                                                       generator=torch.Generator().manual_seed(5)))
              for noise in (0.0, 0.3, 0.9)}
    for order in orders.values():
        assert sorted(order) == list(range(1_000)) and len(batches(order)[-1]) == 1_000 % BATCH
    random_order = torch.randperm(1_000, generator=torch.Generator().manual_seed(5)).tolist()
    pads = [padding(orders[noise], lengths) for noise in (0.0, 0.3, 0.9)] + [padding(random_order, lengths)]
    assert pads == sorted(set(pads)), pads  # strictly rising: exact grouping < 0.3 < 0.9 < random batches
