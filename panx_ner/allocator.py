"""Training processes under tcmalloc where the machine has it.

A training step allocates and frees thousands of tensors (activations, bf16 copies of the weights, gradients).
Under tcmalloc instead of glibc's malloc, training on the benchmark's German slice moves more real tokens per second
with less peak memory (benchmarks/results/results.md); evaluation does not gain, so only training uses it. The
weights come out bit for bit the same (torch aligns its buffers itself, so the arithmetic does not depend on the
allocator), so the choice is not a param and does not change what DVC records.

tcmalloc cannot be switched on inside a running process: the stage starts itself again with it in LD_PRELOAD.
Debian and Ubuntu ship it as libtcmalloc-minimal4; without it, training runs on the system's malloc.
"""

from __future__ import annotations

import ctypes.util
import os
import sys

from panx_ner.errors import PipelineError

VARIABLE = "PANX_ALLOCATOR"  # auto (default): tcmalloc where installed; system: the C library's malloc
CHOICES = ("auto", "system")
_RELAUNCHED = "PANX_ALLOCATOR_RELAUNCHED"  # set before the relaunch, so a preload the loader refused cannot loop


def tcmalloc_library() -> str | None:
    """The installed tcmalloc's library name (resolvable by the dynamic loader), or None."""
    return ctypes.util.find_library("tcmalloc_minimal") or ctypes.util.find_library("tcmalloc")


def allocator_in_use() -> str:
    """'tcmalloc' if this process has it loaded, else 'system'."""
    try:
        with open("/proc/self/maps") as maps:
            return "tcmalloc" if "libtcmalloc" in maps.read() else "system"
    except OSError:  # no /proc (not Linux): LD_PRELOAD is not how this machine would load it
        return "system"


def tcmalloc_environment() -> dict[str, str]:
    """The environment that starts a process under tcmalloc where PANX_ALLOCATOR allows it and tcmalloc is
    installed (LD_PRELOAD, ahead of any preload already set); {} otherwise."""
    choice = os.environ.get(VARIABLE, "auto")
    if choice not in CHOICES:
        raise PipelineError(f"{VARIABLE}: {choice!r} is not an allocator choice; expected one of {', '.join(CHOICES)}")
    library = tcmalloc_library() if choice == "auto" else None
    return {"LD_PRELOAD": " ".join(filter(None, [library, os.environ.get("LD_PRELOAD")]))} if library else {}


def relaunch_with_tcmalloc(module: str, arguments: list[str]) -> None:
    """Replaces this process by `python -m module arguments` under tcmalloc (tcmalloc_environment) where it is not
    loaded yet; otherwise returns. Call it before importing torch: the relaunch then costs a fraction of a second."""
    environment = tcmalloc_environment()
    if not environment or _RELAUNCHED in os.environ or allocator_in_use() == "tcmalloc":
        return
    os.environ.update(environment, **{_RELAUNCHED: "1"})
    sys.stdout.flush()
    os.execv(sys.executable, [sys.executable, "-m", module, *arguments])
