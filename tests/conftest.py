import os
from pathlib import Path

import pytest
from filelock import FileLock

from tests.tiny import (build_tiny_model, copy_project, make_project, own_corpus_params, run, write_own_corpus,
                        write_tiny_xtreme)

SHARED = Path(__file__).resolve().parents[2] / "shared"
MAX_WORKERS = 8


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` (pytest.ini): one test process per core, at most MAX_WORKERS. Most of the suite's time is a dozen
    long tests that start Python and DVC one process at a time, so a second core nearly halves it; workers beyond a
    few find nothing left to take and only add a Python process with torch loaded each."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


@pytest.fixture(scope="session")
def tiny_xtreme(tmp_path_factory) -> Path:
    return write_tiny_xtreme(tmp_path_factory.mktemp("xtreme"))


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("model"))


@pytest.fixture
def tiny_pipeline(request, tiny_pipeline_once) -> Path:
    """A project copy on tiny data that has run `dvc repro` to the end and committed the result (one per test
    process, shared by its tests: read-only)."""
    assert request.node.get_closest_marker("slow"), f"{request.node.name} runs the tiny pipeline: mark it slow"
    return tiny_pipeline_once


def build_tiny_pipeline(folder: Path) -> Path:
    """Tiny data and model in `folder`, and a project beside them that ran `dvc repro` and committed the result."""
    root = make_project(folder / "project", write_tiny_xtreme(folder / "xtreme"), build_tiny_model(folder / "model"))
    run(["dvc", "repro"], root)
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-qm", "tiny pipeline"], root)
    return root


def built_once(tmp_path_factory, name: str, build) -> Path:
    """build(folder) -> project, run once per test run. Under xdist the first worker that needs it builds it in the
    run's shared temporary folder while the others wait, and each worker takes its own copy, so no two processes run
    DVC in one project."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / name  # the workers' basetemps share this parent
    with FileLock(f"{shared}.lock"):
        if not (shared / "built").is_file():
            build(shared)
            (shared / "built").touch()
    return copy_project(shared / "project", tmp_path_factory.mktemp(name) / "project")


@pytest.fixture(scope="session")
def tiny_pipeline_once(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, "tiny-pipeline", build_tiny_pipeline)


def build_own_corpus_pipeline(folder: Path) -> Path:
    """The tiny model trained through `dvc repro` on a CoNLL corpus of five entity types (tests/tiny.py)."""
    corpus = write_own_corpus(folder / "corpus")
    root = make_project(folder / "project", corpus, build_tiny_model(folder / "model"))
    own_corpus_params(root, corpus)
    run(["dvc", "repro"], root)
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-qm", "own corpus"], root)
    return root


@pytest.fixture(scope="session")
def own_corpus_pipeline_once(tmp_path_factory) -> Path:
    return built_once(tmp_path_factory, "own-corpus-pipeline", build_own_corpus_pipeline)


@pytest.fixture
def own_corpus_pipeline(request, own_corpus_pipeline_once) -> Path:
    """A project copy that ran the whole pipeline on the five-type CoNLL corpus (read-only for its tests)."""
    assert request.node.get_closest_marker("slow"), f"{request.node.name} runs a tiny pipeline: mark it slow"
    return own_corpus_pipeline_once


def pytest_collection_modifyitems(items) -> None:
    """Tests on the tiny pipeline first, those on the own-corpus pipeline last: under xdist the first worker starts
    building the tiny pipeline at once, and the last one (whose share of the tests is the end of the list) runs the
    quick tests and then builds the own-corpus pipeline, instead of waiting for the first worker's build."""
    def rank(item) -> int:
        fixtures = set(getattr(item, "fixturenames", ()))
        return 0 if "tiny_pipeline" in fixtures else 2 if "own_corpus_pipeline" in fixtures else 1
    items.sort(key=rank)


@pytest.fixture
def shared_xtreme() -> Path:
    folder = SHARED / "xtreme"
    if not (folder / "PAN-X.de").is_dir():
        pytest.skip(f"real PAN-X copy not found at {folder}")
    return folder


@pytest.fixture
def shared_corpora() -> Path:
    folder = SHARED / "corpora"
    if not (folder / "conll" / "en").is_dir():
        pytest.skip(f"the real corpora (CoNLL, WikiNEuRal, WikiGold) not found at {folder}")
    return folder
