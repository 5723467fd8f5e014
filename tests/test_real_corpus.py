"""The sampled German corpus matches the book's counts (needs ../shared/xtreme; skipped elsewhere)."""

from panx_ner.corpus import describe_split, sample_split
from panx_ner.sources import load_corpus
from panx_ner.tags import PANX


def test_german_corpus_matches_the_book(shared_xtreme):
    german, _ = load_corpus(str(shared_xtreme), "de", None, PANX)[:2]
    sampled = {split: sample_split(german[split], 0.629, seed=0) for split in german}
    counts = {split: {k: v for k, v in describe_split(sampled[split]).items() if k != "stray_inside_tags"}
              for split in sampled}
    assert counts["train"] == {"sentences": 12580, "PER": 5810, "ORG": 5366, "LOC": 6186}
    assert counts["validation"] == {"sentences": 6290, "PER": 2893, "ORG": 2683, "LOC": 3172}
    assert counts["test"] == {"sentences": 6290, "PER": 3071, "ORG": 2573, "LOC": 3180}
    first = " ".join(sampled["train"][0]["tokens"])
    assert first.startswith("2.000 Einwohnern an der Danziger Bucht")


def test_other_languages_train_sizes(shared_xtreme):
    for language, fraction, rows in (("fr", 0.229, 4580), ("it", 0.084, 1680), ("en", 0.059, 1180)):
        assert sample_split(load_corpus(str(shared_xtreme), language, None, PANX)[0]["train"], fraction, 0).num_rows == rows
