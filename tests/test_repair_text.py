"""The repaired copy of a mis-encoded corpus file: mapped characters replaced, findings before and after, the
source untouched; bad maps and an existing target are one-line errors."""

import subprocess
import sys

import pytest

from tests.tiny import REPO

BROKEN = "-DOCSTART- -X- O O\n\nDie NN O\nErzдhlung NN O\nvon NN O\nMьnchen NN B-LOC\n\nGroя NN O\n"


def repair(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "panx_ner.repair_text", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True)


def test_the_copy_has_the_letters_back_and_says_what_is_left(tmp_path):
    source = tmp_path / "train.conll"
    source.write_text(BROKEN)
    result = repair(tmp_path, source, tmp_path / "fixed" / "train.conll", "--map", "д=ä", "ь=ü")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "fixed" / "train.conll").read_text() == BROKEN.replace("д", "ä").replace("ь", "ü")
    assert source.read_text() == BROKEN
    lines = result.stdout.splitlines()
    assert lines[0].endswith("train.conll: 2 characters replaced (д->ä 1, ь->ü 1)")
    assert lines[1] == "  mixed latin cyrillic: 3 words before, 1 after (e.g. Groя)"  # я was not mapped


@pytest.mark.parametrize("args,message", [
    (["--map", "дд=ä"], "--map: 'дд=ä' is not one character=one character; expected e.g. д=ä"),
    (["--map", "д=ä", "д=a"], "--map: 'д' is mapped to both 'ä' and 'a'"),
    (["--map", "д"], "--map: 'д' is not one character=one character"),
    ([], "--map: no pair given"),
])
def test_bad_maps_are_one_line(tmp_path, args, message):
    source = tmp_path / "train.conll"
    source.write_text(BROKEN)
    result = repair(tmp_path, source, tmp_path / "out.conll", *args)
    assert result.returncode == 2 and result.stderr.startswith(f"error: {message}") and "Traceback" not in result.stderr
    assert not (tmp_path / "out.conll").exists()


def test_an_existing_target_is_left_as_it_is(tmp_path):
    source, target = tmp_path / "train.conll", tmp_path / "out.conll"
    source.write_text(BROKEN)
    target.write_text("mine")
    result = repair(tmp_path, source, target, "--map", "д=ä")
    assert result.returncode == 2 and "already exists" in result.stderr and target.read_text() == "mine"
