"""Typed view of params.yaml, validated in one place before any stage does work."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import yaml

from panx_ner.artifacts import SPLITS, raw_dir, split_file
from panx_ner.cli import PipelineError

PARAMS_FILE = Path("params.yaml")
SAMPLING_CHOICES = ("random", "group_by_length")


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
    seed: int
    sampling: str  # "random" (the book) or "group_by_length" (less padding)
    threads: int  # torch intra-op threads; 0 leaves torch's default


@dataclass(frozen=True)
class LearningCurveParams:
    language: str
    sizes: tuple[int, ...]
    seed: int
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
class Params:
    dataset: DatasetParams
    languages: dict[str, float]  # language -> fraction of each split kept
    sample_seed: int
    model: ModelParams
    train: TrainParams
    strategies: dict[str, tuple[str, ...]]  # strategy -> languages whose train splits it joins
    learning_curve: LearningCurveParams
    evaluate: EvaluateParams
    error_report: ErrorReportParams
    examples: dict[str, str]  # language -> sentence tagged by every strategy's model

    def check_language(self, language: str) -> str:
        if language not in self.languages:
            raise PipelineError(f"language {language!r} is not in params.yaml languages ({', '.join(self.languages)})")
        return language

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


def is_local_path(source: str) -> bool:
    """Local folders are written as paths; Hub ids look like `owner/name` or `name`."""
    return source.startswith((".", "/", "~")) or Path(source).exists()


class _Reader:
    """Reads keys out of the params tree and collects one message per problem."""

    def __init__(self, tree: dict[str, Any]):
        self.tree = tree
        self.problems: list[str] = []

    def get(self, dotted: str, default: Any = ...) -> Any:
        node: Any = self.tree
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is ...:
                    self.problems.append(f"{dotted}: missing; expected a value")
                return None if default is ... else default
            node = node[part]
        return node

    def number(self, dotted: str, kind: type, *, positive: bool = False, minimum: float | None = None,
               default: Any = ...) -> Any:
        value = self.get(dotted, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
            self.problems.append(f"{dotted}: {value!r} is not {'an integer' if kind is int else 'a number'}")
            return None
        if positive and value <= 0:
            self.problems.append(f"{dotted}: {value!r} must be positive")
            return None
        if minimum is not None and value < minimum:
            self.problems.append(f"{dotted}: {value!r} must be at least {minimum}")
            return None
        return kind(value)

    def text(self, dotted: str, default: Any = ...) -> str | None:
        value = self.get(dotted, default)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{dotted}: {value!r} is not a non-empty string")
            return None
        return value


def parse_params(tree: dict[str, Any]) -> Params:
    """Builds Params from the YAML tree; raises PipelineError listing every problem, one per line."""
    if not isinstance(tree, dict):
        raise PipelineError(f"{PARAMS_FILE}: expected a mapping of sections, got {type(tree).__name__}")
    read = _Reader(tree)

    languages_raw = read.get("languages")
    languages: dict[str, float] = {}
    if languages_raw is not None:
        if not isinstance(languages_raw, dict) or not languages_raw:
            read.problems.append(f"languages: {languages_raw!r} must map each language code to a fraction, e.g. de: 0.629")
        else:
            for language, fraction in languages_raw.items():
                if language is None or not str(language).strip():
                    read.problems.append(f"languages: fraction {fraction!r} has no language code; expected e.g. de: 0.629")
                elif fraction is None:
                    read.problems.append(f"languages.{language}: no fraction given; expected a number in (0, 1]")
                elif isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not 0 < fraction <= 1:
                    read.problems.append(f"languages.{language}: fraction {fraction!r} is outside (0, 1]")
                else:
                    languages[str(language)] = float(fraction)

    strategies_raw = read.get("strategies")
    strategies: dict[str, tuple[str, ...]] = {}
    if strategies_raw is not None:
        if not isinstance(strategies_raw, dict) or not strategies_raw:
            read.problems.append(f"strategies: {strategies_raw!r} must map a strategy name to a list of languages")
        else:
            for name, members in strategies_raw.items():
                if not isinstance(members, list) or not members:
                    read.problems.append(f"strategies.{name}: {members!r} must be a non-empty list of languages")
                    continue
                unknown = [m for m in members if m not in (languages_raw or {})]
                if unknown:
                    read.problems.append(
                        f"strategies.{name}: language {unknown[0]!r} is not in languages ({', '.join(map(str, languages_raw or {}))})")
                    continue
                if len(set(members)) != len(members):
                    read.problems.append(f"strategies.{name}: {members!r} lists a language twice")
                    continue
                strategies[str(name)] = tuple(members)

    curve_language = read.text("learning_curve.language")
    if curve_language is not None and curve_language not in (languages_raw or {}):
        read.problems.append(f"learning_curve.language: {curve_language!r} is not in languages")
    sizes_raw = read.get("learning_curve.sizes")
    sizes: list[int] = []
    if sizes_raw is not None:
        if not isinstance(sizes_raw, list) or not sizes_raw:
            read.problems.append(f"learning_curve.sizes: {sizes_raw!r} must be a non-empty list of positive integers")
        else:
            for size in sizes_raw:
                if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
                    read.problems.append(f"learning_curve.sizes: {size!r} is not a positive integer")
                else:
                    sizes.append(size)

    zero_shot = read.text("learning_curve.zero_shot_strategy")
    if zero_shot is not None and strategies_raw and zero_shot not in strategies_raw:
        read.problems.append(f"learning_curve.zero_shot_strategy: {zero_shot!r} is not in strategies")

    dataset = DatasetParams(source=read.text("dataset.source"), revision=read.get("dataset.revision", None))
    model = ModelParams(checkpoint=read.text("model.checkpoint"),
                        max_length=read.number("model.max_length", int, positive=True))
    train = TrainParams(
        epochs=read.number("train.epochs", int, positive=True),
        batch_size=read.number("train.batch_size", int, positive=True),
        eval_batch_size=read.number("train.eval_batch_size", int, positive=True),
        learning_rate=read.number("train.learning_rate", float, positive=True),
        weight_decay=read.number("train.weight_decay", float, minimum=0),
        warmup_ratio=read.number("train.warmup_ratio", float, minimum=0, default=0.0),
        seed=read.number("train.seed", int),
        sampling=read.text("train.sampling"),
        threads=read.number("train.threads", int, minimum=0, default=0),
    )
    if train.warmup_ratio is not None and train.warmup_ratio >= 1:
        read.problems.append(f"train.warmup_ratio: {train.warmup_ratio!r} must be below 1 (a share of all steps)")
    if train.sampling is not None and train.sampling not in SAMPLING_CHOICES:
        read.problems.append(f"train.sampling: {train.sampling!r} is not one of {', '.join(SAMPLING_CHOICES)}")

    for key, source in (("dataset.source", dataset.source), ("model.checkpoint", model.checkpoint)):
        if source is not None and is_local_path(source) and not Path(source).is_dir():
            read.problems.append(f"{key}: folder {source!r} does not exist; expected a local folder or a Hub id")

    report_strategy = read.text("error_report.strategy")
    if report_strategy is not None and strategies_raw and report_strategy not in strategies_raw:
        read.problems.append(f"error_report.strategy: {report_strategy!r} is not in strategies")
    report_language = read.text("error_report.language")
    if report_language is not None and report_language not in (languages_raw or {}):
        read.problems.append(f"error_report.language: {report_language!r} is not in languages")
    report_split = read.text("error_report.split")
    if report_split is not None and report_split not in SPLITS:
        read.problems.append(f"error_report.split: {report_split!r} is not one of {', '.join(SPLITS)}")
    suspect_confidence = read.number("error_report.suspect_confidence", float, minimum=0)
    if suspect_confidence is not None and suspect_confidence > 1:
        read.problems.append(f"error_report.suspect_confidence: {suspect_confidence!r} must be in [0, 1]")
    examples = read.get("examples", {}) or {}
    if not isinstance(examples, dict) or not all(isinstance(v, str) and v.strip() for v in examples.values()):
        read.problems.append(f"examples: {examples!r} must map a language to a non-empty sentence")
        examples = {}
    if curve_language in languages and sizes:
        available = sampled_train_rows(curve_language, languages[curve_language])
        if available is not None and max(sizes) > available:
            read.problems.append(f"learning_curve.sizes: {max(sizes)} is larger than the {available} sentences of "
                                 f"the sampled {curve_language} training split")

    params = Params(
        dataset=dataset,
        languages=languages,
        sample_seed=read.number("sample.seed", int),
        model=model,
        train=train,
        strategies=strategies,
        learning_curve=LearningCurveParams(language=curve_language, sizes=tuple(sizes),
                                           seed=read.number("learning_curve.seed", int),
                                           zero_shot_strategy=zero_shot),
        evaluate=EvaluateParams(batch_size=read.number("evaluate.batch_size", int, positive=True)),
        error_report=ErrorReportParams(
            strategy=report_strategy,
            language=report_language,
            split=report_split,
            top_tokens=read.number("error_report.top_tokens", int, positive=True),
            top_sentences=read.number("error_report.top_sentences", int, positive=True),
            token=read.text("error_report.token"),
            suspect_confidence=suspect_confidence,
            top_suspects=read.number("error_report.top_suspects", int, positive=True),
        ),
        examples=examples,
    )
    if read.problems:
        raise PipelineError(f"{PARAMS_FILE} is invalid:\n" + "\n".join(f"  {p}" for p in read.problems))
    return params


def load_params(path: Path = PARAMS_FILE) -> Params:
    if not path.is_file():
        raise PipelineError(f"{path} not found; run the stage from the repository root")
    with path.open() as handle:
        return parse_params(yaml.safe_load(handle))
