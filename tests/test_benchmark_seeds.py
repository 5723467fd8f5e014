"""The benchmark's seed lists: ranges on the command line, and the same lists written back in its tables."""

import argparse

import pytest

from benchmarks.run_benchmarks import parse_seeds, seed_list, set_and_seeds


@pytest.mark.parametrize("text, seeds", [
    ("42", (42,)),
    ("42,1,2", (42, 1, 2)),
    ("42,1-7", (42, 1, 2, 3, 4, 5, 6, 7)),
    ("8-10,3", (8, 9, 10, 3)),
    ("-5,2", (-5, 2)),
])
def test_seed_lists_and_ranges_are_read_in_order(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize("text", ["4x", "1-", "", "1,,2", "a-b", "1-2-3"])
def test_a_bad_seed_list_is_one_line_naming_it(text):
    with pytest.raises(argparse.ArgumentTypeError, match=rf"^'{text}': expected seeds like 42,1,2 or 42,1-39$"):
        parse_seeds(text)


@pytest.mark.parametrize("seeds, written", [
    ((42, 1, 2, 3, 4), "42, 1–4"),
    ((42, 1, 2), "42, 1, 2"),
    ((5, 7, 8, 9, 1), "5, 7–9, 1"),
])
def test_tables_write_consecutive_seeds_as_ranges(seeds, written):
    assert seed_list(seeds) == written
    assert parse_seeds(written.replace(" ", "").replace("–", "-")) == seeds


def test_a_training_set_takes_its_own_seeds():
    assert set_and_seeds("fr-1000=42,1-3") == ("fr-1000", (42, 1, 2, 3))
    with pytest.raises(argparse.ArgumentTypeError, match=r"^'fr-1000': expected SET=SEEDS"):
        set_and_seeds("fr-1000")
