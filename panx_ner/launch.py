"""Data-parallel training processes: how many this machine can run, and starting them with torchrun."""

from __future__ import annotations

import os
import sys

from panx_ner.errors import PipelineError


def max_processes() -> tuple[int, str]:
    """(how many training processes the machine runs at once, what limits it): one per GPU, else one per CPU core."""
    import torch

    if torch.cuda.is_available():
        return torch.cuda.device_count(), "CUDA GPUs"
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, "CPU cores"


def check_processes(processes: int) -> None:
    limit, what = max_processes()
    if processes > limit:
        raise PipelineError(f"train.processes: {processes} is more than the {limit} {what} of this machine; "
                            f"expected at most {limit}")


def in_launched_process() -> bool:
    """True under torchrun or accelerate launch (they set WORLD_SIZE for every process they start)."""
    return "WORLD_SIZE" in os.environ


def launched_processes() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def is_main_process() -> bool:
    return os.environ.get("RANK", "0") == "0"


def relaunch_with_torchrun(processes: int, module: str, arguments: list[str]) -> None:
    """Replaces this process by `torchrun --standalone --nproc_per_node N -m module arguments` (one node; a free
    port per run, so parallel stages do not collide). torchrun gives each process one thread on CPU."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(processes),
               "-m", module, *arguments]
    sys.stdout.flush()
    os.execv(sys.executable, command)
