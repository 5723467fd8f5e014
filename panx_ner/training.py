"""Fine-tuning a token-classification model with the transformers Trainer, keeping the best epoch."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import torch
from datasets import Dataset
from transformers import (
    AutoModelForTokenClassification,
    DataCollatorForTokenClassification,
    Trainer,
    TrainingArguments,
    set_seed,
)
from transformers.trainer_utils import get_last_checkpoint

from panx_ner.artifacts import atomic_path, write_csv, write_json
from panx_ner.checkpoints import drop_load_time_keys, load_tokenizer
from panx_ner.params import TrainParams
from panx_ner.scoring import argmax_logits, trainer_f1
from panx_ner.tags import ID2TAG, TAG2ID
from panx_ner.trainsets import MODEL_COLUMNS

CHECKPOINTS = Path("checkpoints")  # per-epoch Trainer checkpoints while a run is in progress (git- and dvc-ignored)


@dataclass(frozen=True)
class TrainingResult:
    best_epoch: int
    best_validation_f1: float
    train_seconds: float
    epochs: list[dict]


def sorted_by_length(dataset: Dataset) -> Dataset:
    """Evaluation runs batches in order: sorted rows make each batch nearly padding-free; metrics don't change."""
    lengths = [len(ids) for ids in dataset["input_ids"]]
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    return dataset.select(order).flatten_indices()


def _epoch_rows(log_history: list[dict]) -> list[dict]:
    rows: dict[int, dict] = {}
    for entry in log_history:
        if "epoch" not in entry:
            continue
        epoch = int(round(entry["epoch"]))
        row = rows.setdefault(epoch, {"epoch": epoch})
        if "loss" in entry:
            row["train_loss"] = round(float(entry["loss"]), 4)
        if "eval_loss" in entry:
            row["validation_loss"] = round(float(entry["eval_loss"]), 4)
        if "eval_f1" in entry:
            row["validation_f1"] = round(float(entry["eval_f1"]), 4)
    return [rows[epoch] for epoch in sorted(rows) if "validation_f1" in rows[epoch]]


def write_training_log(path: Path, result: TrainingResult) -> None:
    """The per-epoch log as CSV at `path`, the best epoch and the training time as JSON beside it."""
    columns = ["epoch", "train_loss", "validation_loss", "validation_f1"]
    write_csv(path, pd.DataFrame(result.epochs, columns=columns))
    write_json(path.with_suffix(".json"), {
        "best_epoch": result.best_epoch,
        "best_validation_f1": result.best_validation_f1,
        "train_seconds": round(result.train_seconds, 1),
    })


def build_trainer(checkpoint: str, train_set: Dataset, validation_set: Dataset | None, params: TrainParams,
                  output_dir: Path, max_steps: int | None = None) -> Trainer:
    """The Trainer of the train stages (and of the benchmark, so that it measures what `dvc repro` runs).

    With a validation set it evaluates every epoch, keeps a checkpoint per epoch in `output_dir` and loads the best
    epoch (validation F1) at the end; without one (the benchmark's fixed number of steps) it only trains.
    """
    if params.threads:
        torch.set_num_threads(params.threads)
    set_seed(params.seed)
    tokenizer = load_tokenizer(checkpoint)
    model = AutoModelForTokenClassification.from_pretrained(
        checkpoint, num_labels=len(ID2TAG), id2label=ID2TAG, label2id=TAG2ID)
    per_epoch = "epoch" if validation_set is not None else "no"
    arguments = TrainingArguments(
        output_dir=str(output_dir),
        num_train_epochs=params.epochs,
        max_steps=max_steps or -1,
        per_device_train_batch_size=params.batch_size,
        per_device_eval_batch_size=params.eval_batch_size,
        learning_rate=params.learning_rate,
        weight_decay=params.weight_decay,
        warmup_steps=params.warmup_ratio,  # a float below 1 is a share of all steps
        seed=params.seed,
        data_seed=params.seed,
        train_sampling_strategy=params.sampling,
        eval_strategy=per_epoch,
        save_strategy=per_epoch,
        logging_strategy=per_epoch,
        save_total_limit=1,
        load_best_model_at_end=validation_set is not None,
        metric_for_best_model="f1",
        greater_is_better=True,
        report_to="none",
        disable_tqdm=validation_set is None,
        log_level="warning",
    )
    return Trainer(
        model=model,
        args=arguments,
        train_dataset=train_set.select_columns(MODEL_COLUMNS),
        eval_dataset=None if validation_set is None else sorted_by_length(validation_set.select_columns(MODEL_COLUMNS)),
        data_collator=DataCollatorForTokenClassification(tokenizer),
        processing_class=tokenizer,
        compute_metrics=trainer_f1,
        preprocess_logits_for_metrics=argmax_logits,
    )


def train_model(checkpoint: str, train_set: Dataset, validation_set: Dataset, params: TrainParams,
                output_dir: Path, run_name: str, resume: bool = False) -> TrainingResult:
    """Trains, evaluates on `validation_set` every epoch, and saves the best epoch's model and tokenizer."""
    checkpoints = CHECKPOINTS / run_name
    if not resume and checkpoints.exists():
        shutil.rmtree(checkpoints)
    trainer = build_trainer(checkpoint, train_set, validation_set, params, checkpoints)
    resume_from = get_last_checkpoint(str(checkpoints)) if resume and checkpoints.is_dir() else None
    started = time.perf_counter()
    trainer.train(resume_from_checkpoint=resume_from)
    seconds = time.perf_counter() - started
    epochs = _epoch_rows(trainer.state.log_history)
    best = max(epochs, key=lambda row: row["validation_f1"])
    with atomic_path(output_dir) as temporary:
        trainer.save_model(str(temporary))
        drop_load_time_keys(temporary)
    shutil.rmtree(checkpoints, ignore_errors=True)
    return TrainingResult(best_epoch=best["epoch"], best_validation_f1=best["validation_f1"],
                          train_seconds=seconds, epochs=epochs)
