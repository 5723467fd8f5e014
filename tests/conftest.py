from pathlib import Path

import pytest

from tests.tiny import build_tiny_model, make_project, run, write_tiny_xtreme

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def tiny_xtreme(tmp_path_factory) -> Path:
    return write_tiny_xtreme(tmp_path_factory.mktemp("xtreme"))


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("model"))


@pytest.fixture
def tiny_pipeline(request, tiny_pipeline_once) -> Path:
    """A project copy on tiny data that has run `dvc repro` to the end and committed the result (shared, read-only)."""
    assert request.node.get_closest_marker("slow"), f"{request.node.name} runs the tiny pipeline: mark it slow"
    return tiny_pipeline_once


@pytest.fixture(scope="session")
def tiny_pipeline_once(tmp_path_factory, tiny_xtreme, tiny_model) -> Path:
    root = make_project(tmp_path_factory.mktemp("pipeline") / "project", tiny_xtreme, tiny_model)
    run(["dvc", "repro"], root)
    run(["git", "add", "-A"], root)
    run(["git", "commit", "-qm", "tiny pipeline"], root)
    return root


@pytest.fixture
def shared_xtreme() -> Path:
    folder = SHARED / "xtreme"
    if not (folder / "PAN-X.de").is_dir():
        pytest.skip(f"real PAN-X copy not found at {folder}")
    return folder
