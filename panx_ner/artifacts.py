"""Where each stage's artifacts live, and writing them so that an interrupted stage leaves nothing half-done."""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
from pathlib import Path
from typing import Any, Iterator

SPLITS = ("train", "validation", "test")
DATA = Path("data")
MODELS = Path("models")
METRICS = Path("metrics")
PARAMS_CHECKED = DATA / "params-checked.txt"  # written by check_params, on which every other stage depends
DROPPED_FILE = "dropped.json"  # beside the raw splits: what the download stage left out, per split


def raw_dir(language: str) -> Path:
    return DATA / "raw" / language


def reader_file(language: str) -> Path:
    """What download's reader decided (columns, scheme, repaired tags) and the broken text it found, per split."""
    return DATA / "reader" / f"{language}.json"


def corpus_dir(language: str) -> Path:
    return DATA / "corpus" / language


def encoded_dir(language: str) -> Path:
    return DATA / "encoded" / language


def trainset_dir(strategy: str) -> Path:
    return DATA / "trainsets" / strategy


def model_name(strategy: str, seed: int) -> str:
    """One trained model per strategy and seed (train.seeds): models/<strategy>/seed<seed>."""
    return f"{strategy}/seed{seed}"


def model_dir(strategy: str, seed: int) -> Path:
    return MODELS / model_name(strategy, seed)


def curve_name(size: int, seed: int) -> str:
    """A learning-curve model: the first `size` sentences of the curve's language, trained with `seed`."""
    return f"learning_curve/{size}/seed{seed}"


def curve_model_dir(size: int, seed: int) -> Path:
    return MODELS / curve_name(size, seed)


def release_dir(strategy: str) -> Path:
    """A strategy's model with its model card: the folder to hand on (huggingface-cli upload)."""
    return Path("release") / strategy


def flat_name(model_name: str) -> str:
    """de/seed42 -> de-seed42, learning_curve/250 -> learning_curve-250: one file per model in a flat folder."""
    return model_name.replace("/", "-")


# The expensive stages write only DVC-cached outputs (so DVC can restore them from its run-cache); summarize
# publishes their small files under metrics/ for git, `dvc metrics diff` and `dvc plots diff`.
def scores_file(model_name: str) -> Path:
    return DATA / "scores" / f"{flat_name(model_name)}.json"


def training_record_file(model_name: str) -> Path:
    """The best epoch, its validation F1, the training time and where the model was trained."""
    return DATA / "training" / f"{flat_name(model_name)}.json"


def training_live_dir(model_name: str) -> Path:
    """The training's DVCLive folder: metrics.json (last values) and plots/metrics/<metric>.tsv (one row per step)."""
    return DATA / "training" / flat_name(model_name)


def live_metric_file(live_dir: Path, metric: str) -> Path:
    """Where DVCLive writes the history of one metric (`train/loss`, `eval/f1`) in its folder."""
    return Path(live_dir) / "plots" / "metrics" / f"{metric}.tsv"


ERROR_REPORT = DATA / "error_report"
PUBLISHED_SCORES = METRICS / "scores"
PUBLISHED_ERROR_REPORT = METRICS / "errors"


def split_file(folder: Path, split: str) -> Path:
    return folder / f"{split}.parquet"


def load_split(folder: Path, split: str):
    from datasets import Dataset  # imported here: most helpers in this module need no datasets

    return Dataset.from_parquet(str(split_file(folder, split)))


def _temporary_sibling(target: Path) -> Path:
    return target.with_name(f"{target.name}.tmp-{os.getpid()}")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yields a temporary sibling of `target` to write into; it replaces `target` only if the block succeeds.

    A killed or failing stage therefore never leaves a partial file or folder under the name DVC and later
    stages read.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in target.parent.glob(f"{glob.escape(target.name)}.tmp-*"):  # left by a killed earlier run
        _remove(stale)
    temporary = _temporary_sibling(target)
    try:
        yield temporary
        if target.exists() or target.is_symlink():
            _remove(target)
        os.replace(temporary, target)
    finally:
        if temporary.exists():
            _remove(temporary)


def link_tree(source: Path, target: Path) -> None:
    """`target` as a copy of the folder `source` whose files are hard links to the source's (a copy where the file
    system has none): the same bytes without writing them again. Safe for DVC outputs, which DVC replaces and
    removes but never writes in place."""
    def link(source_file: str, target_file: str) -> None:
        try:
            os.link(source_file, target_file)
        except OSError:
            shutil.copy2(source_file, target_file)

    shutil.copytree(source, target, copy_function=link)


def write_json(path: Path, payload: Any) -> None:
    """Stable JSON: keys in the order given, 2-space indent, trailing newline (clean git and dvc diffs)."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def write_text(path: Path, text: str) -> None:
    with atomic_path(path) as temporary:
        temporary.write_text(text)


def write_csv(path: Path, frame, index: bool = False) -> None:
    """A pandas frame as CSV with '\n' line ends: the one way every stage writes CSV."""
    with atomic_path(path) as temporary:
        frame.to_csv(temporary, index=index, lineterminator="\n")


def read_json(path: Path) -> Any:
    return json.loads(Path(path).read_text())
