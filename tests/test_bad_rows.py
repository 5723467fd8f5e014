"""Bad rows are rejected where they enter (download), naming the file, split, row and problem; nothing is written."""

import os
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from tests.tiny import REPO, tiny_params, write_tiny_xtreme


@pytest.fixture
def project(tmp_path, tiny_model):
    """A bare working folder with params pointing at a tiny dataset whose German train file the test spoils."""
    dataset = write_tiny_xtreme(tmp_path / "xtreme")
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(tiny_params(dataset, tiny_model), sort_keys=False))
    return tmp_path


def spoil(project, tokens, tags):
    path = project / "xtreme" / "PAN-X.de" / "train-00000-of-00001.parquet"
    rows = pq.read_table(path).to_pylist()
    rows[3] = {"tokens": tokens, "ner_tags": tags, "langs": ["de"] * len(tokens or [])}
    schema = pa.schema([("tokens", pa.list_(pa.string())), ("ner_tags", pa.list_(pa.int64())),
                        ("langs", pa.list_(pa.string()))])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def download(project) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "stages.download", "de"], cwd=project, env=environment,
                          capture_output=True, text=True)


@pytest.mark.parametrize("tokens,tags,problem", [
    (["Berlin"], [9], "tag id 9 is not one of the 7 PAN-X tags (0-6)"),
    (["Berlin"], [-1], "tag id -1 is not one of the 7 PAN-X tags (0-6)"),
    (["in", "Berlin"], [0, 5, 6], "2 tokens but 3 tags"),
    (["in", None], [0, 5], "token None is missing"),
    (["in", " "], [0, 5], "token ' ' is empty"),
])
def test_bad_row_is_one_line_naming_file_split_and_row(project, tokens, tags, problem):
    path = spoil(project, tokens, tags)
    result = download(project)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"error: {path}: split train, row 3: {problem}"
    assert not (project / "data").exists()


@pytest.mark.parametrize("content,problem", [(b"", "not a readable parquet file"),
                                             (b"PAR1 truncated", "not a readable parquet file")])
def test_unreadable_parquet_is_one_line(project, content, problem):
    path = project / "xtreme" / "PAN-X.de" / "test-00000-of-00001.parquet"
    path.write_bytes(content)
    result = download(project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {path}: split test: {problem}")
    assert not (project / "data").exists()


def test_split_without_rows_is_one_line(project):
    path = project / "xtreme" / "PAN-X.de" / "validation-00000-of-00001.parquet"
    pq.write_table(pq.read_table(path).slice(0, 0), path)
    result = download(project)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("split validation has no rows")
    assert not (project / "data").exists()
