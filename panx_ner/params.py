"""params.yaml's one schema: every section, key, type and range, validated before any stage does work.

The schema is pydantic models, one per section, that forbid keys they do not know, so a misspelt key is an error
that names the closest known one instead of a value silently left at its old setting. Each leaf type checks its
value with the project's own words (`train.batch_size: 0 must be positive`), and the checks that join sections or
ask the file system or the hardware (a strategy's languages, the dataset's folders, bf16 on this CPU) run once the
types hold. Every problem is one line; all of a pass's problems are reported together.
"""

from __future__ import annotations

import difflib
import json
import math
import os
import re
from pathlib import Path
from typing import Annotated, Any, Callable, get_args, get_origin

import pyarrow.parquet as pq
import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from panx_ner.artifacts import SPLITS, raw_dir, split_file
from panx_ner.errors import PipelineError
from panx_ner.hub import is_local_path
from panx_ner.launch import check_processes
from panx_ner.precision import PRECISIONS, resolve_precision
from panx_ner.schemes import SCHEMES
from panx_ner.tags import TagSet

PARAMS_FILE = Path("params.yaml")
SAMPLING_CHOICES = ("random", "group_by_length")
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z]+)*")  # PAN-X's configs: PAN-X.de, PAN-X.bat-smg, PAN-X.zh-yue
STRATEGY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # a strategy names folders and files: models/<name>
CURVE_FOLDER = "learning_curve"  # models/learning_curve/<n>, data/scores/learning_curve-<n>.json
HUB_PLACEHOLDER = "data/hub-source.txt"  # what DVC hashes for a Hub source (it cannot hash a Hub repository)
SWITCH_TO_HUB = "python -m panx_ner.switch_sources hub"  # every source at the Hub (panx_ner/switch_sources.py)


# ---------------------------------------------------------------- leaf types: each check in the project's words

def _problem(message: str) -> PydanticCustomError:
    return PydanticCustomError("panx", "{message}", {"message": message})


def _as_number(value: Any) -> Any:
    """YAML 1.1 reads `5e-5` (no dot) as a string; DVC reads it as a number, and so do we."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _number(kind: type, *, positive: bool = False, minimum: float | None = None, maximum: float | None = None,
            below: float | None = None, why: str = "") -> BeforeValidator:
    """A number of `kind` (int accepts 3.0, not 2.5; never a boolean) within the given bounds; `why` explains the
    `below` bound."""
    def check(value: Any) -> Any:
        value = _as_number(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _problem(f"{value!r} is not {'an integer' if kind is int else 'a number'}")
        if not math.isfinite(value):  # NaN passes every comparison below, infinity every lower bound
            raise _problem(f"{value!r} is not a finite number")
        if kind is int and isinstance(value, float) and not value.is_integer():
            raise _problem(f"{value!r} is not an integer")
        if positive and value <= 0:
            raise _problem(f"{value!r} must be positive")
        if minimum is not None and value < minimum:
            raise _problem(f"{value!r} must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise _problem(f"{value!r} must be at most {maximum}")
        if below is not None and value >= below:
            raise _problem(f"{kind(value)!r} must be below {below:g}" + (f" ({why})" if why else ""))
        return kind(value)
    return BeforeValidator(check)


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _problem(f"{value!r} is not a non-empty string")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _problem(f"{value!r} is not true or false")
    return value


def _choice(choices: tuple[str, ...]) -> BeforeValidator:
    def check(value: Any) -> str:
        if value not in choices:
            raise _problem(f"{value!r} is not one of {', '.join(choices)}")
        return value
    return BeforeValidator(check)


def _fractions(required: bool) -> BeforeValidator:
    """A {language code: fraction} mapping; the fractions themselves are checked one by one (Fraction)."""
    def check(value: Any) -> dict:
        if not isinstance(value, dict) or (required and not value):
            raise _problem(f"{value!r} must map each language code to a fraction, e.g. de: 0.629"
                           + ("" if required else ", or be {} for none"))
        for language, fraction in value.items():
            if language is None or not str(language).strip():
                raise _problem(f"fraction {fraction!r} has no language code; expected e.g. de: 0.629")
            if not LANGUAGE_CODE.fullmatch(str(language)):  # it names folders: data/raw/<lang>, PAN-X.<lang>
                raise _problem(f"{language!r} is not a language code; expected PAN-X's, such as de, zh or "
                               f"bat-smg (lower-case letters, parts joined by '-')")
        return {str(language): fraction for language, fraction in value.items()}
    return BeforeValidator(check)


def _fraction(value: Any) -> float:
    value = _as_number(value)
    if value is None:
        raise _problem("no fraction given; expected a number in (0, 1]")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _problem(f"fraction {value!r} is not a number; expected one in (0, 1]")
    if not math.isfinite(value):
        raise _problem(f"fraction {value!r} is not a finite number; expected one in (0, 1]")
    if not 0 < value <= 1:
        raise _problem(f"fraction {value!r} is outside (0, 1]")
    return float(value)


def _split_fractions(value: Any) -> float | dict[str, float]:
    """One fraction for every split (de: 0.629), or one per split (en: {train: 0.1, validation: 0.25, test: 1.0})."""
    if not isinstance(value, dict):
        return _fraction(value)
    unknown = [split for split in value if split not in SPLITS]
    if unknown:
        raise _problem(f"split {unknown[0]!r} is not one of {', '.join(SPLITS)}; expected a fraction per split")
    return {split: _fraction(fraction) for split, fraction in value.items()}


def _tag_list(value: Any) -> tuple[str, ...] | None:
    if value == "auto":
        return None
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise _problem(f"{value!r} must be auto or a list of IOB2 tags, e.g. [O, B-PER, I-PER]")
    try:
        return TagSet(tuple(value)).tags
    except PipelineError as error:
        raise _problem(str(error)) from None


def _strategies(value: Any) -> dict:
    if not isinstance(value, dict) or not value:
        raise _problem(f"{value!r} must map a strategy name to a list of languages")
    for name in value:
        if not isinstance(name, str) or not STRATEGY_NAME.fullmatch(name) or name == CURVE_FOLDER \
                or name.startswith(f"{CURVE_FOLDER}-"):
            raise _problem(f"name {name!r} cannot name a model folder; expected letters, digits, '.', '_' or '-' (not "
                           f"starting with '.' or '-'), other than {CURVE_FOLDER!r} and {CURVE_FOLDER}-<n>, which the "
                           f"learning curve uses")
    return value


def _members(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(member, str) for member in value):
        raise _problem(f"{value!r} must be a non-empty list of languages")
    if len(set(value)) != len(value):
        raise _problem(f"{value!r} lists a language twice")
    return tuple(value)


def _seeds(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise _problem(f"{value!r} must be a non-empty list of seeds, e.g. [42] or [42, 1, 2]")
    bad = [seed for seed in value if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0]
    if bad:
        raise _problem(f"{bad[0]!r} is not a non-negative integer")
    if len(set(value)) != len(value):
        raise _problem(f"{value!r} lists a seed twice")
    return tuple(value)


def _sizes(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise _problem(f"{value!r} must be a non-empty list of positive integers, e.g. [250, 500, 1000]")
    bad = [size for size in value if isinstance(size, bool) or not isinstance(size, int) or size <= 0]
    if bad:
        raise _problem(f"{bad[0]!r} is not a positive integer")
    if len(set(value)) != len(value):
        raise _problem(f"{value!r} lists a size twice")
    return tuple(value)


def _examples(value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(text, str) and text.strip() for text in value.values()):
        raise _problem(f"{value!r} must map a language to a non-empty sentence")
    return {str(language): text for language, text in value.items()}


def _set_languages(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(code, str) for code in value):
        raise _problem(f"{value!r} must be a non-empty list of language codes, e.g. [en, de]")
    bad = [code for code in value if not LANGUAGE_CODE.fullmatch(code)]
    if bad:
        raise _problem(f"{bad[0]!r} is not a language code; expected lower-case letters, parts joined by '-'")
    if len(set(value)) != len(value):
        raise _problem(f"{value!r} lists a language twice")
    return tuple(value)


def _set_names(value: Any) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _problem(f"{value!r} must map a test set's name to its folder and languages, or be {{}} for none")
    for name in value:
        if not isinstance(name, str) or not STRATEGY_NAME.fullmatch(name):
            raise _problem(f"name {name!r} cannot name a file; expected letters, digits, '.', '_' or '-' (not "
                           f"starting with '.' or '-')")
    return value


def _revision(value: Any) -> str | None:
    return None if value is None else _text(value)


Text = Annotated[str, BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_flag)]
PositiveInt = Annotated[int, _number(int, positive=True)]
Seed = Annotated[int, _number(int, minimum=0)]
Fraction = Annotated[float | dict[str, float], BeforeValidator(_split_fractions)]


class Section(BaseModel):
    """A params.yaml section: its keys are the fields, and any other key is an error."""
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatasetParams(Section):
    source: Text  # a Hub dataset id (google/xtreme) or a local folder in its layout
    revision: Annotated[str | None, BeforeValidator(_revision)] = None  # pins a Hub source; unused for a folder
    tracked: Text  # what DVC hashes: the source folder, or the Hub placeholder
    # auto: the data's own (ClassLabel names, else collected from the CoNLL train files); or the IOB2 tags in order
    tags: Annotated[tuple[str, ...] | None, BeforeValidator(_tag_list)] = None
    scheme: Annotated[str, _choice(SCHEMES)] = "auto"  # how CoNLL files' tags are read; auto detects per file


class ModelParams(Section):
    checkpoint: Text  # a Hub model id (xlm-roberta-base) or a local folder
    max_length: PositiveInt
    tracked: Text


class SampleParams(Section):
    seed: Seed


class TrainParams(Section):
    epochs: PositiveInt
    batch_size: PositiveInt
    eval_batch_size: PositiveInt
    learning_rate: Annotated[float, _number(float, positive=True)]
    weight_decay: Annotated[float, _number(float, minimum=0)]
    warmup_ratio: Annotated[float, _number(float, minimum=0, below=1, why="a share of all steps")] = 0.0
    seeds: Annotated[tuple[int, ...], BeforeValidator(_seeds)]  # one model per strategy and seed; the first released
    sampling: Annotated[str, _choice(SAMPLING_CHOICES)]  # "random" (the book) or "group_by_length" (less padding)
    # group_by_length groups each length times a random factor in [1 - noise, 1 + noise]
    length_noise: Annotated[float, _number(float, minimum=0, below=1,
                                           why="a length times 1 - noise must stay positive")] = 0.0
    packing: Flag = False  # training batches packed into rows of whole sentences (panx_ner/packing.py)
    threads: Annotated[int, _number(int, minimum=0)] = 0  # torch intra-op threads; 0 leaves torch's default
    precision: Annotated[str, _choice(PRECISIONS)]  # as written; panx_ner.precision.resolve_precision: what runs
    processes: PositiveInt = 1  # data-parallel training processes (torchrun); batch_size is the global batch
    log_every_steps: PositiveInt = 10  # the training loss goes to DVCLive every this many steps


class LearningCurveParams(Section):
    language: Text
    sizes: Annotated[tuple[int, ...], BeforeValidator(_sizes)]
    seed: Seed  # shuffles the training split before the first N sentences are taken
    zero_shot_strategy: Text  # whose score on `language` is drawn beside the curve (the book: de)


class EvaluateParams(Section):
    batch_size: PositiveInt


class ErrorReportParams(Section):
    strategy: Text  # whose model is analysed
    language: Text
    split: Annotated[str, _choice(SPLITS)]
    top_tokens: PositiveInt
    top_sentences: PositiveInt
    token: Text  # sentences containing this sub-word are shown (the book: "▁(")
    # min mean probability for a gold entity typed otherwise to count as suspect
    suspect_confidence: Annotated[float, _number(float, minimum=0, maximum=1)]
    top_suspects: PositiveInt


class ReleaseParams(Section):
    base_model: Text  # the Hub id of model.checkpoint, named in each model card
    license: Text  # the license the cards declare (the base model's)


class OutOfDomainSet(Section):
    folder: Text  # <folder>/<lang>/<split> files in any layout the CoNLL reader takes (panx_ner/conll.py)
    languages: Annotated[tuple[str, ...], BeforeValidator(_set_languages)]
    split: Annotated[str, _choice(SPLITS)] = "test"
    scheme: Annotated[str, _choice(SCHEMES)] = "auto"  # as dataset.scheme: the files' tag scheme, read as IOB2


class OutOfDomainParams(Section):
    sentences: Annotated[int, _number(int, minimum=0)] = 2000  # drawn per set and language (sample.seed); 0: all
    sets: Annotated[dict[str, OutOfDomainSet], BeforeValidator(_set_names)] = Field(default_factory=dict)


class Params(Section):
    dataset: DatasetParams
    # trained-on languages -> fraction of each split kept
    languages: Annotated[dict[str, Fraction], _fractions(required=True)]
    # evaluation-only languages -> fraction of the test split kept
    zero_shot_languages: Annotated[dict[str, Fraction], _fractions(required=False)] = \
        Field(default_factory=dict)
    sample: SampleParams
    model: ModelParams
    strategies: Annotated[dict[str, Annotated[tuple[str, ...], BeforeValidator(_members)]],
                          BeforeValidator(_strategies)]  # strategy -> languages whose train splits it joins
    train: TrainParams
    learning_curve: LearningCurveParams
    evaluate: EvaluateParams
    error_report: ErrorReportParams
    examples: Annotated[dict[str, str], BeforeValidator(_examples)] = Field(default_factory=dict)
    release: ReleaseParams
    # test sets from other corpora, scored on the entity types they share with each model
    out_of_domain: OutOfDomainParams = Field(default_factory=OutOfDomainParams)

    @property
    def sample_seed(self) -> int:
        return self.sample.seed

    @property
    def test_languages(self) -> list[str]:
        """Every language whose test split each strategy's model is scored on: trained-on ones first."""
        return [*self.languages, *self.zero_shot_languages]

    def fraction(self, language: str, split: str) -> float:
        fraction = {**self.languages, **self.zero_shot_languages}[self.check_language(language)]
        return fraction[split] if isinstance(fraction, dict) else fraction

    def splits(self, language: str) -> tuple[str, ...]:
        """The splits a language is sampled and encoded in: an evaluation-only language needs its test split."""
        return ("test",) if self.check_language(language) in self.zero_shot_languages else SPLITS

    def check_language(self, language: str) -> str:
        if language not in self.languages and language not in self.zero_shot_languages:
            raise PipelineError(f"language {language!r} is in neither languages ({', '.join(self.languages)}) nor "
                                f"zero_shot_languages ({', '.join(self.zero_shot_languages) or 'none'}) of params.yaml")
        return language

    def check_seed(self, seed: int) -> int:
        if seed not in self.train.seeds:
            raise PipelineError(f"seed {seed} is not in params.yaml train.seeds ({', '.join(map(str, self.train.seeds))})")
        return seed

    @property
    def released_seed(self) -> int:
        """The seed whose model of each strategy is released, tagged and error-analysed: the first in train.seeds."""
        return self.train.seeds[0]

    def check_strategy(self, strategy: str) -> tuple[str, ...]:
        if strategy not in self.strategies:
            raise PipelineError(f"strategy {strategy!r} is not in params.yaml strategies ({', '.join(self.strategies)})")
        return self.strategies[strategy]


# ---------------------------------------------------------------- pydantic's findings in the project's words

def _section_at(location: tuple) -> type[BaseModel] | None:
    """The section model at a key path (("train",) -> TrainParams), or None below a mapping of free keys."""
    model: Any = Params
    parts = iter(location)
    for part in parts:
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        annotation = field.annotation if field is not None else None
        if get_origin(annotation) is dict:  # a mapping of free names to sections (out_of_domain.sets.<name>)
            annotation = get_args(annotation)[1]
            if next(parts, None) is None:
                return None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def _dotted(location: tuple) -> str:
    return ".".join(str(part) for part in location if part != "[key]")


def _unknown_key(location: tuple) -> str:
    *parent, key = location
    section = _section_at(tuple(parent))
    known = list(section.model_fields) if section else []
    close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
    prefix = _dotted(tuple(parent)) + "." if parent else ""
    if close:
        return f"{_dotted(location)}: unknown key; did you mean {prefix}{close[0]}?"
    return f"{_dotted(location)}: unknown key; expected one of {', '.join(known)}"


def _describe(error: dict) -> str:
    location = tuple(error["loc"])
    kind = error["type"]
    if kind == "panx":
        where = _dotted(location[:-1]) if location and location[-1] == "[key]" else _dotted(location)
        return f"{where}: {error['ctx']['message']}"
    if kind == "extra_forbidden":
        return _unknown_key(location)
    if kind == "missing":
        section = _section_at(location)
        expected = f"a section with {', '.join(section.model_fields)}" if section else "a value"
        return f"{_dotted(location)}: missing; expected {expected}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        section = _section_at(location)
        keys = f" with {', '.join(section.model_fields)}" if section else ""
        return f"{_dotted(location) or PARAMS_FILE}: {error['input']!r} is not a section of keys; expected one{keys}"
    return f"{_dotted(location)}: {error['input']!r}: {error['msg']}"  # a type the schema does not name itself


# ---------------------------------------------------------------- checks across sections, the file system, hardware

def sampled_train_rows(language: str, fraction: float) -> int | None:
    """Rows the sample stage keeps of a language's training split, once download has run (else None)."""
    raw_train = split_file(raw_dir(language), "train")
    if not raw_train.is_file():
        return None
    return int(fraction * pq.ParquetFile(raw_train).metadata.num_rows)


def position_limit(checkpoint: str) -> int | None:
    """The longest input a local checkpoint takes, from its tokenizer or model config (None if unknown)."""
    folder = Path(checkpoint)
    limits = []
    tokenizer_config = folder / "tokenizer_config.json"
    if tokenizer_config.is_file():
        value = json.loads(tokenizer_config.read_text()).get("model_max_length")
        if isinstance(value, int) and 0 < value < 1_000_000:  # transformers writes 1e30 for "no limit"
            limits.append(value)
    model_config = folder / "config.json"
    if model_config.is_file():
        config = json.loads(model_config.read_text())
        positions = config.get("max_position_embeddings")
        if isinstance(positions, int):
            # RoBERTa-style models number positions after the padding index (2 of them are never used)
            offset = 2 if config.get("model_type") in ("roberta", "xlm-roberta", "camembert") else 0
            limits.append(positions - offset)
    return min(limits) if limits else None


def _tracked_problem(section: str, source_key: str, source: str, tracked: str) -> str | None:
    """`<section>.tracked` is what DVC hashes: the source folder itself, or the Hub placeholder for a Hub id.
    Anything else lets the source change without DVC noticing."""
    if is_local_path(source):
        if Path(tracked).expanduser().resolve() != Path(source).expanduser().resolve():
            return (f"{section}.tracked: {tracked!r} is not {section}.{source_key} ({source!r}); DVC would not see "
                    f"changes of the source: set it to the same folder")
    elif tracked != HUB_PLACEHOLDER:
        return (f"{section}.tracked: {tracked!r} for the Hub id {source!r}; expected {HUB_PLACEHOLDER} (pin the "
                f"version with a revision instead)")
    return None


def _missing_folder(key: str, folder: str) -> str:
    what = "is a file, not a folder" if Path(folder).expanduser().is_file() else "does not exist"
    return (f"{key}: folder {folder!r} {what}; expected a local folder or a Hub id (to load every source from "
            f"the Hugging Face Hub instead: {SWITCH_TO_HUB})")


def _source_problems(params: Params) -> list[str]:
    problems = []
    dataset, model = params.dataset, params.model
    problems.append(_tracked_problem("dataset", "source", dataset.source, dataset.tracked))
    if is_local_path(dataset.source):
        folder = Path(dataset.source).expanduser()
        if not folder.is_dir():
            problems.append(_missing_folder("dataset.source", dataset.source))
        else:
            problems += [f"language {language!r}: the dataset has no folder {folder / f'PAN-X.{language}'} nor "
                         f"{folder / language}; expected PAN-X.<lang> folders as in google/xtreme, or <lang> folders"
                         for language in params.test_languages
                         if not (folder / f"PAN-X.{language}").is_dir() and not (folder / language).is_dir()]
    if is_local_path(model.checkpoint):
        if not Path(model.checkpoint).is_dir():
            problems.append(_missing_folder("model.checkpoint", model.checkpoint))
        else:
            limit = position_limit(model.checkpoint)
            if limit is not None and model.max_length > limit:
                problems.append(f"model.max_length: {model.max_length} is above the {limit} positions "
                                f"{model.checkpoint} takes; expected at most {limit}")
    problems.append(_tracked_problem("model", "checkpoint", model.checkpoint, model.tracked))
    return problems


def _language_problems(params: Params) -> list[str]:
    problems = [f"zero_shot_languages.{language}: {language!r} is also in languages; a language is either trained "
                f"on or evaluation-only" for language in params.zero_shot_languages if language in params.languages]
    for section in ("languages", "zero_shot_languages"):
        for language, fraction in getattr(params, section).items():
            missing = [split for split in params.splits(language) if isinstance(fraction, dict) and split not in fraction]
            if missing:
                problems.append(f"{section}.{language}: no fraction for split {missing[0]}; expected one for each of "
                                f"{', '.join(params.splits(language))}")
    for name, members in params.strategies.items():
        unknown = [member for member in members if member not in params.languages]
        if unknown:
            problems.append(f"strategies.{name}: language {unknown[0]!r} is not in languages "
                            f"({', '.join(params.languages)})")
    curve, report = params.learning_curve, params.error_report
    if curve.language not in params.languages:
        problems.append(f"learning_curve.language: {curve.language!r} is not in languages")
    else:
        available = sampled_train_rows(curve.language, params.fraction(curve.language, "train"))
        if available is not None and max(curve.sizes) > available:
            problems.append(f"learning_curve.sizes: {max(curve.sizes)} is larger than the {available} sentences of "
                            f"the sampled {curve.language} training split")
    for key, value, choices, what in (
            ("learning_curve.zero_shot_strategy", curve.zero_shot_strategy, params.strategies, "in strategies"),
            ("error_report.strategy", report.strategy, params.strategies, "in strategies"),
            ("error_report.language", report.language, params.languages, "in languages")):
        if value not in choices:
            problems.append(f"{key}: {value!r} is not {what}")
    return problems


def _hardware_problems(train: TrainParams) -> list[str]:
    # Only the checks that can fail ask the hardware: asking imports torch (over a second), which every stage
    # would pay for nothing, as one process always fits and auto and fp32 always resolve.
    problems = []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if train.threads > cores:
        problems.append(f"train.threads: {train.threads} is more than the {cores} CPU cores of this machine; expected "
                        f"at most {cores}, or 0 for torch's default")
    if train.processes > 1:
        try:
            check_processes(train.processes)
        except PipelineError as error:
            problems.append(str(error))
        else:
            if train.batch_size % train.processes:
                problems.append(f"train.batch_size: {train.batch_size} does not split evenly among train.processes "
                                f"{train.processes}; expected a multiple of {train.processes}")
    if train.precision == "bf16":
        try:
            resolve_precision(train.precision)
        except PipelineError as error:
            problems.append(str(error))
    return problems


def _out_of_domain_problems(params: Params) -> list[str]:
    problems = []
    for name, test_set in params.out_of_domain.sets.items():
        folder = Path(test_set.folder).expanduser()
        if not folder.is_dir():
            what = "is a file, not a folder" if folder.is_file() else "does not exist"
            problems.append(f"out_of_domain.sets.{name}.folder: {test_set.folder!r} {what}; expected a folder of "
                            f"<lang>/ folders with CoNLL files")
            continue
        problems += [f"out_of_domain.sets.{name}.languages: {language!r} has no folder {folder / language}; expected "
                     f"one <lang>/ folder per language" for language in test_set.languages
                     if not (folder / language).is_dir()]
    return problems


CHECKS: tuple[Callable[[Params], list[str]], ...] = (
    _source_problems, _language_problems, _out_of_domain_problems, lambda params: _hardware_problems(params.train))


def parse_params(tree: Any, checks: tuple[Callable[[Params], list[str]], ...] = CHECKS) -> Params:
    """Params from the YAML tree; raises PipelineError with every problem, one line each (`params.yaml: <key>: <what
    is wrong; what is expected>`): first every key, type
    and range the schema knows, then (once those hold) `checks`, which join sections or ask the file system and
    the hardware."""
    if not isinstance(tree, dict):
        raise PipelineError(f"{PARAMS_FILE}: expected a mapping of sections, got {type(tree).__name__}")
    try:
        params = Params.model_validate(tree)
    except ValidationError as error:
        problems = list(dict.fromkeys(_describe(found) for found in error.errors()))
    else:
        problems = [problem for check in checks for problem in check(params) if problem]
    if problems:
        raise PipelineError("\n".join(f"{PARAMS_FILE}: {problem}" for problem in problems))
    return params


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (DVC refuses such a file; so do we)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} is given twice in one section", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_params_tree(path: Path = PARAMS_FILE) -> Any:
    """params.yaml as YAML gives it, or a one-line error naming the line YAML stopped at."""
    if not path.is_file():
        raise PipelineError(f"{path} not found; run the stage from the repository root")
    try:
        with path.open() as handle:
            return yaml.load(handle, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise PipelineError(f"{where}: not valid YAML: {getattr(error, 'problem', None) or error}") from None


def load_params(path: Path = PARAMS_FILE) -> Params:
    return parse_params(read_params_tree(path))
