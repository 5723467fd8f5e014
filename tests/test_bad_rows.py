"""Bad rows are rejected where they enter (download), naming the file, split, row and problem; nothing is written."""

import os
import shutil
import subprocess
import sys

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from panx_ner.tags import PANX, TAG_SET_FILE, write_tag_set
from tests.tiny import REPO, tiny_params, write_tiny_xtreme


@pytest.fixture
def project(tmp_path, tiny_model):
    """A bare working folder with params pointing at a tiny dataset whose German train file the test spoils."""
    dataset = write_tiny_xtreme(tmp_path / "xtreme")
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(tiny_params(dataset, tiny_model), sort_keys=False))
    write_tag_set(PANX, "PAN-X", tmp_path / TAG_SET_FILE)  # what check_params decides; download reads it
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
    (["Berlin"], [9], "tag id 9 is not one of the 7 tags (0-6: O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC)"),
    (["Berlin"], [-1], "tag id -1 is not one of the 7 tags (0-6: O, B-PER, I-PER, B-ORG, I-ORG, B-LOC, I-LOC)"),
    (["in", "Berlin"], [0, 5, 6], "2 tokens but 3 tags"),
    (["in", None], [0, 5], "token None is missing"),
    (["in", " "], [0, 5], "token ' ' is empty"),
])
def test_bad_row_is_one_line_naming_file_split_and_row(project, tokens, tags, problem):
    path = spoil(project, tokens, tags)
    result = download(project)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"error: {path}: split train, row 3: {problem}"
    assert not (project / "data" / "raw").exists()


@pytest.mark.parametrize("content,problem", [(b"", "not a readable parquet file"),
                                             (b"PAR1 truncated", "not a readable parquet file")])
def test_unreadable_parquet_is_one_line(project, content, problem):
    path = project / "xtreme" / "PAN-X.de" / "test-00000-of-00001.parquet"
    path.write_bytes(content)
    result = download(project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {path}: split test: {problem}")
    assert not (project / "data" / "raw").exists()


def test_split_without_rows_is_one_line(project):
    path = project / "xtreme" / "PAN-X.de" / "validation-00000-of-00001.parquet"
    pq.write_table(pq.read_table(path).slice(0, 0), path)
    result = download(project)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("split validation has no rows")
    assert not (project / "data" / "raw").exists()


def shard(project, name: str):
    return project / "xtreme" / "PAN-X.de" / name


@pytest.mark.parametrize("arrange,problem", [
    (lambda p: shutil.copy(shard(p, "train-00000-of-00001.parquet"), shard(p, "train-copy.parquet")),
     "train-copy.parquet is not a shard name; expected train-NNNNN-of-NNNNN.parquet files of one set"),
    (lambda p: shutil.copy(shard(p, "train-00000-of-00001.parquet"), shard(p, "train-00001-of-00001.parquet")),
     "train shards: train-00001-of-00001.parquet beyond the set of 1; expected train-00000-of-00001.parquet, each once"),
    (lambda p: shard(p, "train-00000-of-00001.parquet").rename(shard(p, "train-00000-of-00002.parquet")),
     "train shards: missing train-00001-of-00002.parquet; expected train-00000-of-00002.parquet to "
     "train-00001-of-00002.parquet, each once"),
    (lambda p: shutil.copy(shard(p, "train-00000-of-00001.parquet"), shard(p, "train-00001-of-00002.parquet")),
     "the train shards (train-00000-of-00001.parquet, train-00001-of-00002.parquet) mix sets of 1 and 2"),
    (lambda p: (shard(p, "train-00000-of-00001.parquet").rename(shard(p, "train-00000-of-00002.parquet")),
                shutil.copy(shard(p, "train-00000-of-00002.parquet"), shard(p, "train-00001-of-00002.parquet"))),
     "train-00000-of-00002.parquet and train-00001-of-00002.parquet have the same bytes"),
    (lambda p: shard(p, "dev").write_text("Berlin\tB-LOC\n"),
     "split validation is both parquet (validation-00000-of-00001.parquet) and CoNLL (dev); expected one of them"),
])
def test_shards_that_do_not_form_one_set_are_one_line_before_anything_is_written(project, arrange, problem):
    arrange(project)
    for command in ("stages.download", "stages.check_params"):
        environment = {**os.environ, "PYTHONPATH": str(REPO)}
        result = subprocess.run([sys.executable, "-m", command, *(["de"] if command == "stages.download" else [])],
                                cwd=project, env=environment, capture_output=True, text=True)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {project / 'xtreme' / 'PAN-X.de'}: ") and \
            problem in lines[0], lines
        assert not (project / "data" / "raw").exists()


def test_two_conll_files_for_one_split_are_one_line(tmp_path):
    from panx_ner.conll import find_conll_file
    from panx_ner.errors import PipelineError

    (tmp_path / "dev").write_text("Berlin\tB-LOC\n")
    (tmp_path / "validation.conll").write_text("Paris\tB-LOC\n")
    with pytest.raises(PipelineError, match=r"split validation has 2 CoNLL files \(validation.conll, dev\); expected one"):
        find_conll_file(tmp_path, "validation")
