"""Out-of-domain test sets: drawing, the sampling sd, shared-type predictions on MISC, and the stages on the tiny
pipeline (adding or removing a set reruns no training)."""

import json
import re

import pytest
import yaml
from seqeval.metrics import f1_score

from panx_ner.conll import ConllSplit
from panx_ner.out_of_domain import draw, on_other_types, sampling_sd, sentence_counts
from panx_ner.tags import TagSet
from tests.tiny import copy_project, run

NEWS_TAGS = TagSet.from_types(["LOC", "MISC", "ORG", "PER"])


def test_a_misc_phrase_tagged_org_is_counted_on_misc():
    gold = [["B-MISC", "I-MISC", "O", "B-PER"], ["B-MISC", "O", "B-LOC"]]
    predicted = [["B-ORG", "I-ORG", "O", "B-PER"], ["O", "O", "B-LOC"]]
    assert on_other_types(gold, predicted, ["PER", "ORG", "LOC"]) == {"MISC": {"PER": 0, "ORG": 1, "LOC": 0}}


def test_sentence_counts_give_seqeval_micro_f1():
    gold = [["B-PER", "I-PER", "O", "B-ORG"], ["B-LOC", "O"], ["O", "O"], ["B-ORG", "I-ORG"]]
    predicted = [["B-PER", "I-PER", "O", "B-LOC"], ["B-LOC", "O"], ["B-PER", "O"], ["B-ORG", "O"]]
    true_positive, gold_total, predicted_total = sentence_counts(gold, predicted).sum(axis=0)
    assert (true_positive, gold_total, predicted_total) == (2, 4, 5)
    assert 2 * true_positive / (gold_total + predicted_total) == pytest.approx(f1_score(gold, predicted))


def test_sampling_sd_is_zero_for_perfect_predictions_and_grows_with_fewer_sentences():
    gold = [["B-PER", "O"], ["B-ORG", "O"], ["O", "B-LOC"], ["B-PER", "I-PER"]] * 50
    assert sampling_sd(gold, gold) == 0.0
    wrong = [tags if index % 3 else ["O"] * len(tags) for index, tags in enumerate(gold)]
    assert 0 < sampling_sd(gold, wrong) < sampling_sd(gold[:40], wrong[:40])


def test_draw_is_seeded_and_never_more_than_the_split():
    split = ConllSplit(tokens=[[f"w{i}"] for i in range(30)], tags=[["O"] for _ in range(30)],
                       first_line={"O": 1})
    first, again, other = (draw(split, NEWS_TAGS, 10, seed) for seed in (0, 0, 1))
    assert first["tokens"] == again["tokens"] != other["tokens"]
    assert first.num_rows == 10
    assert draw(split, NEWS_TAGS, 0, 0).num_rows == draw(split, NEWS_TAGS, 100, 0).num_rows == 30
    assert draw(split, NEWS_TAGS, 10, 0).features["ner_tags"].feature.names == list(NEWS_TAGS.tags)


@pytest.mark.slow
def test_every_model_is_scored_on_every_set_on_the_shared_types(tiny_pipeline):
    params = yaml.safe_load((tiny_pipeline / "params.yaml").read_text())
    table = json.loads((tiny_pipeline / "metrics" / "out_of_domain.json").read_text())
    assert list(table) == list(params["strategies"])
    for row in table.values():
        assert list(row) == ["news/fr", "news/en"]
        for cell in row.values():
            assert cell["types"] == ["PER", "ORG", "LOC"]  # the model's order; MISC is not scored
            assert cell["drop"] == pytest.approx(cell["in_domain"] - cell["mean"], abs=1e-4)
            assert 0 <= cell["sampling_sd"] < 1
    report = json.loads((tiny_pipeline / "data" / "out_of_domain" / "news" / "report.json").read_text())
    assert {language: found["drawn"] for language, found in report["languages"].items()} == {"fr": 12, "en": 12}
    headline = json.loads((tiny_pipeline / "metrics" / "headline.json").read_text())
    assert list(headline["ood"]) == ["all"]
    curve = (tiny_pipeline / "metrics" / "learning_curve.csv").read_text().splitlines()
    assert curve[0].endswith(",news_f1,news_f1_sd")
    # one seed: a mean on the set, no sd across seeds
    assert all(re.fullmatch(r".*,\d\.\d+,", row) for row in curve[1:]), curve


@pytest.mark.slow
def test_adding_or_removing_an_out_of_domain_set_reruns_no_training(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "out-of-domain")
    params = yaml.safe_load((project / "params.yaml").read_text())
    news = params["out_of_domain"]["sets"].pop("news")
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    removed = set(re.findall(r"Running stage '([^']+)'", run(["dvc", "repro"], project).stdout))
    assert removed == {"check_params", "summarize"}, removed
    assert json.loads((project / "metrics" / "out_of_domain.json").read_text()) == {}

    params["out_of_domain"]["sets"]["wire"] = {**news, "languages": ["en"]}
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    added = set(re.findall(r"Running stage '([^']+)'", run(["dvc", "repro"], project).stdout))
    assert {"prepare_out_of_domain@wire", "evaluate_out_of_domain@de-42-wire", "summarize"} <= added, added
    assert not any(stage.startswith(("train", "evaluate@", "evaluate_curve@", "prepare_zero_shot", "encode@"))
                   for stage in added), added
    assert list(json.loads((project / "metrics" / "out_of_domain.json").read_text())["de"]) == ["wire/en"]


@pytest.mark.slow
def test_a_set_without_its_split_file_stops_before_anything_is_removed(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "no-split")
    (project / "news" / "en" / "test.conllu").rename(project / "news" / "en" / "train.conllu")
    before = (project / "data" / "out_of_domain" / "news" / "en" / "test.parquet").read_bytes()
    result = run(["dvc", "repro"], project, check=False)
    assert result.returncode != 0
    # the prepare stage reads the folder (check_params does not depend on it): one line, and its output persists
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("error: ")]
    assert errors == ["error: news/en: no test file; expected one such as test.conll, test.conllu or test.txt"], \
        result.stderr
    assert (project / "data" / "out_of_domain" / "news" / "en" / "test.parquet").read_bytes() == before


def test_compare_reads_out_of_domain_cells_beside_the_in_domain_ones(tmp_path):
    from panx_ner.compare import NO_REFERENCE, Run, compare, read_run

    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "f1.json").write_text(json.dumps({"de": {"de": {"mean": 0.85, "sd": None}}}))
    (tmp_path / "metrics" / "out_of_domain.json").write_text(json.dumps(
        {"de": {"conll/de": {"mean": 0.60, "sd": None, "in_domain": 0.85, "drop": 0.25, "sampling_sd": 0.01,
                             "types": ["PER", "ORG", "LOC"]}}}))
    run_a = read_run("workspace", root=tmp_path)
    assert run_a.f1["de"]["conll/de"] == {"mean": 0.60, "sd": None}
    noise = {"seeds": [42, 1, 2], "cpu": "x", "sd": {"de": {"de": 0.002, "conll/de": 0.01}}}
    run_b = Run(name="b", f1={"de": {"de": {"mean": 0.85, "sd": None}, "conll/de": {"mean": 0.65, "sd": None}}},
                curve={}, training={}, params={}, noise=noise)
    rows = {row.label: row for row in compare(run_a, run_b)}
    assert rows["de / conll/de"].change == pytest.approx(0.05)
    assert rows["de / conll/de"].bound == pytest.approx(2 * (2 * 0.01 ** 2) ** 0.5)
    assert rows["de / conll/de"].verdict != NO_REFERENCE


def test_compare_judges_the_learning_curve_on_each_out_of_domain_set(tmp_path):
    from panx_ner.compare import NO_REFERENCE, Run, compare, read_run

    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "f1.json").write_text(json.dumps({"de": {"fr": {"mean": 0.70, "sd": None}}}))
    (tmp_path / "metrics" / "learning_curve.csv").write_text(
        "num_samples,f1,f1_sd,zero_shot_f1,wikineural_f1,wikineural_f1_sd\n"
        "500,0.72,,0.70,0.59,\n250,0.51,,0.70,0.46,\n")
    (tmp_path / "params.yaml").write_text("learning_curve: {language: fr}\n")
    run_a = read_run("workspace", root=tmp_path)
    assert run_a.curve == {"250": {"mean": 0.51, "sd": None}, "500": {"mean": 0.72, "sd": None},
                           "250 / wikineural/fr": {"mean": 0.46, "sd": None},
                           "500 / wikineural/fr": {"mean": 0.59, "sd": None}}
    # the reference has the curve's own sizes and its WikiNEuRal cell at 250 only
    noise = {"seeds": [42, 1, 2], "cpu": "x", "sd": {},
             "curve_sd": {"250": 0.1, "500": 0.01, "250 / wikineural/fr": 0.02}}
    curve_b = {"250": {"mean": 0.55, "sd": None}, "500": {"mean": 0.72, "sd": None},
               "250 / wikineural/fr": {"mean": 0.56, "sd": None}, "500 / wikineural/fr": {"mean": 0.60, "sd": None}}
    run_b = Run(name="b", f1=run_a.f1, curve=curve_b, training={}, params={}, noise=noise)
    rows = [row for row in compare(run_a, run_b) if row.label.startswith("learning_curve/")]
    assert [row.label for row in rows] == ["learning_curve/250", "learning_curve/500",
                                           "learning_curve/250 / wikineural/fr", "learning_curve/500 / wikineural/fr"]
    wikineural_250, wikineural_500 = rows[2], rows[3]
    assert wikineural_250.change == pytest.approx(0.10) and wikineural_250.bound == pytest.approx(2 * (2 * 0.02 ** 2) ** 0.5)
    assert wikineural_500.bound is None
    # a run without training records is "no record", whatever the reference; with records, the missing sd shows
    assert wikineural_250.verdict == "no record in A"
    record = {"environment": {"bf16_path": "none", "precision": "fp32", "threads": 1, "processes": 1}}
    training = {f"learning_curve-{size}-seed42": record for size in (250, 500)}
    for run in (run_a, run_b):
        run.training = training
    verdicts = {row.label: row.verdict for row in compare(run_a, run_b)}
    assert verdicts["learning_curve/250 / wikineural/fr"] == "beyond noise"
    assert verdicts["learning_curve/500 / wikineural/fr"] == NO_REFERENCE
