"""Typed view of params.yaml, validated in one place before any stage does work.

One reader function per params section; each appends one line per problem to the shared reader, so that every
problem in the file is reported at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from panx_ner.artifacts import SPLITS, raw_dir, split_file
from panx_ner.errors import PipelineError
from panx_ner.hub import is_local_path
from panx_ner.launch import check_processes
from panx_ner.precision import PRECISIONS, resolve_precision

PARAMS_FILE = Path("params.yaml")
SAMPLING_CHOICES = ("random", "group_by_length")
STRATEGY_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # a strategy names folders and files: models/<name>
CURVE_FOLDER = "learning_curve"  # models/learning_curve/<n>, data/scores/learning_curve-<n>.json
HUB_PLACEHOLDER = "data/hub-source.txt"  # what DVC hashes for a Hub source (it cannot hash a Hub repository)


@dataclass(frozen=True)
class DatasetParams:
    source: str  # a Hub dataset id (google/xtreme) or a local folder in its layout
    revision: str | None  # pins a Hub source; ignored for local folders


@dataclass(frozen=True)
class ModelParams:
    checkpoint: str  # a Hub model id (xlm-roberta-base) or a local folder
    max_length: int


@dataclass(frozen=True)
class TrainParams:
    epochs: int
    batch_size: int
    eval_batch_size: int
    learning_rate: float
    weight_decay: float
    warmup_ratio: float
    seeds: tuple[int, ...]  # every strategy is trained once per seed; the first seed's model is the one released
    sampling: str  # "random" (the book) or "group_by_length" (less padding)
    length_noise: float  # group_by_length groups each length times a random factor in [1 - noise, 1 + noise]
    packing: bool  # training batches packed into rows of whole sentences (panx_ner/packing.py) instead of padded
    threads: int  # torch intra-op threads; 0 leaves torch's default
    precision: str  # "auto", "bf16" or "fp32" as written; panx_ner.precision.resolve_precision says what runs
    processes: int  # data-parallel training processes (torchrun); batch_size is the global batch, split among them


@dataclass(frozen=True)
class LearningCurveParams:
    language: str
    sizes: tuple[int, ...]
    seed: int  # shuffles the training split before the first N are taken, and seeds the curve models' training
    zero_shot_strategy: str  # whose score on `language` is drawn beside the curve (the book: de)


@dataclass(frozen=True)
class EvaluateParams:
    batch_size: int


@dataclass(frozen=True)
class ErrorReportParams:
    strategy: str  # whose model is analysed
    language: str
    split: str
    top_tokens: int
    top_sentences: int
    token: str  # sentences containing this sub-word are shown (the book: "▁(")
    suspect_confidence: float  # min mean probability for a gold entity typed otherwise to count as suspect
    top_suspects: int


@dataclass(frozen=True)
class ReleaseParams:
    base_model: str  # the Hub id of model.checkpoint, named in each model card
    license: str  # the license the cards declare (the base model's)


@dataclass(frozen=True)
class Params:
    dataset: DatasetParams
    languages: dict[str, float]  # trained-on languages -> fraction of each split kept
    zero_shot_languages: dict[str, float]  # evaluation-only languages -> fraction of the test split kept
    sample_seed: int
    model: ModelParams
    train: TrainParams
    strategies: dict[str, tuple[str, ...]]  # strategy -> languages whose train splits it joins
    learning_curve: LearningCurveParams
    evaluate: EvaluateParams
    error_report: ErrorReportParams
    examples: dict[str, str]  # language -> sentence tagged by every strategy's model
    release: ReleaseParams

    @property
    def test_languages(self) -> list[str]:
        """Every language whose test split each strategy's model is scored on: trained-on ones first."""
        return [*self.languages, *self.zero_shot_languages]

    def fraction(self, language: str) -> float:
        return {**self.languages, **self.zero_shot_languages}[self.check_language(language)]

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


def sampled_train_rows(language: str, fraction: float) -> int | None:
    """Rows the sample stage keeps of a language's training split, once download has run (else None)."""
    raw_train = split_file(raw_dir(language), "train")
    if not raw_train.is_file():
        return None
    return int(fraction * pq.ParquetFile(raw_train).metadata.num_rows)


def _as_number(value: Any) -> Any:
    """YAML 1.1 reads `5e-5` (no dot) as a string; DVC reads it as a number, and so do we."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    return value


class _Reader:
    """Reads keys out of the params tree and collects one message per problem."""

    def __init__(self, tree: dict[str, Any]):
        self.tree = tree
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def get(self, dotted: str, default: Any = ...) -> Any:
        node: Any = self.tree
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is ...:
                    self.problem(f"{dotted}: missing; expected a value")
                return None if default is ... else default
            node = node[part]
        return node

    def number(self, dotted: str, kind: type, *, positive: bool = False, minimum: float | None = None,
               below: float | None = None, why: str = "", default: Any = ...) -> Any:
        """The number at `dotted`, or None (and a problem) where it is missing or breaks a bound; `why` explains
        the `below` bound in its message."""
        value = self.get(dotted, default)
        if value is None:
            return None
        value = _as_number(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and isinstance(value, float) and not value.is_integer()):
            self.problem(f"{dotted}: {value!r} is not {'an integer' if kind is int else 'a number'}")
            return None
        if positive and value <= 0:
            self.problem(f"{dotted}: {value!r} must be positive")
            return None
        if minimum is not None and value < minimum:
            self.problem(f"{dotted}: {value!r} must be at least {minimum}")
            return None
        if below is not None and value >= below:
            self.problem(f"{dotted}: {kind(value)!r} must be below {below:g}" + (f" ({why})" if why else ""))
            return None
        return kind(value)

    def flag(self, dotted: str, default: Any = ...) -> bool | None:
        value = self.get(dotted, default)
        if value is not None and not isinstance(value, bool):
            self.problem(f"{dotted}: {value!r} is not true or false")
            return None
        return value

    def text(self, dotted: str, default: Any = ...) -> str | None:
        value = self.get(dotted, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{dotted}: {value!r} is not a non-empty string")
            return None
        return value

    def one_of(self, dotted: str, choices, what: str) -> str | None:
        value = self.text(dotted)
        if value is not None and value not in choices:
            self.problem(f"{dotted}: {value!r} is not {what}")
        return value


def _fractions(read: _Reader, section: str, required: bool = True) -> dict[str, float]:
    """A {language: fraction in (0, 1]} section."""
    raw = read.get(section) if required else read.get(section, {})
    fractions: dict[str, float] = {}
    if raw is None or (raw == {} and not required):
        return fractions
    if not isinstance(raw, dict) or not raw:
        read.problem(f"{section}: {raw!r} must map each language code to a fraction, e.g. de: 0.629")
        return fractions
    for language, fraction in raw.items():
        fraction = _as_number(fraction)
        if language is None or not str(language).strip():
            read.problem(f"{section}: fraction {fraction!r} has no language code; expected e.g. de: 0.629")
        elif fraction is None:
            read.problem(f"{section}.{language}: no fraction given; expected a number in (0, 1]")
        elif isinstance(fraction, bool) or not isinstance(fraction, (int, float)):
            read.problem(f"{section}.{language}: fraction {fraction!r} is not a number; expected one in (0, 1]")
        elif not 0 < fraction <= 1:
            read.problem(f"{section}.{language}: fraction {fraction!r} is outside (0, 1]")
        else:
            fractions[str(language)] = float(fraction)
    return fractions


def _strategies(read: _Reader, languages: dict[str, float]) -> dict[str, tuple[str, ...]]:
    raw = read.get("strategies")
    strategies: dict[str, tuple[str, ...]] = {}
    if raw is None:
        return strategies
    if not isinstance(raw, dict) or not raw:
        read.problem(f"strategies: {raw!r} must map a strategy name to a list of languages")
        return strategies
    for name, members in raw.items():
        if not isinstance(name, str) or not STRATEGY_NAME.fullmatch(name) or name == CURVE_FOLDER \
                or name.startswith(f"{CURVE_FOLDER}-"):
            read.problem(f"strategies: name {name!r} cannot name a model folder; expected letters, digits, '.', '_' "
                         f"or '-' (not starting with '.' or '-'), other than {CURVE_FOLDER!r} and "
                         f"{CURVE_FOLDER}-<n>, which the learning curve uses")
            continue
        if not isinstance(members, list) or not members:
            read.problem(f"strategies.{name}: {members!r} must be a non-empty list of languages")
            continue
        unknown = [m for m in members if m not in languages]
        if unknown:
            read.problem(f"strategies.{name}: language {unknown[0]!r} is not in languages ({', '.join(languages)})")
            continue
        if len(set(members)) != len(members):
            read.problem(f"strategies.{name}: {members!r} lists a language twice")
            continue
        strategies[str(name)] = tuple(members)
    return strategies


def _check_tracked(read: _Reader, section: str, source_key: str, source: str | None) -> None:
    """`<section>.tracked` is what DVC hashes: the source folder itself, or the Hub placeholder for a Hub id.
    Anything else lets the source change without DVC noticing."""
    tracked = read.text(f"{section}.tracked")
    if source is None or tracked is None:
        return
    if is_local_path(source):
        if Path(tracked).expanduser().resolve() != Path(source).expanduser().resolve():
            read.problem(f"{section}.tracked: {tracked!r} is not {section}.{source_key} ({source!r}); DVC would not "
                         f"see changes of the source: set it to the same folder")
    elif tracked != HUB_PLACEHOLDER:
        read.problem(f"{section}.tracked: {tracked!r} for the Hub id {source!r}; expected {HUB_PLACEHOLDER} "
                     f"(pin the version with a revision instead)")


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


def _dataset(read: _Reader, languages: list[str]) -> DatasetParams:
    dataset = DatasetParams(source=read.text("dataset.source"), revision=read.get("dataset.revision", None))
    _check_tracked(read, "dataset", "source", dataset.source)
    if dataset.source is not None and is_local_path(dataset.source):
        folder = Path(dataset.source).expanduser()
        if not folder.is_dir():
            read.problem(f"dataset.source: folder {dataset.source!r} does not exist; expected a local folder or a Hub id")
        else:
            for language in languages:
                if not (folder / f"PAN-X.{language}").is_dir():
                    read.problem(f"language {language!r}: the dataset has no folder {folder / f'PAN-X.{language}'}; "
                                 f"expected PAN-X.<lang> folders as in google/xtreme")
    return dataset


def _model(read: _Reader) -> ModelParams:
    model = ModelParams(checkpoint=read.text("model.checkpoint"),
                        max_length=read.number("model.max_length", int, positive=True))
    if model.checkpoint is not None and is_local_path(model.checkpoint):
        if not Path(model.checkpoint).is_dir():
            read.problem(f"model.checkpoint: folder {model.checkpoint!r} does not exist; expected a local folder or "
                         f"a Hub id")
        else:
            limit = position_limit(model.checkpoint)
            if limit is not None and model.max_length is not None and model.max_length > limit:
                read.problem(f"model.max_length: {model.max_length} is above the {limit} positions "
                             f"{model.checkpoint} takes; expected at most {limit}")
    _check_tracked(read, "model", "checkpoint", model.checkpoint)
    return model


def _seeds(read: _Reader) -> tuple[int, ...]:
    raw = read.get("train.seeds")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        read.problem(f"train.seeds: {raw!r} must be a non-empty list of seeds, e.g. [42] or [42, 1, 2]")
        return ()
    bad = [seed for seed in raw if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0]
    if bad:
        read.problem(f"train.seeds: {bad[0]!r} is not a non-negative integer")
        return ()
    if len(set(raw)) != len(raw):
        read.problem(f"train.seeds: {raw!r} lists a seed twice")
        return ()
    return tuple(raw)


def _train(read: _Reader) -> TrainParams:
    train = TrainParams(
        epochs=read.number("train.epochs", int, positive=True),
        batch_size=read.number("train.batch_size", int, positive=True),
        eval_batch_size=read.number("train.eval_batch_size", int, positive=True),
        learning_rate=read.number("train.learning_rate", float, positive=True),
        weight_decay=read.number("train.weight_decay", float, minimum=0),
        warmup_ratio=read.number("train.warmup_ratio", float, minimum=0, below=1, why="a share of all steps",
                                 default=0.0),
        seeds=_seeds(read),
        sampling=read.one_of("train.sampling", SAMPLING_CHOICES, f"one of {', '.join(SAMPLING_CHOICES)}"),
        length_noise=read.number("train.length_noise", float, minimum=0, below=1,
                                 why="a length times 1 - noise must stay positive", default=0.0),
        packing=read.flag("train.packing", default=False),
        threads=read.number("train.threads", int, minimum=0, default=0),
        precision=read.one_of("train.precision", PRECISIONS, f"one of {', '.join(PRECISIONS)}"),
        processes=read.number("train.processes", int, positive=True, default=1),
    )
    # Only the checks that can fail ask the hardware: asking imports torch (over a second), which every stage
    # would pay for nothing, as one process always fits and auto and fp32 always resolve.
    if train.processes is not None and train.processes > 1:
        try:
            check_processes(train.processes)
        except PipelineError as error:
            read.problem(str(error))
        else:
            if train.batch_size is not None and train.batch_size % train.processes:
                read.problem(f"train.batch_size: {train.batch_size} does not split evenly among train.processes "
                             f"{train.processes}; expected a multiple of {train.processes}")
    if train.precision == "bf16":
        try:
            resolve_precision(train.precision)
        except PipelineError as error:
            read.problem(str(error))
    return train


def _learning_curve(read: _Reader, languages: dict[str, float], declared: dict,
                    strategies: dict) -> LearningCurveParams:
    language = read.text("learning_curve.language")
    if language is not None and language not in declared:
        read.problem(f"learning_curve.language: {language!r} is not in languages")
    sizes: list[int] = []
    raw_sizes = read.get("learning_curve.sizes")
    if raw_sizes is not None:
        if not isinstance(raw_sizes, list) or not raw_sizes:
            read.problem(f"learning_curve.sizes: {raw_sizes!r} must be a non-empty list of positive integers")
        else:
            for size in raw_sizes:
                if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
                    read.problem(f"learning_curve.sizes: {size!r} is not a positive integer")
                else:
                    sizes.append(size)
    if language in languages and sizes:
        available = sampled_train_rows(language, languages[language])
        if available is not None and max(sizes) > available:
            read.problem(f"learning_curve.sizes: {max(sizes)} is larger than the {available} sentences of "
                         f"the sampled {language} training split")
    zero_shot = read.one_of("learning_curve.zero_shot_strategy", strategies, "in strategies")
    return LearningCurveParams(language=language, sizes=tuple(sizes),
                               seed=read.number("learning_curve.seed", int, minimum=0), zero_shot_strategy=zero_shot)


def _error_report(read: _Reader, languages: dict[str, float], strategies: dict) -> ErrorReportParams:
    confidence = read.number("error_report.suspect_confidence", float, minimum=0)
    if confidence is not None and confidence > 1:
        read.problem(f"error_report.suspect_confidence: {confidence!r} must be in [0, 1]")
    return ErrorReportParams(
        strategy=read.one_of("error_report.strategy", strategies, "in strategies"),
        language=read.one_of("error_report.language", languages, "in languages"),
        split=read.one_of("error_report.split", SPLITS, f"one of {', '.join(SPLITS)}"),
        top_tokens=read.number("error_report.top_tokens", int, positive=True),
        top_sentences=read.number("error_report.top_sentences", int, positive=True),
        token=read.text("error_report.token"),
        suspect_confidence=confidence,
        top_suspects=read.number("error_report.top_suspects", int, positive=True),
    )


def _examples(read: _Reader) -> dict[str, str]:
    examples = read.get("examples", {}) or {}
    if not isinstance(examples, dict) or not all(isinstance(v, str) and v.strip() for v in examples.values()):
        read.problem(f"examples: {examples!r} must map a language to a non-empty sentence")
        return {}
    return examples


def parse_params(tree: dict[str, Any]) -> Params:
    """Builds Params from the YAML tree; raises PipelineError listing every problem, one per line."""
    if not isinstance(tree, dict):
        raise PipelineError(f"{PARAMS_FILE}: expected a mapping of sections, got {type(tree).__name__}")
    read = _Reader(tree)
    languages = _fractions(read, "languages")
    # membership checks use every declared language, so one bad fraction is reported once, not once per use
    raw = tree.get("languages")
    declared = {str(language): 0.0 for language in raw} if isinstance(raw, dict) else {}
    zero_shot_languages = _fractions(read, "zero_shot_languages", required=False)
    for language in zero_shot_languages:
        if language in languages:
            read.problem(f"zero_shot_languages.{language}: {language!r} is also in languages; a language is either "
                         f"trained on or evaluation-only")
    strategies = _strategies(read, declared)
    strategies_raw = tree.get("strategies")
    declared_strategies = strategies_raw if isinstance(strategies_raw, dict) else {}
    params = Params(
        dataset=_dataset(read, [*languages, *zero_shot_languages]),
        languages=languages,
        zero_shot_languages={k: v for k, v in zero_shot_languages.items() if k not in languages},
        sample_seed=read.number("sample.seed", int, minimum=0),
        model=_model(read),
        train=_train(read),
        strategies=strategies,
        learning_curve=_learning_curve(read, languages, declared, declared_strategies),
        evaluate=EvaluateParams(batch_size=read.number("evaluate.batch_size", int, positive=True)),
        error_report=_error_report(read, declared, declared_strategies),
        examples=_examples(read),
        release=ReleaseParams(base_model=read.text("release.base_model"), license=read.text("release.license")),
    )
    if read.problems:
        raise PipelineError(f"{PARAMS_FILE} is invalid:\n" + "\n".join(f"  {p}" for p in read.problems))
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


def load_params(path: Path = PARAMS_FILE) -> Params:
    if not path.is_file():
        raise PipelineError(f"{path} not found; run the stage from the repository root")
    try:
        with path.open() as handle:
            tree = yaml.load(handle, Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise PipelineError(f"{where}: not valid YAML: {getattr(error, 'problem', None) or error}") from None
    return parse_params(tree)
