"""Speed of encode, train and evaluate against their baselines, measured in one run on the real German corpus.

    python benchmarks/run_benchmarks.py                 # needs `dvc repro encode` (data/corpus, data/encoded)
    python benchmarks/run_benchmarks.py --repeats 5 --train-steps 60 --f1-check

Each measurement runs in a fresh process (so peak memory is its own), each side --repeats times; the table shows
medians and ratios project / baseline. Results go to benchmarks/results/results.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RESULTS = REPO / "benchmarks" / "results"
FLOOR_TOKENS_PER_S = 2800  # 2 cores' fp32 matmul peak (~360 GFLOP/s) / (6 x ~21M non-embedding parameters)


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


def _trainer(side: str, language: str, steps: int, output: str):
    """The pipeline's own Trainer (panx_ner.training.build_trainer) for a fixed number of steps; the book side
    differs only in its sampler (random batches)."""
    import dataclasses

    from panx_ner.artifacts import encoded_dir, load_split
    from panx_ner.params import load_params
    from panx_ner.training import build_trainer

    params = load_params()
    train_params = dataclasses.replace(params.train, sampling="random" if side == "book" else params.train.sampling)
    train_set = load_split(encoded_dir(language), "train")
    trainer = build_trainer(params.model.checkpoint, train_set, None, train_params, Path(output), max_steps=steps)
    return trainer, trainer.train_dataset, train_params


def _padding(trainer, limit: int | None) -> tuple[int, int, int]:
    """(real tokens, computed positions, batches) of the trainer's batches, the first `limit` or a whole epoch."""
    real = computed = batches = 0
    for batch in trainer.get_train_dataloader():
        mask = batch["attention_mask"]
        real += int(mask.sum())
        computed += mask.numel()
        batches += 1
        if limit and batches == limit:
            break
    return real, computed, batches


def train_worker(side: str, language: str, steps: int) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as output:
        trainer, train_set, _ = _trainer(side, language, steps, output)
        real, computed, _ = _padding(trainer, steps)
        epoch_real, epoch_computed, epoch_batches = _padding(trainer, None)
        started = time.perf_counter()
        trainer.train()
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "real_tokens_per_s": real / seconds, "padding_share": 1 - real / computed,
            "epoch_padding_share": 1 - epoch_real / epoch_computed,
            # cost follows computed positions (real + padding), so the epoch is projected from positions per second
            "seconds_per_epoch": epoch_computed / (computed / seconds), "epoch_batches": epoch_batches,
            "peak_rss_mb": peak_rss_mb()}


def _book_align_predictions(predictions, label_ids):
    """The book's align_predictions: argmax, then skip -100 positions one by one."""
    import numpy as np

    from panx_ner.tags import ID2TAG

    preds = np.argmax(predictions, axis=2)
    batch_size, seq_len = preds.shape
    labels_list, preds_list = [], []
    for batch_idx in range(batch_size):
        example_labels, example_preds = [], []
        for seq_idx in range(seq_len):
            if label_ids[batch_idx, seq_idx] != -100:
                example_labels.append(ID2TAG[label_ids[batch_idx][seq_idx]])
                example_preds.append(ID2TAG[preds[batch_idx][seq_idx]])
        labels_list.append(example_labels)
        preds_list.append(example_preds)
    return preds_list, labels_list


def evaluate_worker(side: str, model_path: str, language: str, sentences: int) -> dict:
    from seqeval.metrics import f1_score

    from panx_ner.artifacts import encoded_dir, load_split
    from panx_ner.checkpoints import load_trained
    from panx_ner.inference import predict_label_ids
    from panx_ner.params import load_params
    from panx_ner.scoring import align_predictions
    from panx_ner.trainsets import MODEL_COLUMNS

    params = load_params()
    model, tokenizer = load_trained(Path(model_path))
    dataset = load_split(encoded_dir(language), "test")
    dataset = dataset.select(range(min(sentences, dataset.num_rows))).select_columns(MODEL_COLUMNS)
    started = time.perf_counter()
    if side == "project":
        predicted = predict_label_ids(model, dataset["input_ids"], params.evaluate.batch_size, tokenizer.pad_token_id)
        predicted_tags, gold_tags = align_predictions(predicted, dataset["labels"])
    else:
        import tempfile

        from transformers import DataCollatorForTokenClassification, Trainer, TrainingArguments

        with tempfile.TemporaryDirectory() as output:
            trainer = Trainer(model=model, args=TrainingArguments(
                output_dir=output, per_device_eval_batch_size=params.train.batch_size, report_to="none",
                disable_tqdm=True, log_level="error"),
                data_collator=DataCollatorForTokenClassification(tokenizer), processing_class=tokenizer)
            output_ = trainer.predict(dataset)
            predicted_tags, gold_tags = _book_align_predictions(output_.predictions, output_.label_ids)
    f1 = f1_score(gold_tags, predicted_tags)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "sentences_per_s": dataset.num_rows / seconds, "f1": f1, "peak_rss_mb": peak_rss_mb()}


def f1_check_worker(side: str, language: str, size: int, seed: int | None = None) -> dict:
    """Full training of a French subset with the project's and the book's sampler: validation F1 of each."""
    import dataclasses
    import tempfile

    from panx_ner.artifacts import encoded_dir, load_split
    from panx_ner.params import load_params
    from panx_ner.training import train_model
    from panx_ner.trainsets import first_rows

    params = load_params()
    train_params = dataclasses.replace(params.train, sampling="random" if side == "book" else params.train.sampling,
                                       seed=params.train.seed if seed is None else seed)
    source = encoded_dir(language)
    train_set = first_rows(load_split(source, "train"), size, params.learning_curve.seed, str(source))
    with tempfile.TemporaryDirectory() as output:
        result = train_model(params.model.checkpoint, train_set, load_split(source, "validation"), train_params,
                             Path(output) / "model", f"benchmark-{side}")
    return {"seconds": result.train_seconds, "validation_f1": result.best_validation_f1, "peak_rss_mb": peak_rss_mb()}


WORKERS = {"encode": encode_worker, "train": train_worker, "evaluate": evaluate_worker, "f1_check": f1_check_worker}


# ---------------------------------------------------------------- driver

def measure(kind: str, side: str, repeats: int, **arguments) -> list[dict]:
    runs = []
    for _ in range(repeats):
        command = [sys.executable, __file__, "--worker", kind, "--side", side, "--arguments", json.dumps(arguments)]
        done = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"{kind}/{side} failed:\n{done.stderr[-3000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(f"  {kind:9} {side:8} {runs[-1]}", file=sys.stderr)
    return runs


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--language", default="de")
    parser.add_argument("--train-steps", type=int, default=40)
    parser.add_argument("--eval-sentences", type=int, default=2000)
    parser.add_argument("--eval-model", default="models/de")
    parser.add_argument("--f1-check", action="store_true", help="also train fr 1000 sentences with both samplers")
    parser.add_argument("--worker", choices=list(WORKERS))
    parser.add_argument("--side")
    parser.add_argument("--arguments", default="{}")
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(WORKERS[args.worker](args.side, **json.loads(args.arguments))))
        return

    import torch

    rows = []
    encode = {side: measure("encode", side, args.repeats, language=args.language) for side in ("project", "floor")}
    rows.append(("encode: sentences/s (project vs raw tokenizer call)", median(encode["project"], "sentences_per_s"),
                 median(encode["floor"], "sentences_per_s"), encode))
    train = {side: measure("train", side, args.repeats, language=args.language, steps=args.train_steps)
             for side in ("project", "book")}
    rows.append(("train: real tokens/s (project vs book setup)", median(train["project"], "real_tokens_per_s"),
                 median(train["book"], "real_tokens_per_s"), train))
    evaluate = {side: measure("evaluate", side, args.repeats, model_path=args.eval_model, language=args.language,
                              sentences=args.eval_sentences) for side in ("project", "book")}
    rows.append(("evaluate: sentences/s (project vs Trainer.predict + align_predictions)",
                 median(evaluate["project"], "sentences_per_s"), median(evaluate["book"], "sentences_per_s"), evaluate))
    f1_check = None
    if args.f1_check:
        f1_check = {side: measure("f1_check", side, 1, language="fr", size=1000)[0] for side in ("project", "book")}

    report = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, {platform.processor() or 'cpu'}",
        "command": " ".join(["python", "benchmarks/run_benchmarks.py", *sys.argv[1:]]),
        "settings": vars(args),
        "results": [{"what": what, "project": project, "baseline": baseline, "ratio": project / baseline,
                     "runs": runs} for what, project, baseline, runs in rows],
        "f1_check": f1_check,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    lines = [f"# Benchmark ({report['date']}, {report['machine']})", "", f"`{report['command']}`", "",
             "| what | project (median) | baseline (median) | ratio | peak RSS MB project / baseline |",
             "|---|---|---|---|---|"]
    for entry in report["results"]:
        sides = list(entry["runs"])
        memory = " / ".join(f"{median(entry['runs'][side], 'peak_rss_mb'):.0f}" for side in sides)
        lines.append(f"| {entry['what']} | {entry['project']:.1f} | {entry['baseline']:.1f} | "
                     f"{entry['ratio']:.2f}x | {memory} |")
    lines += ["", f"Training, {args.train_steps} steps: padding share project "
              f"{median(train['project'], 'padding_share'):.1%} vs book {median(train['book'], 'padding_share'):.1%}"
              f" (whole epoch: {median(train['project'], 'epoch_padding_share'):.1%} vs "
              f"{median(train['book'], 'epoch_padding_share'):.1%}); seconds per epoch project "
              f"{median(train['project'], 'seconds_per_epoch'):.0f} vs book "
              f"{median(train['book'], 'seconds_per_epoch'):.0f}; project real tokens/s = "
              f"{median(train['project'], 'real_tokens_per_s') / FLOOR_TOKENS_PER_S:.0%} of the ~{FLOOR_TOKENS_PER_S} "
              f"floor, book {median(train['book'], 'real_tokens_per_s') / FLOOR_TOKENS_PER_S:.0%}.",
              f"Evaluation F1 on the same sentences: project {median(evaluate['project'], 'f1'):.4f}, "
              f"Trainer.predict {median(evaluate['book'], 'f1'):.4f}."]
    if f1_check:
        lines.append(f"F1 check (fr, 1000 sentences, full training): validation F1 project sampler "
                     f"{f1_check['project']['validation_f1']:.4f} vs book sampler {f1_check['book']['validation_f1']:.4f}; "
                     f"training seconds {f1_check['project']['seconds']:.0f} vs {f1_check['book']['seconds']:.0f}.")
    (RESULTS / "results.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
