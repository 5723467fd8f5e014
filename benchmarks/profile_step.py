"""Where a training step's time goes: torch.profiler over the pipeline's own Trainer (build_trainer) on German.

    python benchmarks/profile_step.py                  # params.yaml as committed (every speed lever)
    python benchmarks/profile_step.py --setup book     # random batches, fp32, full embedding matrix
    python benchmarks/profile_step.py --precision fp32 # every lever but bf16, as on a CPU without bf16

Needs `dvc repro encode@de`. Trains 8 warm-up steps, then profiles 16; writes the top operators by self CPU time to
benchmarks/results/profile-<setup>.md (profile-<setup>-fp32.md where a setup that would use bf16 ran in fp32).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.run_benchmarks import RESULTS, SETUPS, _trainer, cpu_name  # noqa: E402

WARMUP, PROFILED = 8, 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", default="project", choices=list(SETUPS))
    parser.add_argument("--rows", type=int, default=15)
    parser.add_argument("--precision", choices=["auto", "fp32"], default="auto",
                        help="fp32: the setup without bf16 autocast (what a CPU without bf16 runs)")
    args = parser.parse_args()

    from torch.profiler import ProfilerActivity, profile
    from transformers import TrainerCallback

    class Profile(TrainerCallback):
        """Starts the profiler after the warm-up steps and stops it at the end of training."""

        def __init__(self):
            self.profiler = profile(activities=[ProfilerActivity.CPU])

        def on_step_end(self, arguments, state, control, **kwargs):
            if state.global_step == WARMUP:
                self.profiler.__enter__()

        def on_train_end(self, arguments, state, control, **kwargs):
            self.profiler.__exit__(None, None, None)

    with tempfile.TemporaryDirectory() as output:
        side = f"{args.setup}+fp32" if args.precision == "fp32" else args.setup
        trainer, precision = _trainer(side, "de", WARMUP + PROFILED, output)
        callback = Profile()
        trainer.add_callback(callback)
        trainer.train()
    import torch

    from panx_ner.allocator import allocator_in_use

    table = callback.profiler.key_averages().table(sort_by="self_cpu_time_total", row_limit=args.rows)
    command = " ".join(["python benchmarks/profile_step.py", *sys.argv[1:]])
    text = (f"# Training profile, setup `{args.setup}` ({precision}), {PROFILED} steps on German after {WARMUP} "
            f"warm-up steps\n\n{cpu_name()}, {torch.get_num_threads()} torch thread(s), {allocator_in_use()} malloc: "
            f"`{command}`\n\n```\n{table}\n```\n")
    RESULTS.mkdir(parents=True, exist_ok=True)
    fp32_instead = precision == "fp32" and SETUPS[args.setup].get("precision") != "fp32"
    (RESULTS / f"profile-{args.setup}{'-fp32' if fp32_instead else ''}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
