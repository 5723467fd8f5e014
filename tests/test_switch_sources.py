"""One command points every source at the Hub, and back: a new user without the offline copies is told it."""

import os
import shutil
import subprocess
import sys

import yaml

from tests.tiny import REPO


def command(folder, *args):
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", *args], cwd=folder, env=environment, capture_output=True, text=True)


def test_a_clone_without_the_offline_copies_is_told_the_command_that_switches_to_the_hub(tmp_path):
    shutil.copy(REPO / "params.yaml", tmp_path / "params.yaml")  # ../shared does not exist beside tmp_path
    result = command(tmp_path, "stages.check_params")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0] == ("error: params.yaml: dataset.source: folder '../shared/xtreme' does not exist; expected a "
                        "local folder or a Hub id (to load every source from the Hugging Face Hub instead: python -m "
                        "panx_ner.switch_sources hub)")
    assert all(line.startswith("error: params.yaml: ") for line in lines)


def test_switching_to_the_hub_passes_every_params_check_and_stops_at_reachability_and_switching_back_restores_the_file(
        tmp_path):
    # out_of_domain.sets are local folders (no Hub path), named relative to the project (../shared/...): the
    # project is a folder of tmp_path, with empty language folders of every set beside it
    project = tmp_path / "project"
    project.mkdir()
    for test_set in yaml.safe_load((REPO / "params.yaml").read_text())["out_of_domain"]["sets"].values():
        for language in test_set["languages"]:
            (project / test_set["folder"] / language).mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "params.yaml", project / "params.yaml")
    (project / "data").mkdir()
    shutil.copy(REPO / "data" / "hub-source.txt", project / "data" / "hub-source.txt")
    shipped = (project / "params.yaml").read_text()
    switched = command(project, "panx_ner.switch_sources", "hub")
    assert switched.returncode == 0, switched.stderr
    params = yaml.safe_load((project / "params.yaml").read_text())
    assert params["dataset"] == {"source": "google/xtreme", "revision": "main", "tracked": "data/hub-source.txt",
                                 "tags": "auto", "scheme": "auto"}
    assert params["model"]["checkpoint"] == "xlm-roberta-base" and params["model"]["tracked"] == "data/hub-source.txt"
    assert params["release"] == {"base_model": "FacebookAI/xlm-roberta-base", "license": "mit"}
    assert params["train"]["learning_rate"] == 5e-05  # the book's, for xlm-roberta-base
    # every params check passes; deciding the tag set reads the Hub's ClassLabel names, so check_params stops there,
    # with the hint, before it writes the tag set
    checked = command(project, "stages.check_params")
    assert checked.returncode == 2 and "Traceback" not in checked.stderr
    assert checked.stderr.startswith("error: dataset.source: cannot reach the Hugging Face Hub")
    assert len(checked.stderr.strip().splitlines()) == 1 and not (project / "data" / "tags.json").exists()
    back = command(project, "panx_ner.switch_sources", "offline")
    assert back.returncode == 0 and (project / "params.yaml").read_text() == shipped
