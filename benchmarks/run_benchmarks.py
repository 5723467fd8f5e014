"""Speed of encode, train and evaluate against their baselines, measured in one run on the real German corpus.

    python benchmarks/run_benchmarks.py                 # needs `dvc repro encode` (data/corpus, data/encoded)
    python benchmarks/run_benchmarks.py --repeats 5 --train-steps 60 --f1-check

Each measurement runs in a fresh process (so peak memory is its own), each side --repeats times; the table shows
medians and ratios project / baseline. Results go to benchmarks/results/results.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RESULTS = REPO / "benchmarks" / "results"


def cpu_name() -> str:
    """The CPU as training records name it (`AMD EPYC (family 25, model 17)`): machines of one kind can differ in
    generation, and so in matmul peak and bf16 kernels, which the results must tell apart."""
    from panx_ner.environment import cpu_info, cpu_label

    return cpu_label(cpu_info())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- workers (each runs in its own process)

def encode_worker(side: str, language: str) -> dict:
    import datasets

    datasets.disable_caching()  # no reuse of an earlier process's map() results: every repeat encodes for real
    from panx_ner.artifacts import corpus_dir, load_split
    from panx_ner.encoding import ENCODE_BATCH_SIZE, encode_split
    from panx_ner.params import load_params
    from panx_ner.checkpoints import load_tokenizer

    params = load_params()
    tokenizer = load_tokenizer(params.model.checkpoint)
    dataset = load_split(corpus_dir(language), "train")
    started = time.perf_counter()
    if side == "project":
        encode_split(dataset, tokenizer, params.model.max_length)
    else:  # the floor: the fast tokenizer alone on the same words and batches
        words = dataset["tokens"]
        for start in range(0, len(words), ENCODE_BATCH_SIZE):
            tokenizer(list(words[start:start + ENCODE_BATCH_SIZE]), is_split_into_words=True, truncation=True,
                      max_length=params.model.max_length)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "sentences_per_s": dataset.num_rows / seconds, "peak_rss_mb": peak_rss_mb()}


# The book's setup and each speed lever alone, then all of them (the pipeline's params.yaml): what a train worker
# overrides in params.train, and the build_trainer levers that are not params (trained embedding rows, dropout
# masks), which are on unless a setup turns them off.
TRAINER_LEVERS = ("used_rows_only", "fast_dropout")
BOOK = {"sampling": "random", "packing": False, "precision": "fp32", "used_rows_only": False, "fast_dropout": False}
SETUPS = {
    "book": BOOK,
    "group_by_length": {**BOOK, "sampling": "group_by_length"},
    "packing": {**BOOK, "packing": True},
    "bf16": {**BOOK, "precision": "bf16"},
    "used_rows": {**BOOK, "used_rows_only": True},
    "fast_dropout": {**BOOK, "fast_dropout": True},
    "project": {},  # params.yaml as committed: every lever
}
# A variant is a setup and changes joined by "+" (project+fp32+mega8): one part of a setup changed at a time, to
# find which part moves F1 (benchmarks/f1_levers.py). "meanloss" and "megaK" change panx_ner.training itself, which
# is safe because every worker runs in its own process.
CHANGES = {
    "fp32": "no bf16 autocast", "random": "the book's random batches", "torchdrop": "torch's dropout masks",
    "fullrows": "train the full embedding matrix", "meanloss": "each batch's mean token loss, not per-token weighting",
    "megaK": "length groups of K batches (default: rows / 4 batches, at most 50)", "lrX": "learning rate X",
    "noiseX": "train.length_noise X", "grouped": "length-grouped batches (train.sampling group_by_length)",
    "pack": "packed batches (train.packing true)", "nopack": "padded batches (train.packing false)",
    "tokenclip": "length-grouped batches clipped as their mean loss would be (max_grad_norm times the batch's share "
                 "of labelled sub-words)",
    "live": "DVCLive logging as the train stage logs (the loss at step 1 and every train.log_every_steps steps)",
}


def _change(change: str, train_params, levers: dict):
    from panx_ner import training

    if change == "fp32":
        return train_params.model_copy(update={"precision": "fp32"})
    if change == "random":
        return train_params.model_copy(update={"sampling": "random"})
    if change == "grouped":
        return train_params.model_copy(update={"sampling": "group_by_length"})
    if change in ("pack", "nopack"):
        return train_params.model_copy(update={"packing": change == "pack"})
    if change.startswith("lr"):
        return train_params.model_copy(update={"learning_rate": float(change[2:])})
    if change.startswith("noise"):
        return train_params.model_copy(update={"length_noise": float(change[5:])})
    if change == "live":
        levers["live"] = True
    elif change == "torchdrop":
        levers["fast_dropout"] = False
    elif change == "fullrows":
        levers["used_rows_only"] = False
    elif change == "meanloss":
        training.LengthGroupedTrainer.compute_loss = training.Trainer.compute_loss
    elif change == "tokenclip":
        _clip_by_token_share(training.LengthGroupedTrainer)
    elif change.startswith("mega"):
        grouped, size = training.get_length_grouped_indices, int(change[4:])
        training.get_length_grouped_indices = lambda lengths, batch, generator=None: grouped(
            lengths, batch, mega_batch_mult=size, generator=generator)
    else:
        raise SystemExit(f"unknown change {change!r}; expected one of {', '.join(CHANGES)}")
    return train_params


def _clip_by_token_share(trainer_class) -> None:
    """Clips each length-grouped batch at max_grad_norm times its labelled sub-words over the average per batch.

    The length-grouped loss is the batch's mean token loss times that share, so this clips the mean loss's gradient
    at max_grad_norm, as the book's random batches are clipped, and only then weighs the batch by its share, where
    clipping at max_grad_norm itself would scale every clipped batch to the same norm whatever its size."""
    from panx_ner.tags import IGNORED_LABEL

    compute_loss = trainer_class.compute_loss

    def counting_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
        if model.training:
            self.batch_share = float((inputs["labels"] != IGNORED_LABEL).sum()) / self.tokens_per_batch
        return compute_loss(self, model, inputs, return_outputs, num_items_in_batch)

    def clip(self, model):
        return self.accelerator.clip_grad_norm_(model.parameters(), self.args.max_grad_norm * self.batch_share)

    trainer_class.compute_loss, trainer_class._clip_grad_norm = counting_loss, clip


def _setup(side: str):
    """(params, train params, build_trainer levers, precision) of a setup or variant (`setup+change+...`)."""
    from panx_ner.params import load_params
    from panx_ner.precision import resolve_precision

    base, *changes = side.split("+")
    params = load_params()
    overrides = dict(SETUPS[base])
    levers = {lever: overrides.pop(lever, True) for lever in TRAINER_LEVERS}
    train_params = params.train.model_copy(update=overrides)
    for change in changes:
        train_params = _change(change, train_params, levers)
    return params, train_params, levers, resolve_precision(train_params.precision)


def setup_record(side: str) -> dict:
    """What a setup trains with, logged beside each F1 run: a logged run is reused only while its setup's record is
    unchanged (a change to params.yaml changes what `project` means)."""
    params, train_params, levers, precision = _setup(side)
    train = {name: value for name, value in train_params.model_dump().items()
             if name not in ("seeds", "threads", "processes", "eval_batch_size", "log_every_steps")}  # cannot move F1
    if train["sampling"] == "random":
        del train["length_noise"]  # only grouping uses it
    if not train["packing"]:
        del train["packing"]  # runs logged before packing existed were padded: their records stay equal
    code = [change for change in side.split("+")[1:]
            if change in ("meanloss", "tokenclip") or change.startswith("mega")]
    return {"checkpoint": params.model.checkpoint, **train, "precision": precision, **levers,
            **({"code": code} if code else {})}


def _trainer(side: str, language: str, steps: int, output: str):
    """The pipeline's own Trainer (panx_ner.training.build_trainer) for a fixed number of steps, in one setup."""
    from panx_ner.artifacts import encoded_dir, load_split
    from panx_ner.training import build_trainer

    params, train_params, levers, precision = _setup(side)
    train_set = load_split(encoded_dir(language), "train")
    live_dir = Path(output) / "live" if levers.pop("live", False) else None
    trainer = build_trainer(params.model.checkpoint, train_set, None, train_params, params.released_seed, Path(output),
                            max_steps=steps, live_dir=live_dir, **levers)
    return trainer, precision


def _padding(trainer, limit: int | None) -> tuple[int, int, int]:
    """(real tokens, computed positions, batches) of the trainer's batches, the first `limit` or a whole epoch.

    The length-grouped sampler draws its order from torch's global generator (the Trainer seeds it), so every pass
    over the loader would move it on and training would then see other batches than the ones counted: the pass runs
    on a fork of the generator, and `trainer.train()` afterwards trains the very batches counted here.
    """
    import torch

    real = computed = batches = 0
    with torch.random.fork_rng(devices=[]):
        for batch in trainer.get_train_dataloader():
            ids = batch["input_ids"]  # packed or padded, padding is the pad token
            real += int((ids != trainer.processing_class.pad_token_id).sum())
            computed += ids.numel()
            batches += 1
            if limit and batches == limit:
                break
    return real, computed, batches


def train_worker(side: str, language: str, steps: int) -> dict:
    import tempfile

    from panx_ner.allocator import allocator_in_use

    with tempfile.TemporaryDirectory() as output:
        trainer, precision = _trainer(side, language, steps, output)
        real, computed, _ = _padding(trainer, steps)
        epoch_real, epoch_computed, epoch_batches = _padding(trainer, None)
        started = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "real_tokens_per_s": real / seconds, "padding_share": 1 - real / computed,
            "epoch_padding_share": 1 - epoch_real / epoch_computed,
            # cost follows computed positions (real + padding), so the epoch is projected from positions per second
            "seconds_per_epoch": epoch_computed / (computed / seconds), "epoch_batches": epoch_batches,
            "precision": precision, "malloc": allocator_in_use(), "peak_rss_mb": peak_rss_mb()}


def _book_align_predictions(predictions, label_ids):
    """The book's align_predictions: argmax, then skip -100 positions one by one."""
    import numpy as np

    from panx_ner.tags import PANX

    preds = np.argmax(predictions, axis=2)
    batch_size, seq_len = preds.shape
    labels_list, preds_list = [], []
    for batch_idx in range(batch_size):
        example_labels, example_preds = [], []
        for seq_idx in range(seq_len):
            if label_ids[batch_idx, seq_idx] != -100:
                example_labels.append(PANX.id2tag[label_ids[batch_idx][seq_idx]])
                example_preds.append(PANX.id2tag[preds[batch_idx][seq_idx]])
        labels_list.append(example_labels)
        preds_list.append(example_preds)
    return preds_list, labels_list


def evaluate_worker(side: str, model_path: str, language: str, sentences: int, precision: str = "auto") -> dict:
    from seqeval.metrics import f1_score

    from panx_ner.artifacts import encoded_dir, load_split
    from panx_ner.checkpoints import load_trained
    from panx_ner.inference import predict_label_ids
    from panx_ner.params import load_params
    from panx_ner.precision import resolve_precision, uses_cpu
    from panx_ner.scoring import align_predictions
    from panx_ner.tags import TagSet
    from panx_ner.trainsets import MODEL_COLUMNS

    params = load_params()
    # project: the pipeline's precision; book: Trainer.predict in fp32; reference: Trainer.predict in the
    # pipeline's precision (the F1 the project's must equal)
    # (--precision fp32 forces fp32 on every side)
    precision = resolve_precision(params.train.precision if precision == "auto" else precision) \
        if side in ("project", "reference") else "fp32"
    model, tokenizer = load_trained(Path(model_path))
    dataset = load_split(encoded_dir(language), "test")
    dataset = dataset.select(range(min(sentences, dataset.num_rows))).select_columns(MODEL_COLUMNS)
    # read every weight before the clock starts: safetensors load memory-mapped, so a model folder not yet in the
    # page cache would charge its disk reads to the first forward pass of whichever side runs first
    checksum = sum(float(parameter.detach().float().sum()) for parameter in model.parameters())
    started = time.perf_counter()
    if side == "project":
        predicted = predict_label_ids(model, dataset["input_ids"], params.evaluate.batch_size, tokenizer.pad_token_id,
                                      precision=precision)
        predicted_tags, gold_tags = align_predictions(predicted, dataset["labels"],
                                                      TagSet.from_id2label(model.config.id2label))
    else:
        import tempfile

        from transformers import DataCollatorForTokenClassification, Trainer, TrainingArguments

        with tempfile.TemporaryDirectory() as output:
            trainer = Trainer(model=model, args=TrainingArguments(
                output_dir=output, per_device_eval_batch_size=params.train.batch_size, report_to="none",
                disable_tqdm=True, log_level="error", bf16_full_eval=False, bf16=precision == "bf16",
                use_cpu=uses_cpu(precision)),
                data_collator=DataCollatorForTokenClassification(tokenizer), processing_class=tokenizer)
            output_ = trainer.predict(dataset)
            predicted_tags, gold_tags = _book_align_predictions(output_.predictions, output_.label_ids)
    f1 = f1_score(gold_tags, predicted_tags)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "sentences_per_s": dataset.num_rows / seconds, "f1": f1, "precision": precision,
            "peak_rss_mb": peak_rss_mb(), "weights_checksum": checksum}


def f1_check_worker(side: str, language: str, size: int, seed: int) -> dict:
    """Full training (3 epochs, best epoch) on `size` sentences of a language (0: the whole split) in one setup:
    validation F1 of the best epoch."""
    import tempfile

    from panx_ner.artifacts import encoded_dir, load_split
    from panx_ner.training import train_model
    from panx_ner.trainsets import first_rows

    params, train_params, levers, precision = _setup(side)
    source = encoded_dir(language)
    train_set = load_split(source, "train")
    if size:
        train_set = first_rows(train_set, size, params.learning_curve.seed, str(source))
    with tempfile.TemporaryDirectory() as output:
        live_dir = Path(output) / "live" if levers.pop("live", False) else None
        result = train_model(params.model.checkpoint, train_set, load_split(source, "validation"), train_params, seed,
                             Path(output) / "model", f"benchmark-{side}-{language}-{size}-{seed}", live_dir=live_dir,
                             **levers)
    return {"seconds": result.train_seconds, "validation_f1": result.best_validation_f1, "precision": precision,
            "best_epoch": result.best_epoch, "peak_rss_mb": peak_rss_mb()}


def floor_worker(side: str, size: int) -> dict:
    """The matmul peak of the cores (GFLOP/s) in fp32 (side 'fp32') or under bf16 autocast (side 'bf16')."""
    import torch

    a, b = torch.randn(size, size), torch.randn(size, size)
    context = torch.autocast("cpu", dtype=torch.bfloat16) if side == "bf16" else torch.no_grad()
    with context:
        torch.mm(a, b)
        started, runs = time.perf_counter(), 0
        while time.perf_counter() - started < 3:
            torch.mm(a, b)
            runs += 1
    seconds = time.perf_counter() - started
    return {"gflops": 2 * size ** 3 * runs / seconds / 1e9, "peak_rss_mb": peak_rss_mb()}


WORKERS = {"encode": encode_worker, "train": train_worker, "evaluate": evaluate_worker, "f1_check": f1_check_worker,
           "floor": floor_worker}


# ---------------------------------------------------------------- driver

def _worker(kind: str, side: str, script: str, arguments: dict) -> list[str]:
    return [sys.executable, script, "--worker", kind, "--side", side, "--arguments", json.dumps(arguments)]


def _answer(kind: str, side: str, returncode: int, stdout: str, stderr: str) -> dict:
    if returncode != 0:
        raise SystemExit(f"{kind}/{side} failed:\n{stderr[-3000:]}")
    return json.loads(stdout.strip().splitlines()[-1])


def measure(kind: str, side: str, repeats: int, script: str = __file__, environment: dict | None = None,
            **arguments) -> list[dict]:
    """`repeats` runs of a worker, each in a fresh process: `script --worker kind --side side --arguments {json}`
    (this file's WORKERS, or another benchmark script's that answers the same way), with `environment` added."""
    runs = []
    for _ in range(repeats):
        done = subprocess.run(_worker(kind, side, script, arguments), cwd=REPO, capture_output=True, text=True,
                              env={**os.environ, **environment} if environment else None)
        runs.append(_answer(kind, side, done.returncode, done.stdout, done.stderr))
        print(f"  {kind:9} {side:8} {runs[-1]}", file=sys.stderr)
    return runs


def measure_side_by_side(kind: str, side: str, repeats: int, copies: int, environment: dict | None = None,
                         **arguments) -> list[dict]:
    """`repeats` runs of `copies` workers started together, each with cores / copies threads, as
    panx_ner.parallel_repro runs stages. A run's tokens/s and peak RSS are the sums over its copies (their timed
    windows nearly coincide: the same work, started together). `environment` is added to each copy's."""
    from panx_ner.parallel_repro import THREAD_VARIABLES, cpu_cores

    threads = str(max(1, cpu_cores() // copies))
    environment = {**os.environ, **(environment or {}), **{variable: threads for variable in THREAD_VARIABLES}}
    runs = []
    for _ in range(repeats):
        # output to files, not pipes: a copy blocked on a full pipe would slow down while the other runs
        outputs = [(tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+")) for _ in range(copies)]
        processes = [subprocess.Popen(_worker(kind, side, __file__, arguments), cwd=REPO, stdout=stdout,
                                      stderr=stderr, text=True, env=environment) for stdout, stderr in outputs]
        answers = []
        for process, files in zip(processes, outputs):
            process.wait()
            stdout, stderr = (file.seek(0) or file.read() for file in files)
            answers.append(_answer(kind, side, process.returncode, stdout, stderr))
        runs.append({"real_tokens_per_s": sum(answer["real_tokens_per_s"] for answer in answers),
                     "peak_rss_mb": sum(answer["peak_rss_mb"] for answer in answers), "copies": answers})
        print(f"  {kind:9} {side:8} x{copies} {runs[-1]['real_tokens_per_s']:.0f} tokens/s", file=sys.stderr)
    return runs


def in_rounds(repeats: int, measurements: dict[str, Callable[[], dict]]) -> dict[str, list[dict]]:
    """`repeats` rounds, each taking every measurement once in turn: where the machine's speed drifts while the
    benchmark runs (this one's moves from run to run), it moves every side alike instead of the ones measured last."""
    runs = {name: [] for name in measurements}
    for _ in range(repeats):
        for name, take in measurements.items():
            runs[name].append(take())
    return runs


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


F1_SETS = ("fr-1000", "it-all")  # language-training sentences ("all": the whole sampled split)
F1_SEEDS = (42, 1, 2)
F1_TOLERANCE = 0.003  # the project's mean F1 may be at most 0.3 points below the book setup's
LEVERS = ("group_by_length", "packing", "bf16", "used_rows", "fast_dropout", "project")
GROUPED = "grouped+nopack"  # the changes that turn the project's packed random batches into length-grouped ones
NON_EMBEDDING_PARAMETERS = 21.2e6  # 12 layers x (4 x 384^2 + 2 x 384 x 1536) of the stand-in encoder


def fp32_only(requested: str) -> bool:
    """Whether the speed report runs every setup in fp32: asked for (--precision fp32), or the machine has no bf16."""
    from panx_ner.precision import bf16_device

    return requested == "fp32" or bf16_device() is None


def speed_report(args) -> tuple[dict, list[str]]:
    """The speed table. With args.precision fp32 (main sets it on a CPU without bf16) every setup trains in fp32,
    the bf16 lever is left out and training is measured against the fp32 floor alone."""
    fp32 = args.precision == "fp32"

    def at(setup: str) -> str:  # the setup as this report runs it (the book's setup is fp32 already)
        return f"{setup}+fp32" if fp32 and setup != "book" else setup

    levers = tuple(lever for lever in LEVERS if not (fp32 and lever == "bf16"))
    rows = []
    encode = {side: measure("encode", side, args.repeats, language=args.language) for side in ("project", "floor")}
    rows.append(("encode: sentences/s (project vs raw tokenizer call)", median(encode["project"], "sentences_per_s"),
                 median(encode["floor"], "sentences_per_s"), encode))
    floor = {side: measure("floor", side, 1, size=2048)[0]["gflops"]
             for side in (("fp32",) if fp32 else ("fp32", "bf16"))}
    from panx_ner.allocator import tcmalloc_environment

    # The project's trainings run as the train stage runs them: under tcmalloc where it is installed
    # (panx_ner/allocator.py). The book setup and the other levers run on the system's malloc; the tcmalloc row is
    # the book setup under tcmalloc.
    stage_malloc = tcmalloc_environment()
    sides = {side: (at(side), stage_malloc if side == "project" else {}) for side in ("book", *levers)}
    # the other way to less padding, with every other lever: length-grouped padded batches instead of packed ones
    sides["project_grouped"] = (f"{at('project')}+{GROUPED}", stage_malloc)
    sides["project_live"] = (f"{at('project')}+live", stage_malloc)  # as the train stage runs: with DVCLive logging
    if stage_malloc:
        sides |= {"tcmalloc": ("book", stage_malloc), "project_system_malloc": (at("project"), {})}
    train = in_rounds(args.repeats, {
        **{name: lambda setup=setup, environment=environment: measure(
            "train", setup, 1, environment=environment, language=args.language, steps=args.train_steps)[0]
           for name, (setup, environment) in sides.items()},
        "side_by_side": lambda: measure_side_by_side("train", at("project"), 1, 2, environment=stage_malloc,
                                                     language=args.language, steps=args.train_steps)[0]})
    book = median(train["book"], "real_tokens_per_s")
    for side in (*levers[:-1], *(("tcmalloc",) if stage_malloc else ()), levers[-1]):
        what = "all levers (params.yaml)" if side == "project" else f"{side} alone"
        what += ", all fp32" if fp32 else ""
        rows.append((f"train: real tokens/s, {what} vs book setup", median(train[side], "real_tokens_per_s"), book,
                     {side: train[side], "book": train["book"]}))
    if stage_malloc:
        rows.append(("train: real tokens/s, all levers under tcmalloc vs the system's malloc",
                     median(train["project"], "real_tokens_per_s"),
                     median(train["project_system_malloc"], "real_tokens_per_s"),
                     {"project": train["project"], "project_system_malloc": train["project_system_malloc"]}))
    rows.append(("train: real tokens/s, all levers vs the same with length-grouped batches instead of packed ones",
                 median(train["project"], "real_tokens_per_s"), median(train["project_grouped"], "real_tokens_per_s"),
                 {"project": train["project"], "project_grouped": train["project_grouped"]}))
    rows.append(("train: real tokens/s, all levers with DVCLive logging (train.log_every_steps) vs without",
                 median(train["project_live"], "real_tokens_per_s"), median(train["project"], "real_tokens_per_s"),
                 {"project_live": train["project_live"], "project": train["project"]}))
    rows.append(("train: real tokens/s, 2 trainings side by side (parallel_repro --jobs 2) vs 1 with all cores",
                 median(train["side_by_side"], "real_tokens_per_s"), median(train["project"], "real_tokens_per_s"),
                 {"side_by_side": train["side_by_side"], "project": train["project"]}))
    from panx_ner.artifacts import model_dir
    from panx_ner.params import load_params

    eval_model = args.eval_model or str(model_dir("de", load_params().released_seed))
    evaluate = {}
    if not args.no_evaluate:
        evaluation = {"model_path": eval_model, "language": args.language, "sentences": args.eval_sentences,
                      "precision": "fp32" if fp32 else "auto"}
        evaluate = in_rounds(args.repeats, {side: lambda side=side: measure("evaluate", side, 1, **evaluation)[0]
                                            for side in ("project", "book")})
        evaluate["reference"] = measure("evaluate", "reference", 1, **evaluation)
        rows.append(("evaluate: sentences/s (project vs Trainer.predict + align_predictions)",
                     median(evaluate["project"], "sentences_per_s"), median(evaluate["book"], "sentences_per_s"),
                     {"project": evaluate["project"], "book": evaluate["book"]}))
    cpu = cpu_name()  # every row names the machine it was measured on
    results = [{"what": what, "project": project, "baseline": baseline, "ratio": project / baseline, "cpu": cpu,
                "runs": runs} for what, project, baseline, runs in rows]
    lines = ["| what | project (median) | baseline (median) | ratio | peak RSS MB project / baseline |",
             "|---|---|---|---|---|"]
    for entry in results:
        memory = " / ".join(f"{median(runs, 'peak_rss_mb'):.0f}" for runs in entry["runs"].values())
        lines.append(f"| {entry['what']} | {entry['project']:.1f} | {entry['baseline']:.1f} | "
                     f"{entry['ratio']:.2f}x | {memory} |")
    # the floor: the matmul peak spent only on the 6 x N FLOPs per token of a training step (forward 2N, backward 4N)
    floors = {precision: gflops * 1e9 / (6 * NON_EMBEDDING_PARAMETERS) for precision, gflops in floor.items()}
    project_precision = train["project"][0]["precision"]
    project, book_padding = median(train["project"], "real_tokens_per_s"), median(train["book"], "padding_share")
    peaks = " = ".join([", ".join(f"{side} {gflops:.0f} GFLOP/s" for side, gflops in floor.items()),
                        " / ".join(f"{tokens:.0f}" for tokens in floors.values())])
    lines += ["", f"Floor: matmul peak of the cores (2048 x 2048 torch.mm, 3 s) {peaks} real tokens/s at "
              f"6 x {NON_EMBEDDING_PARAMETERS / 1e6:.1f}M FLOPs per token. Project training ({project_precision}, "
              f"{train['project'][0]['malloc']} malloc) "
              f"moves {project:.0f} real tokens/s = {project / floors[project_precision]:.0%} of its precision's floor; "
              f"book setup (fp32) {book:.0f} = {book / floors['fp32']:.0%}.",
              f"Training, {args.train_steps} steps: padding share project "
              f"{median(train['project'], 'padding_share'):.1%} vs book {book_padding:.1%}; seconds per epoch "
              f"project {median(train['project'], 'seconds_per_epoch'):.0f} vs book "
              f"{median(train['book'], 'seconds_per_epoch'):.0f}."]
    if evaluate:
        lines.append(f"Evaluation F1 on the same sentences: project ({evaluate['project'][0]['precision']}) "
                     f"{median(evaluate['project'], 'f1'):.4f}, Trainer.predict at the same precision "
                     f"{evaluate['reference'][0]['f1']:.4f}, Trainer.predict fp32 (book) "
                     f"{median(evaluate['book'], 'f1'):.4f}.")
    return {"results": results, "floor_gflops": floor, "floor_tokens_per_s": floors, "fp32_only": fp32,
            "evaluate_reference": evaluate.get("reference")}, lines


def logging_cost_report(args) -> tuple[dict, list[str]]:
    """The DVCLive row alone, with more steps and repeats than the whole benchmark can afford: training with the
    train stage's logging against the same training without it, in alternating rounds."""
    from panx_ner.allocator import tcmalloc_environment

    stage_malloc = tcmalloc_environment()
    sides = {"project": "project", "project_live": "project+live"}
    train = in_rounds(args.repeats, {name: lambda setup=setup: measure(
        "train", setup, 1, environment=stage_malloc, language=args.language, steps=args.train_steps)[0]
        for name, setup in sides.items()})
    plain, live = (median(train[name], "real_tokens_per_s") for name in sides)
    cost = 1 - live / plain
    each = {name: ", ".join(f"{run['real_tokens_per_s']:.0f}" for run in runs) for name, runs in train.items()}
    lines = ["| what | with DVCLive (median) | without (median) | ratio | cost | tokens/s per run, with / without |",
             "|---|---|---|---|---|---|",
             f"| train: real tokens/s, {args.train_steps} steps, the loss logged every train.log_every_steps steps | "
             f"{live:.1f} | {plain:.1f} | {live / plain:.3f}x | {cost:.1%} | "
             f"{each['project_live']} / {each['project']} |"]
    measured = {"with_dvclive": live, "without": plain, "cost": cost, "cpu": cpu_name(), "runs": train}
    return {"logging_cost": measured}, lines


F1_RUNS = RESULTS / "f1_runs.jsonl"  # every F1-check run, appended: `--f1-reuse book` takes runs from here


def logged_f1_runs() -> list[dict]:
    return [json.loads(line) for line in F1_RUNS.read_text().splitlines()] if F1_RUNS.is_file() else []


def f1_run(side: str, language: str, size: int, seed: int, reuse: set[str], by_setup: bool = True) -> dict:
    """One F1-check training of a setup, or, where `side` is in `reuse`, a logged run of the same training: the same
    set, seed and setup record, whatever the run was called when it was logged (`project+random+pack` logged before
    params.yaml switched to packed random batches is the `project` of after), or with `by_setup` false only a run
    logged under the name `side` (benchmarks/f1_levers.py reports runs by the names they were logged under)."""
    key = {"side": side, "language": language, "size": size, "seed": seed, "setup": setup_record(side)}
    if side in reuse:
        match = {name: value for name, value in key.items() if not (by_setup and name == "side")}
        earlier = [row for row in logged_f1_runs() if all(row.get(name) == value for name, value in match.items())]
        if earlier:
            print(f"  f1_check  {side:8} {f1_set_name(language, size)} seed {seed}: reused from {F1_RUNS.name} "
                  f"({earlier[-1]['side']})", file=sys.stderr)
            return earlier[-1]["result"]
    result = measure("f1_check", side, 1, language=language, size=size, seed=seed)[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    with F1_RUNS.open("a") as log:
        log.write(json.dumps({**key, "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                              "cpu": cpu_name(), "result": result}) + "\n")
    return result


def f1_set(name: str) -> tuple[str, int]:
    """(language, training sentences; 0 = all) of an F1 training set named like fr-1000, it-all or it (all)."""
    language, _, size = name.partition("-")
    if not language or not (size in ("", "all") or size.isdigit()):
        raise SystemExit(f"F1 training set {name!r}: expected <language>-<sentences> or <language>-all, e.g. fr-1000")
    return language, int(size) if size.isdigit() else 0


def f1_set_name(language: str, size: int) -> str:
    return f"{language}-{size or 'all'}"


def f1_report(reuse: set[str], sets=F1_SETS, seeds=F1_SEEDS, set_seeds: dict | None = None) -> tuple[dict, list[str]]:
    """Project vs book setup on each training set, over `seeds` or the set's own seeds in `set_seeds`."""
    seeds_of = {name: tuple((set_seeds or {}).get(name, seeds)) for name in sets}
    runs = {name: {side: [f1_run(side, *f1_set(name), seed, reuse) for seed in seeds_of[name]]
                   for side in ("project", "book")} for name in sets}
    lines = ["F1 check: validation F1 after full training (3 epochs, best epoch); project = params.yaml, book = random "
             "batches, fp32, full embedding matrix, torch's dropout masks.", "",
             "| training set | seeds | project F1 per seed | mean | book F1 per seed | mean | difference ± s.e. | "
             "median seconds project / book |", "|---|---|---|---|---|---|---|---|"]
    report = {}
    for name, sides in runs.items():
        means = {side: statistics.mean(run["validation_f1"] for run in sides[side]) for side in sides}
        # standard error of the difference of the two means, from each side's spread over its seeds
        error = sum(statistics.variance(run["validation_f1"] for run in sides[side]) / len(sides[side])
                    for side in sides) ** 0.5 if len(seeds_of[name]) > 1 else float("nan")
        # median: a run that shared the cores with other work is slower, never faster
        seconds = {side: statistics.median(run["seconds"] for run in sides[side]) for side in sides}
        report[name] = {"seeds": list(seeds_of[name]), "runs": sides, "mean_f1": means, "median_seconds": seconds,
                        "difference_standard_error": error,
                        "passes": means["project"] >= means["book"] - F1_TOLERANCE}
        per_seed = {side: ", ".join(f"{run['validation_f1']:.4f}" for run in sides[side]) for side in sides}
        lines.append(f"| {name} | {seed_list(seeds_of[name])} | {per_seed['project']} | {means['project']:.4f} | "
                     f"{per_seed['book']} | {means['book']:.4f} | {means['project'] - means['book']:+.4f} ± "
                     f"{error:.4f} | {seconds['project']:.0f} / {seconds['book']:.0f} |")
    return report, lines


def parse_seeds(text: str) -> tuple[int, ...]:
    """Seeds as the command line gives them: 42,1,2 or ranges, 42,1-39."""
    seeds: list[int] = []
    try:
        for part in text.split(","):
            first, dash, last = part.partition("-") if "-" in part[1:] else (part, "", "")  # "-5" is a seed
            seeds.extend(range(int(first), int(last) + 1) if dash else [int(first)])
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected seeds like 42,1,2 or 42,1-39") from None
    return tuple(seeds)


def seed_list(seeds: tuple[int, ...]) -> str:
    """`seeds` written back as parse_seeds reads them, runs of consecutive seeds as ranges: 42, 1–39."""
    parts: list[list[int]] = []
    for seed in seeds:
        if parts and seed == parts[-1][-1] + 1:
            parts[-1].append(seed)
        else:
            parts.append([seed])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)) for run in parts)


def set_and_seeds(text: str) -> tuple[str, tuple[int, ...]]:
    name, equals, seeds = text.partition("=")
    if not equals:
        raise argparse.ArgumentTypeError(f"{text!r}: expected SET=SEEDS, e.g. fr-1000=42,1-39")
    return name, parse_seeds(seeds)


def study_times(log: Path) -> dict:
    """Stage wall times from a `dvc repro` log whose lines start with a Unix time (benchmarks/time_study.sh)."""
    import re

    stamped = [line.split(" ", 1) for line in log.read_text().splitlines() if " " in line]
    starts = [(int(stamp), match.group(1)) for stamp, text in stamped
              if (match := re.match(r"Running stage '([^']+)'", text))]
    if not starts:
        raise SystemExit(f"{log}: no \"Running stage\" lines: not a dvc repro log")
    end = int(stamped[-1][0])
    stages = {name: following - started
              for (started, name), (following, _) in zip(starts, [*starts[1:], (end, "")])}
    return {"what": "full study: dvc repro from a fresh clone", "seconds": end - starts[0][0],
            "stage_seconds": stages}


def parallel_study_times(times: Path) -> dict:
    """The full-study row from panx_ner.parallel_repro's --times file: its own wall time and stage times (the stages
    overlap, so a stage's time is its own wall time, not the gap to the next start)."""
    ran = json.loads(times.read_text())
    return {"what": f"full study: python -m panx_ner.parallel_repro --jobs {ran['jobs']} from a fresh clone",
            "seconds": round(ran["seconds"]), "jobs": ran["jobs"], "threads_per_stage": ran["threads"],
            "stage_seconds": {name: round(seconds) for name, seconds in ran["stage_seconds"].items()},
            "stage_start": ran["stage_start"]}


def record_study(log: Path, times: Path | None = None) -> None:
    """Adds (or replaces) the full-study row of its kind, CPU and batches, with the cores' matmul peak measured right
    after the study: this machine's speed moves from day to day, and the peak says how fast it was when the study
    ran."""
    from panx_ner.params import load_params

    row = parallel_study_times(times) if times else study_times(log)
    row["cpu"] = cpu_name()
    train = load_params().train  # the batches are what moved the study's time most: rows of both kinds are kept
    row["batches"] = {"sampling": train.sampling, "packing": train.packing}
    row["floor_gflops_after"] = {side: round(measure("floor", side, 1, size=2048)[0]["gflops"])
                                 for side in ("fp32", "bf16")}
    path = RESULTS / "results.json"
    report = json.loads(path.read_text()) if path.is_file() else {}
    same = ("what", "cpu", "batches")
    report["full_study"] = [*(kept for kept in report.get("full_study", [])
                            if [kept.get(key) for key in same] != [row[key] for key in same]), row]
    path.write_text(json.dumps(report, indent=2) + "\n")
    training = sum(seconds for stage, seconds in row["stage_seconds"].items() if stage.startswith("train"))
    print(f"{row['what']}: {row['seconds']} s ({row['seconds'] / 60:.1f} min), training stages {training} s; "
          f"matmul peak after it {row['floor_gflops_after']} GFLOP/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--language", default="de")
    parser.add_argument("--train-steps", type=int, default=40)
    parser.add_argument("--eval-sentences", type=int, default=2000)
    parser.add_argument("--eval-model", help="a trained model folder; default: the first seed's de model")
    parser.add_argument("--no-evaluate", action="store_true", help="training rows only (no trained model needed)")
    parser.add_argument("--precision", choices=["auto", "fp32"], default="auto",
                        help="fp32: every setup in fp32 against the fp32 floor (the default on a CPU without bf16); "
                             "results-fp32.{md,json}")
    parser.add_argument("--f1-check", action="store_true",
                        help="only the F1 check: full trainings of --f1-sets with --f1-seeds, project vs book setup "
                             "(results/f1_check.*)")
    parser.add_argument("--f1-sets", type=lambda text: tuple(text.split(",")), default=F1_SETS,
                        help=f"the F1 check's training sets (default {','.join(F1_SETS)})")
    parser.add_argument("--f1-seeds", type=parse_seeds, default=F1_SEEDS,
                        help=f"the F1 check's seeds, e.g. 42,1-7 (default {','.join(map(str, F1_SEEDS))})")
    parser.add_argument("--f1-set-seeds", type=set_and_seeds, action="append", default=[],
                        help="one training set's own seeds instead of --f1-seeds, e.g. fr-1000=42,1-39 (repeatable)")
    parser.add_argument("--f1-reuse", action="append", default=[], choices=["project", "book"],
                        help=f"in the F1 check, take this side's runs from {F1_RUNS.name} where it has them (the book "
                             f"side does not change with the project's training levers)")
    parser.add_argument("--logging-cost", action="store_true",
                        help="only the DVCLive row: training with and without the train stage's logging, --repeats "
                             "rounds of --train-steps steps (results/logging_cost.*)")
    parser.add_argument("--study-log", type=Path, help="add the full-study row from a time-stamped dvc repro log")
    parser.add_argument("--study-times", type=Path,
                        help="with --study-log of a parallel run: the stage times panx_ner.parallel_repro wrote")
    parser.add_argument("--worker", choices=list(WORKERS))
    parser.add_argument("--side")
    parser.add_argument("--arguments", default="{}")
    args = parser.parse_args()
    if not args.worker and fp32_only(args.precision):
        args.precision = "fp32"  # decided once, and recorded so in the report's settings
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.side, **json.loads(args.arguments))))
        return
    if args.study_log:
        record_study(args.study_log, args.study_times)
        return

    import torch

    report = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, {cpu_name()}",
        "command": " ".join(["python", "benchmarks/run_benchmarks.py", *sys.argv[1:]]),
        "settings": vars(args),
    }
    name = "f1_check" if args.f1_check else "logging_cost" if args.logging_cost else \
        "results-fp32" if args.precision == "fp32" else "results"
    if args.logging_cost:
        measured, lines = logging_cost_report(args)
        report.update(measured)
    elif args.f1_check:
        report["f1_check"], lines = f1_report(set(args.f1_reuse), args.f1_sets, args.f1_seeds,
                                                 dict(args.f1_set_seeds))
    else:
        measured, lines = speed_report(args)
        report.update(measured)
        previous = RESULTS / "results.json"
        # the full-study rows are measured by benchmarks/time_study.sh, not here: keep them (in results.json only)
        if name == "results" and previous.is_file():
            report["full_study"] = json.loads(previous.read_text()).get("full_study", [])
    lines = [f"# Benchmark ({report['date']}, {report['machine']})", "", f"`{report['command']}`", "", *lines]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2) + "\n")
    (RESULTS / f"{name}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
