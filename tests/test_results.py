"""The book-shaped F1 table, the all-language table and the grouping of languages by script and family."""

import pytest

from panx_ner.results import EACH_ROW, book_rows, f1_json, f1_markdown, f1_spread, f1_table, grouped_languages, headline

STRATEGIES = {"de": ("de",), "fr": ("fr",), "it": ("it",), "de-fr": ("de", "fr"), "all": ("de", "fr", "it", "en")}
TABLE = {
    "de": {"de": 0.86, "fr": 0.71, "it": 0.69, "en": 0.58, "ru": 0.50},
    "fr": {"de": 0.70, "fr": 0.85, "it": 0.75, "en": 0.60, "ru": 0.45},
    "it": {"de": 0.65, "fr": 0.72, "it": 0.81, "en": 0.55, "ru": 0.40},
    "de-fr": {"de": 0.87, "fr": 0.86, "it": 0.80, "en": 0.66, "ru": 0.52},
    "all": {"de": 0.868, "fr": 0.864, "it": 0.857, "en": 0.787, "ru": 0.55},
}


def test_book_rows_zero_shot_row_then_each_then_multi_language_rows():
    rows = book_rows(TABLE, ["de", "fr", "it", "en"], STRATEGIES)
    assert list(rows) == ["de", EACH_ROW, "de-fr", "all"]
    assert rows["de"] == {"de": 0.86, "fr": 0.71, "it": 0.69, "en": 0.58}
    # each language scored by its own model; English has no English-only strategy here
    assert rows[EACH_ROW] == {"de": 0.86, "fr": 0.85, "it": 0.81, "en": None}
    assert rows["all"]["en"] == 0.787


def test_markdown_keeps_the_book_table_and_adds_every_language():
    no_spread = {strategy: dict.fromkeys(row) for strategy, row in TABLE.items()}
    text = f1_markdown(TABLE, ["de", "fr", "it", "en"], ["ru"], STRATEGIES, no_spread, (42,))
    assert "±" not in text and "seed" not in text
    book, every = text.split("Every strategy")
    assert "ru" not in book and "| each " in book and "| –" in book  # missing cell drawn as a dash
    assert "all (de+fr+it+en)" in every and "0.5500" in every and "evaluation-only languages: ru" in every


def test_languages_grouped_by_script_then_family():
    order = grouped_languages(["de", "fr", "it", "en", "ru", "nl", "es", "zh", "fi"])
    assert order == ["de", "en", "nl", "fr", "it", "es", "fi", "ru", "zh"]


def test_headline_means_fit_on_one_line():
    figures = headline(TABLE, ["de", "fr", "it", "en"], ["ru"], STRATEGIES)
    # book rows without a missing cell: de (0.86+0.71+0.69+0.58)/4, de-fr, all; `each` lacks English here
    assert figures["f1"] == {"de": 0.71, "de-fr": 0.7975, "all": 0.844}
    assert figures["unseen"] == {"de": 0.5, "de-fr": 0.52, "all": 0.55}  # `each` is no single model


def scores(**f1: float) -> dict:
    return {language: {"f1": value} for language, value in f1.items()}


def test_seeds_give_mean_and_sample_sd_per_cell():
    runs = {"de": [scores(de=0.80, fr=0.70), scores(de=0.84, fr=0.70), scores(de=0.82, fr=0.64)]}
    table, spread = f1_table(runs, ["de", "fr"]), f1_spread(runs, ["de", "fr"])
    assert table["de"] == pytest.approx({"de": 0.82, "fr": 0.68})
    assert spread["de"] == pytest.approx({"de": 0.02, "fr": 0.034641})  # n - 1 in the denominator
    assert f1_json(table, spread) == {"de": {"de": {"mean": 0.82, "sd": 0.02}, "fr": {"mean": 0.68, "sd": 0.0346}}}
    text = f1_markdown(table, ["de", "fr"], [], {"de": ("de",)}, spread, (42, 1, 2))
    assert "0.8200 ± 0.0200" in text and "0.6800 ± 0.0346" in text and "per seed (42, 1, 2)" in text


def test_one_seed_has_no_sd():
    runs = {"de": [scores(de=0.8)]}
    assert f1_json(f1_table(runs, ["de"]), f1_spread(runs, ["de"])) == {"de": {"de": {"mean": 0.8, "sd": None}}}
