"""Numeric precision of training and inference: bf16 autocast where the hardware computes bf16 natively, fp32
elsewhere. Training, validation, evaluation, the error report and tagging all go through `resolve_precision` and
`autocast`, so one setting (train.precision) decides them all."""

from __future__ import annotations

import contextlib
from pathlib import Path

from panx_ner.errors import PipelineError

PRECISIONS = ("auto", "bf16", "fp32")
CPU_BF16_FLAGS = ("avx512_bf16", "amx_bf16")  # CPU instructions that compute bf16 matmuls natively


def cpu_flags() -> set[str]:
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.is_file():  # not Linux: no way to tell here, so no claim of bf16
        return set()
    for line in cpuinfo.read_text().splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def bf16_device() -> str | None:
    """'cuda' or 'cpu' where bf16 runs natively (CUDA first, as the Trainer would use it), None where not."""
    import torch

    if torch.cuda.is_available() and torch.cuda.is_bf16_supported():
        return "cuda"
    if any(flag in cpu_flags() for flag in CPU_BF16_FLAGS):
        return "cpu"
    return None


def resolve_precision(requested: str) -> str:
    """'bf16' or 'fp32' for a train.precision value; a one-line error for bf16 on hardware without it."""
    if requested not in PRECISIONS:
        raise PipelineError(f"train.precision: {requested!r} is not one of {', '.join(PRECISIONS)}")
    if requested == "fp32":
        return "fp32"
    supported = bf16_device() is not None
    if requested == "bf16" and not supported:
        raise PipelineError(f"train.precision: bf16 needs a CUDA GPU with bf16 or a CPU with "
                            f"{' or '.join(CPU_BF16_FLAGS)}, and this machine has neither; expected auto or fp32")
    return "bf16" if supported else "fp32"


def uses_cpu(precision: str) -> bool:
    """Whether training under the resolved `precision` runs on the CPU: bf16 on a CPU that has it (even where a GPU
    without bf16 is present), or any precision on a machine without CUDA.

    The Trainer has to be told (TrainingArguments.use_cpu): accelerate joins torchrun's processes into one
    data-parallel CPU run (gloo) only when asked for the CPU; otherwise, finding no GPU, it sets up no process group
    and each process trains alone on the whole batch, with world size 1.
    """
    import torch

    if precision == "bf16":
        return bf16_device() == "cpu"
    return not torch.cuda.is_available()


def autocast(precision: str, device: str = "cpu"):
    """Inference under the resolved precision: bf16 autocast, or nothing at all for fp32."""
    import torch

    if precision != "bf16":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device, dtype=torch.bfloat16)
