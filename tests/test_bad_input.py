"""A user's mistake costs nothing: a bad value under `dvc repro` stops before any output is removed."""

import hashlib
from pathlib import Path

import pytest
import yaml

from tests.tiny import copy_project, run

pytestmark = pytest.mark.slow  # runs DVC on the tiny pipeline


def output_digests(project: Path) -> dict[str, str]:
    """Every file under models/, data/ and metrics/ (DVC's outputs), by content."""
    return {str(path.relative_to(project)): hashlib.sha256(path.read_bytes()).hexdigest()
            for folder in ("models", "data", "metrics") for path in sorted((project / folder).rglob("*"))
            if path.is_file()}


@pytest.mark.parametrize("section,key,value,message", [
    ("train", "learning_rate", -1, "train.learning_rate: -1 must be positive"),
    ("train", "epochs", 2.5, "train.epochs: 2.5 is not an integer"),
    ("sample", "seed", -1, "sample.seed: -1 must be at least 0"),
])
def test_bad_param_under_dvc_repro_leaves_every_output_in_place(tiny_pipeline, tmp_path, section, key, value,
                                                                 message):
    project = copy_project(tiny_pipeline, tmp_path / "typo")
    before = output_digests(project)
    params = yaml.safe_load((project / "params.yaml").read_text())
    params[section][key] = value
    (project / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    for command in (["dvc", "repro"], ["dvc", "repro", "train@de-42"]):
        result = run(command, project, check=False)
        assert result.returncode != 0
        assert message in result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
        assert output_digests(project) == before  # byte-identical: not one output removed or rewritten
    check = run(["python", "-m", "stages.check_params"], project, check=False)
    assert check.returncode == 2 and check.stderr.strip().splitlines()[-1].strip() == message
