"""Does torch.compile pay for training here? The pipeline's Trainer (build_trainer) on German, eager against compiled.

    python benchmarks/compile_step.py [--repeats 2] [--steps 60] [--warmup 20]

Needs `dvc repro encode@de`; run it alone. Each side trains in a fresh process on the same batches (same seed):
  eager            params.yaml's setup (every lever, the pipeline's cheaper dropout masks)
  eager-torchdrop  the same with torch's dropout
  compiled-cold    eager-torchdrop under model.compile(dynamic=True) (inductor), with an empty compile cache
  compiled-warm    the same again, reusing the cache the cold run left (what a later training stage would find)
Compiled runs use torch's dropout: the pipeline's masks fill a tensor in place (`Tensor.random_`), which dynamo
cannot trace, so each dropout would split the graph; inductor draws its own fused dropout masks instead.
Writes benchmarks/results/compile_step.json: per side the first step's seconds (where compiling happens), the
seconds and real tokens/s of the steps after `warmup`, medians over the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.run_benchmarks import RESULTS  # noqa: E402

SIDES = {"eager": ("project", False), "eager-torchdrop": ("project+torchdrop", False),
         "compiled-cold": ("project+torchdrop", True), "compiled-warm": ("project+torchdrop", True)}


def worker(setup: str, compiled: bool, steps: int, warmup: int) -> dict:
    from transformers import TrainerCallback

    from benchmarks.run_benchmarks import _trainer

    class StepTimes(TrainerCallback):
        def __init__(self):
            self.seconds, self.started = [], 0.0

        def on_step_begin(self, arguments, state, control, **kwargs):
            self.started = time.perf_counter()

        def on_step_end(self, arguments, state, control, **kwargs):
            self.seconds.append(time.perf_counter() - self.started)

    with tempfile.TemporaryDirectory() as output:
        trainer, precision = _trainer(setup, "de", steps, output)
        if compiled:
            trainer.model.compile(dynamic=True)  # batches change length every step: one graph for all lengths
        pad = trainer.processing_class.pad_token_id
        timed_tokens = sum(int((batch["input_ids"] != pad).sum())
                           for step, batch in enumerate(trainer.get_train_dataloader()) if warmup <= step < steps)
        times = StepTimes()
        trainer.add_callback(times)
        trainer.train()
    timed = sum(times.seconds[warmup:])
    return {"precision": precision, "first_step_seconds": times.seconds[0], "timed_seconds": timed,
            "real_tokens_per_s": timed_tokens / timed, "final_loss": trainer.state.log_history[-1]["train_loss"]}


def run_side(side: str, cache: str, args) -> dict:
    setup, compiled = SIDES[side]
    environment = {**os.environ, "TORCHINDUCTOR_CACHE_DIR": cache}
    command = [sys.executable, __file__, "--worker", side, "--steps", str(args.steps), "--warmup", str(args.warmup)]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, cwd=REPO)
    if done.returncode:
        raise SystemExit(f"{side} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--worker", choices=list(SIDES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        setup, compiled = SIDES[args.worker]
        print(json.dumps(worker(setup, compiled, args.steps, args.warmup)))
        return
    runs: dict[str, list[dict]] = {side: [] for side in SIDES}
    for repeat in range(args.repeats):
        with tempfile.TemporaryDirectory() as cache:  # cold for the first compiled run, warm for the second
            for side in SIDES:
                runs[side].append(run_side(side, cache, args))
                print(repeat, side, runs[side][-1], flush=True)
    summary = {side: {key: statistics.median(run[key] for run in side_runs)
                      for key in ("first_step_seconds", "timed_seconds", "real_tokens_per_s")}
               for side, side_runs in runs.items()}
    eager = summary["eager"]["real_tokens_per_s"]
    for side in summary:
        summary[side]["ratio_to_eager"] = summary[side]["real_tokens_per_s"] / eager
    result = {"command": "python benchmarks/compile_step.py " + " ".join(sys.argv[1:]), "machine": f"{platform.machine()}, {os.cpu_count()} cores",
              "steps": args.steps, "warmup": args.warmup, "summary": summary, "runs": runs}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "compile_step.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
