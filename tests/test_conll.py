"""CoNLL-style PAN-X files: parsing, language prefixes, bad lines, empty sentences."""

import pytest

from panx_ner.errors import PipelineError
from panx_ner.conll import read_conll
from panx_ner.sources import load_panx
from panx_ner.tags import TAG2ID

GOOD = "de:Angela\tB-PER\nde:Merkel\tI-PER\nde:besucht\tO\nde:Paris\tB-LOC\n\n\n\nde:Die\tO\nde:Bahn\tI-ORG\n\n"


def test_parses_sentences_strips_prefix_and_counts_empty_sentences(tmp_path):
    path = tmp_path / "train"
    path.write_text(GOOD)
    parsed = read_conll(path, "de")
    assert parsed.tokens == [["Angela", "Merkel", "besucht", "Paris"], ["Die", "Bahn"]]
    assert parsed.ner_tags[0] == [TAG2ID[t] for t in ("B-PER", "I-PER", "O", "B-LOC")]
    assert parsed.ner_tags[1] == [TAG2ID["O"], TAG2ID["I-ORG"]]  # a stray I- tag is kept as it is
    assert parsed.empty_sentences == 2


def test_prefix_of_another_language_and_bare_colon_tokens_are_kept(tmp_path):
    path = tmp_path / "train"
    path.write_text("fr:Paris\tB-LOC\nde:\tO\n")
    assert read_conll(path, "de").tokens == [["fr:Paris", "de:"]]


@pytest.mark.parametrize("line,reason", [
    ("de:Berlin\tB-CITY", "unknown tag 'B-CITY'"),
    ("de:Berlin", "line has no tag"),
    ("de:Berlin\t", "line has no tag"),
    ("de:Berlin\tNNP\tB-LOC", "3 columns; expected token<TAB>tag"),
    ("de:Berlin NNP B-LOC", "3 columns; expected token<TAB>tag"),
    ("\tB-LOC", "line has a tag but no token"),
])
def test_bad_line_names_file_line_and_reason(tmp_path, line, reason):
    path = tmp_path / "dev"
    path.write_text(f"de:Die\tO\n{line}\n")
    with pytest.raises(PipelineError) as error:
        read_conll(path, "de")
    assert str(error.value).startswith(f"{path}:2: {reason}")


def test_download_reads_a_conll_folder(tmp_path):
    folder = tmp_path / "panx" / "PAN-X.de"
    folder.mkdir(parents=True)
    (folder / "train").write_text(GOOD)
    (folder / "dev").write_text("de:Rom\tB-LOC\n")
    (folder / "test.conll").write_text("de:Bonn\tB-LOC\n\nde:und\tO\n")
    dataset, empty = load_panx(str(tmp_path / "panx"), "de", None)
    assert [dataset[s].num_rows for s in ("train", "validation", "test")] == [2, 1, 2]
    assert dataset["train"].features["ner_tags"].feature.names[1] == "B-PER"
    assert dataset["validation"][0]["langs"] == ["de"]
    assert empty == {"train": 2, "validation": 0, "test": 0}


def write_bytes(tmp_path, data: bytes):
    path = tmp_path / "train"
    path.write_bytes(data)
    return path


def test_byte_order_mark_is_accepted_and_the_prefix_still_stripped(tmp_path):
    path = write_bytes(tmp_path, "\ufeffde:Berlin\tB-LOC\nde:ist\tO\n".encode("utf-8"))
    assert read_conll(path, "de").tokens == [["Berlin", "ist"]]


@pytest.mark.parametrize("data,line", [
    ("de:Berlin\tB-LOC\nde:Köln\tB-LOC\n".encode("latin-1"), 2),
    ("de:Berlin\tB-LOC\n".encode("utf-16"), 1),
])
def test_other_encodings_are_an_error_naming_the_line(tmp_path, data, line):
    path = write_bytes(tmp_path, data)
    with pytest.raises(PipelineError) as error:
        read_conll(path, "de")
    assert str(error.value).startswith(f"{path}:{line}: not UTF-8 text")


def test_trailing_space_is_harmless_and_docstart_separates_documents(tmp_path):
    path = tmp_path / "train"
    path.write_text("-DOCSTART-\tO\n\nde:Bonn\tB-LOC \nde:liegt\tO\n-DOCSTART- -X- O O\nde:Rom\tB-LOC\n")
    parsed = read_conll(path, "de")
    assert parsed.tokens == [["Bonn", "liegt"], ["Rom"]]
    assert parsed.empty_sentences == 0  # the blank line after -DOCSTART- ends nothing


def test_a_bad_conll_file_stops_download_with_one_line_and_writes_nothing(tmp_path, tiny_model):
    import os
    import subprocess
    import sys

    import yaml

    from tests.tiny import REPO, tiny_params, write_tiny_xtreme

    dataset = write_tiny_xtreme(tmp_path / "xtreme")
    folder = dataset / "PAN-X.de"
    for parquet in folder.glob("validation-*.parquet"):
        parquet.unlink()
    (folder / "dev").write_text("de:Berlin\tNNP\tB-LOC\n")
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(tiny_params(dataset, tiny_model), sort_keys=False))
    result = subprocess.run([sys.executable, "-m", "stages.download", "de"], cwd=tmp_path, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert result.stderr.strip() == (f"error: {folder / 'dev'}:1: 3 columns; expected token<TAB>tag, "
                                     f"got 'de:Berlin\\tNNP\\tB-LOC'")
    assert not (tmp_path / "data").exists()
