"""Training under tcmalloc where it is installed: the train stage starts itself again with it preloaded, and the
weights do not depend on it."""

import os
import subprocess
import sys

import pytest

from panx_ner.allocator import tcmalloc_library
from tests.tiny import REPO, copy_project

needs_tcmalloc = pytest.mark.skipif(tcmalloc_library() is None, reason="tcmalloc not installed "
                                    "(Debian/Ubuntu: libtcmalloc-minimal4)")
without_tcmalloc = pytest.mark.skipif(tcmalloc_library() is not None, reason="tcmalloc installed")

# a module that relaunches like the train stage, then says which malloc it runs on and what it was given
PROBE = """import os, sys
from panx_ner.allocator import allocator_in_use, relaunch_with_tcmalloc
print("started", flush=True)
relaunch_with_tcmalloc("probe", sys.argv[1:])
print(allocator_in_use(), sys.argv[1:], os.environ.get("LD_PRELOAD", ""))
"""


def run_with(command: list[str], cwd, allocator: str | None) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("PANX_ALLOCATOR", "PANX_ALLOCATOR_RELAUNCHED", "LD_PRELOAD")}
    environment["PYTHONPATH"] = str(REPO)
    if allocator is not None:
        environment["PANX_ALLOCATOR"] = allocator
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment)


def run_probe(tmp_path, allocator: str | None) -> list[str]:
    (tmp_path / "probe.py").write_text(PROBE)
    done = run_with([sys.executable, "-m", "probe", "a", "--b"], tmp_path, allocator)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@needs_tcmalloc
def test_auto_relaunches_once_with_tcmalloc_and_the_same_arguments(tmp_path):
    # "started" by the original process and by the relaunched one, no more
    expected = ["started", "started", f"tcmalloc ['a', '--b'] {tcmalloc_library()}"]
    assert run_probe(tmp_path, None) == expected
    assert run_probe(tmp_path, "auto") == expected


def test_system_keeps_the_c_library_malloc(tmp_path):
    assert run_probe(tmp_path, "system") == ["started", "system ['a', '--b'] "]


@without_tcmalloc
def test_without_tcmalloc_installed_auto_runs_on_in_the_same_process(tmp_path):
    assert run_probe(tmp_path, None) == ["started", "system ['a', '--b'] "]


def test_an_unknown_allocator_is_a_one_line_error_before_anything_is_read(tmp_path):
    done = run_with([sys.executable, "-m", "stages.train", "en", "--seed", "42"], tmp_path, "jemalloc")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: PANX_ALLOCATOR: 'jemalloc' is not an allocator choice; expected one of auto, system"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
@needs_tcmalloc
def test_training_under_tcmalloc_gives_the_same_weights_as_the_system_malloc(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "allocator")
    weights = project / "models" / "en" / "seed42" / "model.safetensors"
    trained = {}
    for allocator in ("auto", "system"):
        done = run_with([sys.executable, "-m", "stages.train", "en", "--seed", "42"], project, allocator)
        assert done.returncode == 0, done.stderr
        expected = "tcmalloc" if allocator == "auto" else "system"
        assert f"validation sentences, {expected} malloc" in done.stdout
        trained[allocator] = weights.read_bytes()
    assert trained["auto"] == trained["system"]
