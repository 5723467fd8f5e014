"""Where a model was trained: CPU, the bf16 kernels that ran, threads, processes, GPU, library versions.

Under bf16 the CPU's own kernels (AVX512-BF16 instructions, or AMX tiles on Intel Xeons that have them) round and
sum in their own ways, and a training's sums also follow its thread count, so the same commit, data and seed train
other weights on another kind of machine (docs/comparing.md, "Why machines matter"). Every training records this beside
its scores (data/training/<name>.json -> metrics/training.json, and the model card), so that `python -m
panx_ner.compare` can tell a code change from a change of machine. Reading it changes nothing that is trained.
"""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

VERSIONED = ("torch", "transformers", "dvc")  # the libraries whose kernels and training loop decide the weights
# what makes two trainings' weights differ for the same code, data and seed: a difference in any of these makes two
# runs not comparable cell by cell (panx_ner/compare.py)
DECISIVE = ("bf16_path", "precision", "threads", "processes")


def cpu_info() -> dict:
    """The CPU as /proc/cpuinfo names it: vendor, model name, family and model (machines of one kind differ in
    generation, and so in matmul peak and bf16 kernels)."""
    fields: dict[str, str] = {}
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text().splitlines() if cpuinfo.is_file() else []:
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    number = lambda key: int(fields[key]) if fields.get(key, "").isdigit() else None  # noqa: E731
    return {"vendor": fields.get("vendor_id") or platform.machine(), "name": fields.get("model name") or
            platform.processor() or platform.machine(), "family": number("cpu family"), "model": number("model")}


def cpu_label(cpu: dict) -> str:
    """`AMD EPYC (family 25, model 17)`: how results name the machine they were measured on."""
    if cpu.get("family") is None:
        return str(cpu.get("name"))
    return f"{cpu['name']} (family {cpu['family']}, model {cpu['model']})"


def bf16_path(precision: str, device: str) -> str:
    """Which kernels computed the bf16 matrix products: cuda, amx, avx512_bf16, or none (an fp32 training)."""
    if precision != "bf16":
        return "none"
    if device == "cuda":
        return "cuda"
    import torch

    capability = torch._C._cpu._get_cpu_capability()  # what torch's own CPU dispatch sees
    if capability.get("amx_bf16") and torch._C._cpu._init_amx():  # oneDNN uses the tiles once the kernel allows it
        return "amx"
    return "avx512_bf16" if capability.get("avx512_bf16") else "none"


def training_environment(precision: str, processes: int, device: str = "cpu") -> dict:
    """The record of one training's machine and setup, for its training JSON and model card."""
    import torch

    from panx_ner.allocator import allocator_in_use

    return {
        "cpu": cpu_info(),
        "bf16_path": bf16_path(precision, device),
        "precision": precision,
        "threads": torch.get_num_threads(),
        "processes": processes,
        "gpu": torch.cuda.get_device_name(0) if device == "cuda" else None,
        "malloc": allocator_in_use(),
        "versions": {"python": platform.python_version(),
                     **{name: importlib.metadata.version(name) for name in VERSIONED}},
    }


def environment_summary(environment: dict) -> str:
    """One line for a model card or a comparison: CPU, bf16 path, threads, processes, versions."""
    versions = ", ".join(f"{name} {version}" for name, version in environment["versions"].items())
    device = environment["gpu"] or cpu_label(environment["cpu"])
    kernels = {"amx": "bf16 on AMX tiles", "avx512_bf16": "bf16 on AVX512-BF16", "cuda": "bf16 on CUDA"}
    return (f"{device}, {kernels.get(environment['bf16_path'], environment['precision'])}, "
            f"{environment['threads']} thread(s), {environment['processes']} process(es); {versions}")
