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
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.run_benchmarks import RESULTS, measure, median  # noqa: E402

SIDES = {"eager": ("project", False), "eager-torchdrop": ("project+torchdrop", False),
         "compiled-cold": ("project+torchdrop", True), "compiled-warm": ("project+torchdrop", True)}


def steps_worker(side: str, steps: int, warmup: int) -> dict:
    from transformers import TrainerCallback

    from benchmarks.run_benchmarks import _padding, _trainer

    class StepTimes(TrainerCallback):
        def __init__(self):
            self.seconds, self.started = [], 0.0

        def on_step_begin(self, arguments, state, control, **kwargs):
            self.started = time.perf_counter()

        def on_step_end(self, arguments, state, control, **kwargs):
            self.seconds.append(time.perf_counter() - self.started)

    setup, compiled = SIDES[side]
    with tempfile.TemporaryDirectory() as output:
        trainer, precision = _trainer(setup, "de", steps, output)
        if compiled:
            trainer.model.compile(dynamic=True)  # batches change length every step: one graph for all lengths
        timed_tokens = _padding(trainer, steps)[0] - _padding(trainer, warmup)[0]  # real tokens of the timed steps
        times = StepTimes()
        trainer.add_callback(times)
        trainer.train()
    timed = sum(times.seconds[warmup:])
    return {"precision": precision, "first_step_seconds": times.seconds[0], "timed_seconds": timed,
            "real_tokens_per_s": timed_tokens / timed, "final_loss": trainer.state.log_history[-1]["train_loss"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--worker", choices=["steps"], help=argparse.SUPPRESS)  # run_benchmarks.measure's protocol
    parser.add_argument("--side", choices=list(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--arguments", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(steps_worker(args.side, **json.loads(args.arguments))))
        return
    runs: dict[str, list[dict]] = {side: [] for side in SIDES}
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as cache:  # cold for the first compiled run, warm for the second
            for side in SIDES:
                runs[side] += measure("steps", side, 1, script=__file__, environment={"TORCHINDUCTOR_CACHE_DIR": cache},
                                      steps=args.steps, warmup=args.warmup)
    summary = {side: {key: median(side_runs, key) for key in ("first_step_seconds", "timed_seconds",
                                                               "real_tokens_per_s")}
               for side, side_runs in runs.items()}
    for side in summary:
        summary[side]["ratio_to_eager"] = summary[side]["real_tokens_per_s"] / summary["eager"]["real_tokens_per_s"]
    result = {"command": " ".join(["python", "benchmarks/compile_step.py", *sys.argv[1:]]),
              "machine": f"{platform.machine()}, {os.cpu_count()} cores", "steps": args.steps, "warmup": args.warmup,
              "summary": summary, "runs": runs}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "compile_step.json").write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
