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


@pytest.mark.parametrize("line,reason", [("de:Berlin\tB-CITY", "unknown tag 'B-CITY'"),
                                         ("de:Berlin", "line has no tag"),
                                         ("de:Berlin\t", "line has no tag")])
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
