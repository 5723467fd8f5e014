"""params.yaml validation: one line per problem naming the key, the bad value and what is expected; exit code 2."""

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from panx_ner.errors import PipelineError
from panx_ner.params import parse_params
from tests.tiny import REPO

BASE = yaml.safe_load((REPO / "params.yaml").read_text())


@pytest.fixture
def params(tmp_path, monkeypatch):
    """The committed params with local sources that exist, evaluated from an empty working directory."""
    monkeypatch.chdir(tmp_path)
    tree = copy.deepcopy(BASE)
    for section, key in (("dataset", "source"), ("model", "checkpoint")):
        (tmp_path / key).mkdir()
        tree[section][key] = tree[section]["tracked"] = f"./{key}"
    for language in [*tree["languages"], *tree["zero_shot_languages"]]:
        (tmp_path / "source" / f"PAN-X.{language}").mkdir()
    for name, test_set in tree["out_of_domain"]["sets"].items():
        test_set["folder"] = f"./{name}"
        for language in test_set["languages"]:
            (tmp_path / name / language).mkdir(parents=True)
    return tree


def problems(tree) -> list[str]:
    with pytest.raises(PipelineError) as error:
        parse_params(tree)
    lines = str(error.value).splitlines()
    assert all(line.startswith("params.yaml: ") for line in lines), lines  # one line per problem, naming the file
    return [line.removeprefix("params.yaml: ") for line in lines]


def test_committed_params_are_valid(params):
    parsed = parse_params(params)
    assert parsed.languages == {"de": 0.629, "fr": 0.229, "it": 0.084, "en": 0.059}
    assert parsed.strategies["all"] == ("de", "fr", "it", "en")


@pytest.mark.parametrize("edit,expected", [
    (lambda t: t["languages"].update(it=None), "languages.it: no fraction given; expected a number in (0, 1]"),
    (lambda t: t["languages"].update({None: 0.3}), "languages: fraction 0.3 has no language code"),
    (lambda t: t["languages"].update(fr=1.5), "languages.fr: fraction 1.5 is outside (0, 1]"),
    (lambda t: t["languages"].update(fr=0), "languages.fr: fraction 0 is outside (0, 1]"),
    (lambda t: t["strategies"].update({"de-es": ["de", "es"]}), "strategies.de-es: language 'es' is not in languages"),
    (lambda t: t["strategies"].update(empty=[]), "strategies.empty: [] must be a non-empty list of languages"),
    (lambda t: t["train"].update(batch_size=0), "train.batch_size: 0 must be positive"),
    (lambda t: t["train"].update(epochs=-1), "train.epochs: -1 must be positive"),
    (lambda t: t["train"].update(epochs=2.5), "train.epochs: 2.5 is not an integer"),
    (lambda t: t["train"].update(learning_rate=0), "train.learning_rate: 0 must be positive"),
    (lambda t: t["train"].update(sampling="sorted"), "train.sampling: 'sorted' is not one of random, group_by_length"),
    (lambda t: t["train"].update(length_noise=1.0), "train.length_noise: 1.0 must be below 1"),
    (lambda t: t["train"].update(length_noise=-0.1), "train.length_noise: -0.1 must be at least 0"),
    (lambda t: t["train"].update(packing="yes"), "train.packing: 'yes' is not true or false"),
    (lambda t: t["train"].update(warmup_ratio=1), "train.warmup_ratio: 1.0 must be below 1 (a share of all steps)"),
    (lambda t: t["learning_curve"].update(sizes=[250, -5]), "learning_curve.sizes: -5 is not a positive integer"),
    (lambda t: t["dataset"].update(source="./no/such/folder"),
     "dataset.source: folder './no/such/folder' does not exist; expected a local folder or a Hub id"),
    (lambda t: t["model"].update(checkpoint="/no/such/model"),
     "model.checkpoint: folder '/no/such/model' does not exist; expected a local folder or a Hub id"),
    (lambda t: t["error_report"].update(split="dev"), "error_report.split: 'dev' is not one of train, validation, test"),
    (lambda t: t.pop("model"), "model: missing; expected a section with checkpoint, max_length, tracked"),
    (lambda t: t["train"].pop("epochs"), "train.epochs: missing; expected a value"),
    (lambda t: t["train"].update(epoch=1), "train.epoch: unknown key; did you mean train.epochs?"),
    (lambda t: t["learning_curve"].update(size=[10]), "learning_curve.size: unknown key; did you mean learning_curve.sizes?"),
    (lambda t: t.update(trian={"epochs": 1}), "trian: unknown key; did you mean train?"),
    (lambda t: t.update(notes="mine"), "notes: unknown key; expected one of dataset, languages, zero_shot_languages"),
    (lambda t: t["error_report"].update(top_token=3), "error_report.top_token: unknown key; did you mean "
                                                      "error_report.top_tokens?"),
    (lambda t: t["release"].update(license=None), "release.license: None is not a non-empty string"),
    (lambda t: t["release"].update(license=" "), "release.license: ' ' is not a non-empty string"),
    (lambda t: t["release"].pop("license"), "release.license: missing; expected a value"),
    (lambda t: t["dataset"].update(revision=""), "dataset.revision: '' is not a non-empty string"),
    (lambda t: t.update(train=5), "train: 5 is not a section of keys; expected one with epochs, batch_size"),
    (lambda t: t.update(strategies=["de"]), "strategies: ['de'] must map a strategy name to a list of languages"),
    (lambda t: t.update(languages="de"), "languages: 'de' must map each language code to a fraction"),
    (lambda t: t.update(zero_shot_languages=["nl"]), "zero_shot_languages: ['nl'] must map each language code"),
    (lambda t: t["learning_curve"].update(sizes=250), "learning_curve.sizes: 250 must be a non-empty list"),
    (lambda t: t["train"].update(log_every_steps=0), "train.log_every_steps: 0 must be positive"),
    (lambda t: t["zero_shot_languages"].update({"../x": 0.1}), "zero_shot_languages: '../x' is not a language code"),
    (lambda t: t["languages"].update({"DE": 0.1}), "languages: 'DE' is not a language code"),
    (lambda t: t["learning_curve"].update(sizes=[250, 250]), "learning_curve.sizes: [250, 250] lists a size twice"),
    (lambda t: t["train"].update(threads=4096), "train.threads: 4096 is more than the"),
    (lambda t: t["dataset"].update(source=str(REPO / "params.yaml"), tracked=str(REPO / "params.yaml")),
     f"dataset.source: folder '{REPO / 'params.yaml'}' is a file, not a folder"),
    (lambda t: t["error_report"].update(suspect_confidence=1.5), "error_report.suspect_confidence: 1.5 must be at most 1"),
    (lambda t: t["zero_shot_languages"].update(fr=0.1),
     "zero_shot_languages.fr: 'fr' is also in languages; a language is either trained on or evaluation-only"),
    (lambda t: t["zero_shot_languages"].update(xx=0.1),
     "language 'xx': the dataset has no folder source/PAN-X.xx nor source/xx; expected PAN-X.<lang> folders as in "
     "google/xtreme, or <lang> folders"),
    (lambda t: t["languages"].update(fr={"train": 0.5, "test": 1.0}),
     "languages.fr: no fraction for split validation; expected one for each of train, validation, test"),
    (lambda t: t["languages"].update(fr={"train": 0.5, "dev": 1.0}),
     "languages.fr: split 'dev' is not one of train, validation, test; expected a fraction per split"),
    (lambda t: t["languages"].update(fr={"train": 0.5, "validation": 1.0, "test": 1.5}),
     "languages.fr: fraction 1.5 is outside (0, 1]"),
    (lambda t: t["dataset"].update(tags=["O", "B-PER"]),
     "dataset.tags: tag set O, B-PER: B-PER has no I- partner; expected B- and I- of each type"),
    (lambda t: t["dataset"].update(tags=["O", "PER", "I-PER"]),
     "dataset.tags: tag set O, PER, I-PER: tag 'PER' is not O or B-/I- followed by a type (e.g. B-PER)"),
    (lambda t: t["dataset"].update(scheme="IOB3"), "dataset.scheme: 'IOB3' is not one of auto, IOB2, IOB1, BIOES"),
    (lambda t: t["zero_shot_languages"].update(nl="a tenth"),
     "zero_shot_languages.nl: fraction 'a tenth' is not a number; expected one in (0, 1]"),
    (lambda t: t["zero_shot_languages"].update(nl=1.5), "zero_shot_languages.nl: fraction 1.5 is outside (0, 1]"),
    (lambda t: t["strategies"].update(nl=["nl"]), "strategies.nl: language 'nl' is not in languages"),
    (lambda t: t["languages"].update(fr="0.2x"), "languages.fr: fraction '0.2x' is not a number"),
    (lambda t: t["sample"].update(seed=-1), "sample.seed: -1 must be at least 0"),
    (lambda t: t["train"].update(seeds=42), "train.seeds: 42 must be a non-empty list of seeds, e.g. [42]"),
    (lambda t: t["train"].update(seeds=[]), "train.seeds: [] must be a non-empty list of seeds"),
    (lambda t: t["train"].update(seeds=[42, "1"]), "train.seeds: '1' is not a non-negative integer"),
    (lambda t: t["train"].update(seeds=[42, 1, 42]), "train.seeds: [42, 1, 42] lists a seed twice"),
    (lambda t: t["strategies"].update(learning_curve=["fr"]), "strategies: name 'learning_curve' cannot name a model"),
    (lambda t: t["strategies"].update({"learning_curve-250": ["fr"]}),
     "strategies: name 'learning_curve-250' cannot name a model"),
    (lambda t: t["strategies"].update({"../de": ["de"]}), "strategies: name '../de' cannot name a model"),
    (lambda t: t["dataset"].update(tracked="../shared/xtreme"),
     "dataset.tracked: '../shared/xtreme' is not dataset.source ('./source')"),
    (lambda t: t["model"].update(checkpoint="xlm-roberta-base"),
     "model.tracked: './checkpoint' for the Hub id 'xlm-roberta-base'; expected data/hub-source.txt"),
    (lambda t: t["out_of_domain"].update(sentences=-5), "out_of_domain.sentences: -5 must be at least 0"),
    (lambda t: t["out_of_domain"].update(sentence=5), "out_of_domain.sentence: unknown key; did you mean "
                                                      "out_of_domain.sentences?"),
    (lambda t: t["out_of_domain"]["sets"]["conll"].update(foldr="x"),
     "out_of_domain.sets.conll.foldr: unknown key; did you mean out_of_domain.sets.conll.folder?"),
    (lambda t: t["out_of_domain"]["sets"]["conll"].update(folder="./nowhere"),
     "out_of_domain.sets.conll.folder: './nowhere' does not exist; expected a folder of <lang>/ folders"),
    (lambda t: t["out_of_domain"]["sets"]["conll"].update(languages=["en", "sv"]),
     "out_of_domain.sets.conll.languages: 'sv' has no folder conll/sv"),
    (lambda t: t["out_of_domain"]["sets"]["conll"].update(languages=["en", "en"]),
     "out_of_domain.sets.conll.languages: ['en', 'en'] lists a language twice"),
    (lambda t: t["out_of_domain"]["sets"]["conll"].update(split="val"),
     "out_of_domain.sets.conll.split: 'val' is not one of train, validation, test"),
    (lambda t: t["out_of_domain"]["sets"].update({"news/2": {"folder": "./conll", "languages": ["en"]}}),
     "out_of_domain.sets: name 'news/2' cannot name a file"),
])
def test_each_problem_is_one_line(params, edit, expected):
    edit(params)
    found = problems(params)
    assert any(line.strip().startswith(expected) for line in found), found


def test_out_of_domain_sets_are_optional(params):
    del params["out_of_domain"]
    assert parse_params(params).out_of_domain.sets == {}
    params["out_of_domain"] = {"sets": {}}
    assert parse_params(params).out_of_domain.sentences == 2000


def test_max_length_above_the_model_positions(params, tmp_path):
    (tmp_path / "checkpoint" / "config.json").write_text('{"model_type": "xlm-roberta", "max_position_embeddings": 514}')
    params["model"]["max_length"] = 600
    assert problems(params) == ["model.max_length: 600 is above the 512 positions ./checkpoint takes; expected at "
                                "most 512"]


@pytest.mark.parametrize("text,message", [
    ("train:\n  epochs: 3\n  epochs: 4\n", "params.yaml:3: not valid YAML: key 'epochs' is given twice in one section"),
    ("train:\n  epochs: [3\n", "params.yaml:3: not valid YAML: "),
    ("train: {epochs: 3\n", "params.yaml:2: not valid YAML: "),
])
def test_broken_yaml_is_one_line_naming_the_line(tmp_path, text, message):
    (tmp_path / "params.yaml").write_text(text)
    result = run_stage(tmp_path, "stages.check_params")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith(f"error: {message}"), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_book_learning_rate_written_as_yaml_1_1_reads_it_is_a_number(params):
    params["train"]["learning_rate"] = "5e-5"  # what yaml.safe_load returns for `learning_rate: 5e-5`
    assert parse_params(params).train.learning_rate == 5e-5


def test_zero_shot_languages_are_evaluated_but_never_trained(params):
    parsed = parse_params(params)
    assert parsed.test_languages[:4] == ["de", "fr", "it", "en"] and "nl" in parsed.test_languages
    assert parsed.splits("nl") == ("test",) and parsed.splits("de") == ("train", "validation", "test")
    assert all("nl" not in members for members in parsed.strategies.values())


def test_every_problem_is_reported_at_once(params):
    params["languages"]["fr"] = 2
    params["train"]["batch_size"] = -3
    params["train"]["learning_rate"] = -1e-5
    assert len(problems(params)) == 3


def test_learning_curve_larger_than_sampled_split(params, tmp_path):
    from datasets import Dataset

    from panx_ner.tags import PANX

    raw = tmp_path / "data" / "raw" / "fr"
    raw.mkdir(parents=True)
    Dataset.from_dict({"tokens": [["a"]] * 100, "ner_tags": [[0]] * 100, "langs": [["fr"]] * 100},
                      features=PANX.features()).to_parquet(str(raw / "train.parquet"))
    params["learning_curve"]["sizes"] = [10, 22, 23]
    params["languages"]["fr"] = 0.229  # int(0.229 * 100) = 22 sentences
    assert problems(params) == ["learning_curve.sizes: 23 is larger than the 22 sentences of the sampled fr "
                                "training split"]


def run_stage(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", *args], cwd=tmp_path, env=environment, capture_output=True,
                          text=True)


def test_stage_exits_2_with_the_problem_and_writes_nothing(params, tmp_path):
    params["languages"]["it"] = 1.7
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    result = run_stage(tmp_path, "stages.sample", "it")
    assert result.returncode == 2
    assert "languages.it: fraction 1.7 is outside (0, 1]" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists()


def test_unreachable_hub_fails_fast_with_a_hint(params, tmp_path):
    from panx_ner.tags import PANX, TAG_SET_FILE, write_tag_set

    params["dataset"]["source"] = "google/xtreme"
    params["dataset"]["tracked"] = "data/hub-source.txt"
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    environment = {**os.environ, "PYTHONPATH": str(REPO), "HF_ENDPOINT": "http://127.0.0.1:9", "HF_HUB_OFFLINE": "0"}
    for command in (["stages.check_params"], ["stages.download", "de"]):  # check_params asks for the tag set first
        result = subprocess.run([sys.executable, "-m", *command], cwd=tmp_path, env=environment,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "cannot reach the Hugging Face Hub" in lines[0], lines
        assert "dvc exp run -S dataset.source=../shared/xtreme" in lines[0]
        assert not (tmp_path / "data" / "raw" / "de").exists()
        write_tag_set(PANX, "PAN-X", tmp_path / TAG_SET_FILE)  # download reads the tag set check_params decides


def flattened(annotation) -> set:
    """The types inside Annotated[...] and unions, all the way down."""
    import typing

    inner = typing.get_args(annotation)
    return {annotation} if not inner else {annotation} | set().union(*(flattened(arg) for arg in inner))


def numeric_params(model=None) -> list[tuple[tuple[str, ...], type]]:
    """Every number in params.yaml, read from the schema: (path of keys, float or int). A mapping of language to
    fraction counts as its committed languages' fractions."""
    import typing

    from pydantic import BaseModel

    from panx_ner.params import Params

    found = []
    for name, field in (model or Params).model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += [((name, *path), kind) for path, kind in numeric_params(annotation)]
        elif annotation in (float, int):
            found.append(((name,), annotation))
        elif typing.get_origin(annotation) is dict and float in flattened(typing.get_args(annotation)[1]):
            found += [((name, language), float) for language in BASE.get(name) or {"de": None}]
    return found


NUMBERS = numeric_params()


def test_the_schema_has_float_params_to_check():
    floats = {".".join(path) for path, kind in NUMBERS if kind is float}
    assert {"train.learning_rate", "train.weight_decay", "train.warmup_ratio", "train.length_noise",
            "error_report.suspect_confidence", "languages.de"} <= floats


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("path", [path for path, _ in NUMBERS], ids=[".".join(path) for path, _ in NUMBERS])
def test_every_number_must_be_finite(params, path, value):
    section = params
    for key in path[:-1]:
        section = section.setdefault(key, {})
    section[path[-1]] = value
    found = problems(params)
    assert len(found) == 1 and found[0].startswith(f"{'.'.join(path)}: "), found
    assert "not a finite number" in found[0], found


@pytest.mark.parametrize("text", [".nan", ".inf", "-.inf", ".NaN"])
def test_check_params_exits_2_on_a_yaml_nan_or_infinity(params, tmp_path, text):
    lines = yaml.safe_dump(params, sort_keys=False).splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("learning_rate:"))
    lines[at] = lines[at].split(":")[0] + f": {text}"
    (tmp_path / "params.yaml").write_text("\n".join(lines) + "\n")
    result = run_stage(tmp_path, "stages.check_params")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"error: params.yaml: train.learning_rate: {float(text.replace('.', '', 1))!r} is not a finite number"]
    assert not (tmp_path / "data").exists()
