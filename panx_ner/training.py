"""Fine-tuning a token-classification model with the transformers Trainer, keeping the best epoch."""

from __future__ import annotations

import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from datasets import Dataset
from transformers import (
    AutoModelForTokenClassification,
    DataCollatorForTokenClassification,
    Trainer,
    TrainingArguments,
    set_seed,
)
from transformers.trainer_pt_utils import LengthGroupedSampler, get_length_grouped_indices
from transformers.trainer_utils import get_last_checkpoint

from panx_ner.artifacts import atomic_path, flat_name, write_json
from panx_ner.checkpoints import drop_load_time_keys, load_tokenizer
from panx_ner.dropout import use_fast_dropout
from panx_ner.embedding_rows import restore_full_rows, train_used_rows_only, used_token_ids
from panx_ner.environment import training_environment
from panx_ner.errors import PipelineError
from panx_ner.launch import launched_processes
from panx_ner.packing import PackingCollator, check_packing, first_position_id
from panx_ner.params import TrainParams
from panx_ner.precision import resolve_precision, uses_cpu
from panx_ner.scoring import TrainerF1, argmax_logits
from panx_ner.tags import IGNORED_LABEL, load_tag_set, tag_set_of
from panx_ner.training_log import TrainingLog
from panx_ner.trainsets import MODEL_COLUMNS

CHECKPOINTS = Path("checkpoints")  # per-epoch Trainer checkpoints while a run is in progress (git- and dvc-ignored)


@dataclass(frozen=True)
class TrainingResult:
    best_epoch: int
    best_validation_f1: float
    train_seconds: float
    precision: str  # what ran: bf16 or fp32 (train.precision auto resolves to one of them on each machine)
    processes: int  # data-parallel processes (torchrun / accelerate launch); 1 for a plain run
    environment: dict  # where it was trained (panx_ner/environment.py)


def sorted_by_length(dataset: Dataset) -> Dataset:
    """Evaluation runs batches in order: sorted rows make each batch nearly padding-free; metrics don't change."""
    lengths = [len(ids) for ids in dataset["input_ids"]]
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    return dataset.select(order).flatten_indices()


def best_epoch(log_history: list[dict]) -> tuple[int, float]:
    """(epoch, validation F1) of the best validation in the Trainer's log: the epoch load_best_model_at_end kept."""
    best = max((entry for entry in log_history if "eval_f1" in entry), key=lambda entry: entry["eval_f1"])
    return int(round(best["epoch"])), round(float(best["eval_f1"]), 4)


def write_training_record(path: Path, result: TrainingResult) -> None:
    """The best epoch, the training time and where it ran, as JSON (the per-step and per-epoch values are in the
    training's DVCLive folder)."""
    write_json(path, {
        "best_epoch": result.best_epoch,
        "best_validation_f1": result.best_validation_f1,
        "train_seconds": round(result.train_seconds, 1),
        "precision": result.precision,
        "processes": result.processes,
        "environment": result.environment,
    })


class ShuffledLengthGroupedSampler(LengthGroupedSampler):
    """Length-grouped batches, served in random order.

    transformers' grouping sorts each mega-batch (50 batches) by length and serves its batches from the longest to
    the shortest, so consecutive steps sweep from long sentences down to one-word fragments, mega-batch after
    mega-batch. Shuffling the order of the (full) batches keeps the padding saving and gives every step a random
    length, as random batches do. The short last batch stays last: the DataLoader cuts batches from the index
    stream in order, so a short batch anywhere else would shift every batch after it.
    """

    def __init__(self, *args, length_noise: float = 0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.length_noise = length_noise

    def __iter__(self):
        indices = get_length_grouped_indices(self._noisy_lengths(), self.batch_size, generator=self.generator)
        batches = [indices[start:start + self.batch_size] for start in range(0, len(indices), self.batch_size)]
        last = [batches.pop()] if len(batches[-1]) < self.batch_size else []
        order = torch.randperm(len(batches), generator=self.generator).tolist()
        return iter([index for batch in [*(batches[i] for i in order), *last] for index in batch])

    def _noisy_lengths(self) -> list[float]:
        """Each length times a factor drawn from [1 - noise, 1 + noise], anew every epoch.

        Exact grouping fills every batch with sentences of one length, so a step sees only one-word fragments or
        only long sentences, never the mix a random batch has, and F1 pays for it (benchmarks/results/f1_levers.md: about 0.9 points on
        Italian). Noisy lengths group nearby lengths instead (with 0.3, a sentence of 10 sub-words is grouped as
        anything from 7 to 13, anew each epoch), which buys back that F1 for a little of the padding saving.
        """
        if not self.length_noise:
            return self.lengths
        factors = 1 + self.length_noise * (2 * torch.rand(len(self.lengths), generator=self.generator) - 1)
        return [length * float(factor) for length, factor in zip(self.lengths, factors)]


class PackingTrainer(Trainer):
    """Trainer whose training batches go through `train_collator` (packed rows, panx_ner/packing.py) where one is
    given; validation keeps the padding collator, as its predictions are scored sentence by sentence."""

    def __init__(self, *args, train_collator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.train_collator = train_collator

    def get_train_dataloader(self):
        if self.train_collator is None:
            return super().get_train_dataloader()
        padding, self.data_collator = self.data_collator, self.train_collator
        try:
            return super().get_train_dataloader()
        finally:
            self.data_collator = padding


class LengthGroupedTrainer(PackingTrainer):
    """Trainer for length-grouped batches: batches in random order, and a loss that weighs every labelled sub-word
    alike whatever batch it is in.

    The default loss is each batch's mean over its labelled sub-words. With random batches every batch holds about
    the same number of them; with length-grouped batches a batch of 24 one-word sentences holds a tenth of what a
    batch of long ones does, so each of its sub-words would weigh ten times more. Dividing each batch's summed loss
    by the average number of labelled sub-words per batch (a constant of the training set) gives every sub-word the
    weight it has on average under random batches.
    """

    def __init__(self, *args, tokens_per_batch: float, length_noise: float, **kwargs):
        super().__init__(*args, **kwargs)
        self.tokens_per_batch = tokens_per_batch
        self.length_noise = length_noise
        self.loss_is_scaled_for_ga = False

    def _get_train_sampler(self, train_dataset=None):
        dataset = self.train_dataset if train_dataset is None else train_dataset
        return ShuffledLengthGroupedSampler(self.args.train_batch_size * self.args.gradient_accumulation_steps,
                                            lengths=[len(ids) for ids in dataset["input_ids"]],
                                            length_noise=self.length_noise)

    def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if not model.training:  # validation loss stays the per-batch mean, comparable across setups
            return super().compute_loss(model, inputs, return_outputs, num_items_in_batch)
        labels = inputs["labels"]
        outputs = model(**{key: value for key, value in inputs.items() if key != "labels"})
        summed = F.cross_entropy(outputs.logits.flatten(0, 1).float(), labels.flatten(), ignore_index=IGNORED_LABEL,
                                 reduction="sum")
        loss = summed / self.tokens_per_batch
        return (loss, outputs) if return_outputs else loss


def labelled_tokens_per_batch(train_set: Dataset, batch_size: int) -> float:
    labelled = sum(sum(label != IGNORED_LABEL for label in labels) for labels in train_set["labels"])
    return labelled / math.ceil(train_set.num_rows / batch_size)


def build_trainer(checkpoint: str, train_set: Dataset, validation_set: Dataset | None, params: TrainParams,
                  seed: int, output_dir: Path, max_steps: int | None = None, used_rows_only: bool = True,
                  fast_dropout: bool = True, resumable: bool = False, live_dir: Path | None = None) -> Trainer:
    """The Trainer of the train stages (and of the benchmark, so that it measures what `dvc repro` runs).

    With a validation set it evaluates every epoch, keeps a checkpoint per epoch in `output_dir` (weights only,
    unless `resumable`: then optimizer and scheduler state too) and loads the best epoch (validation F1) at the
    end; without one (the benchmark's fixed number of steps) it only trains. `used_rows_only` trains only the
    embedding rows of the token ids in the data (panx_ner/embedding_rows.py); call `restore_full_rows` before saving.
    `fast_dropout` draws dropout masks with a quarter of the random draws (panx_ner/dropout.py). `params.packing`
    packs the training batches into rows of whole sentences (panx_ner/packing.py). With `live_dir`, DVCLive logs the
    training loss every `params.log_every_steps` steps and each validation there (panx_ner/training_log.py).
    """
    if params.threads:
        torch.set_num_threads(params.threads)
    precision = resolve_precision(params.precision)
    processes = launched_processes()
    if params.batch_size % processes:
        raise PipelineError(f"train.batch_size: {params.batch_size} does not split evenly among the {processes} "
                            f"launched processes; expected a multiple of {processes}")
    set_seed(seed)
    tokenizer = load_tokenizer(checkpoint)
    # the training split's ClassLabel names (data/tags.json's, as download wrote them); they travel in the config
    tag_set = tag_set_of(train_set) if "ner_tags" in train_set.column_names else load_tag_set()
    model = AutoModelForTokenClassification.from_pretrained(
        checkpoint, num_labels=len(tag_set.tags), id2label=tag_set.id2tag, label2id=tag_set.tag2id)
    if used_rows_only:
        id_lists = [train_set["input_ids"]] + ([] if validation_set is None else [validation_set["input_ids"]])
        train_used_rows_only(model, used_token_ids(id_lists, always=[tokenizer.pad_token_id]))
    train_collator = None
    if params.packing:
        train_collator = PackingCollator(tokenizer.pad_token_id, first_position_id(model))
        check_packing(model, train_collator, train_set)
    if fast_dropout:
        use_fast_dropout(model)
    per_epoch = "epoch" if validation_set is not None else "no"
    arguments = TrainingArguments(
        output_dir=str(output_dir),
        num_train_epochs=params.epochs,
        max_steps=max_steps or -1,
        per_device_train_batch_size=params.batch_size // processes,  # batch_size is the global batch
        per_device_eval_batch_size=params.eval_batch_size,
        learning_rate=params.learning_rate,
        weight_decay=params.weight_decay,
        warmup_steps=params.warmup_ratio,  # a float below 1 is a share of all steps
        seed=seed,
        data_seed=seed,
        train_sampling_strategy=params.sampling,
        bf16=precision == "bf16",  # autocast in training and in the per-epoch validation
        use_cpu=uses_cpu(precision),  # without it, torchrun's processes on CPU would each train alone
        eval_strategy=per_epoch,
        save_strategy=per_epoch,
        save_only_model=not resumable,  # optimizer state (2 floats per parameter) only when a resume may need it
        logging_strategy="steps" if live_dir is not None else "no",
        logging_steps=params.log_every_steps,
        logging_first_step=True,  # a point at the start, also for trainings shorter than log_every_steps
        ddp_find_unused_parameters=False,  # every parameter takes part in every step
        save_total_limit=1,
        load_best_model_at_end=validation_set is not None,
        metric_for_best_model="f1",
        greater_is_better=True,
        report_to="none",
        disable_tqdm=validation_set is None,
        log_level="warning",
    )
    if arguments.world_size != processes:  # never train a wrong model without a word (halved global batch)
        raise PipelineError(f"train.processes: {processes} processes were launched but the Trainer joined "
                            f"{arguments.world_size} (device {arguments.device.type}); expected {processes}")
    trainer_class, extra = PackingTrainer, {"train_collator": train_collator}
    if params.sampling == "group_by_length":
        trainer_class = LengthGroupedTrainer
        extra |= {"tokens_per_batch": labelled_tokens_per_batch(train_set, params.batch_size // processes),
                  "length_noise": params.length_noise}
    logged_params = {**params.model_dump(mode="json", exclude={"seeds"}), "seed": seed,
                     "world_size": arguments.world_size, "precision_used": precision}
    callbacks = [] if live_dir is None else [TrainingLog(live_dir, logged_params)]
    return trainer_class(
        callbacks=callbacks,
        model=model,
        args=arguments,
        train_dataset=train_set.select_columns(MODEL_COLUMNS),
        eval_dataset=None if validation_set is None else sorted_by_length(validation_set.select_columns(MODEL_COLUMNS)),
        data_collator=DataCollatorForTokenClassification(tokenizer),
        processing_class=tokenizer,
        compute_metrics=TrainerF1(tag_set),
        preprocess_logits_for_metrics=argmax_logits,
        **extra,
    )


def train_model(checkpoint: str, train_set: Dataset, validation_set: Dataset, params: TrainParams, seed: int,
                output_dir: Path, run_name: str, resume: bool = False, used_rows_only: bool = True,
                fast_dropout: bool = True, live_dir: Path | None = None) -> TrainingResult | None:
    """Trains, evaluates on `validation_set` every epoch, and saves the best epoch's model and tokenizer (and with
    `live_dir`, logs to DVCLive there).

    Under torchrun or accelerate launch every process trains on its shard of each batch and validates on its shard
    of the validation set (the Trainer gathers the predictions, so F1 is over the whole set); only the main process
    writes the model and removes the checkpoints, and only it gets a TrainingResult (the others get None).
    """
    checkpoints = CHECKPOINTS / flat_name(run_name)  # one folder per run, removed at the end (no empty parents left)
    trainer = build_trainer(checkpoint, train_set, validation_set, params, seed, checkpoints, resumable=resume,
                            used_rows_only=used_rows_only, fast_dropout=fast_dropout, live_dir=live_dir)
    main_process = trainer.is_world_process_zero()
    if main_process and not resume and checkpoints.exists():
        shutil.rmtree(checkpoints)
    trainer.accelerator.wait_for_everyone()
    resume_from = get_last_checkpoint(str(checkpoints)) if resume and checkpoints.is_dir() else None
    if resume_from and not (Path(resume_from) / "optimizer.pt").is_file():
        resume_from = None  # weights-only checkpoints of a run without PANX_RESUME=1: nothing to resume from
    started = time.perf_counter()
    trainer.train(resume_from_checkpoint=resume_from)
    seconds = time.perf_counter() - started
    restore_full_rows(trainer.model)
    if main_process:
        with atomic_path(output_dir) as temporary:
            trainer.save_model(str(temporary))
            drop_load_time_keys(temporary)
        shutil.rmtree(checkpoints, ignore_errors=True)
    trainer.accelerator.wait_for_everyone()
    if not main_process:
        return None
    epoch, f1 = best_epoch(trainer.state.log_history)
    precision, processes = "bf16" if trainer.args.bf16 else "fp32", trainer.args.world_size
    return TrainingResult(best_epoch=epoch, best_validation_f1=f1, train_seconds=seconds, precision=precision,
                          processes=processes,
                          environment=training_environment(precision, processes, trainer.args.device.type))
