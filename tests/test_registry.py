"""Released models as DVC artifacts: dvc.yaml declares one per strategy, and a teammate fetches one by name and
version from a bare git repository and a DVC remote, without a clone, and tags text with it."""

import json
import subprocess
import sys

import pytest
import yaml

from panx_ner.params import parse_params
from panx_ner.registry import artifact_name, artifacts, problems
from tests.tiny import REPO, copy_project, run


def committed():
    """The committed params (checks that ask the file system or the hardware left out) and F1 table."""
    params = parse_params(yaml.safe_load((REPO / "params.yaml").read_text()), checks=())
    return params, json.loads((REPO / "metrics" / "f1.json").read_text()), (REPO / "dvc.yaml").read_text()


def test_dvc_yaml_declares_every_strategy_as_an_artifact_with_this_runs_f1():
    params, f1, dvc_yaml = committed()
    assert problems(dvc_yaml, params, f1) == []
    declared = yaml.safe_load(dvc_yaml)["artifacts"]
    assert list(declared) == [artifact_name(strategy) for strategy in params.strategies]
    for name, entry in declared.items():
        strategy = entry["meta"]["strategy"]
        assert entry["type"] == "model" and entry["path"] == f"release/{strategy}"
        assert entry["meta"]["test_f1"] == {language: f1[strategy][language]["mean"]
                                            for language in params.strategies[strategy]}
    stages = yaml.safe_load(dvc_yaml)["stages"]
    assert stages["release"]["do"]["outs"] == ["release/${key}"]  # the stage that writes every artifact's path


def test_a_strategy_without_an_artifact_or_an_artifact_no_stage_writes_fails_the_check():
    params, f1, dvc_yaml = committed()
    added = params.model_copy(update={"strategies": {**params.strategies, "fr-it": ("fr", "it")}})
    assert problems(dvc_yaml, added, f1) == ["artifact 'ner-fr-it' for strategy 'fr-it' is missing from dvc.yaml"]
    tree = yaml.safe_load(dvc_yaml)
    tree["artifacts"]["ner-de"]["path"] = "models/de/seed42"
    assert problems(yaml.safe_dump(tree), params, f1) == [
        "artifact 'ner-de' is at 'models/de/seed42', which no stage writes (release/<strategy> of params.yaml "
        "strategies)", "artifact 'ner-de' differs from what params.yaml and metrics/f1.json give (its meta or "
                       "description)"]
    stale = json.loads(json.dumps(f1))
    stale["de"]["de"]["mean"] += 0.01
    assert problems(dvc_yaml, params, stale) == [
        "artifact 'ner-de' differs from what params.yaml and metrics/f1.json give (its meta or description)"]
    check = run([sys.executable, "-m", "panx_ner.registry", "--check"], REPO, check=False)
    assert check.returncode == 0, check.stderr


def test_strategy_names_map_to_distinct_artifact_names():
    params, f1, _ = committed()
    clash = params.model_copy(update={"strategies": {"de_fr": ("de", "fr"), "de-fr": ("de", "fr")}})
    with pytest.raises(Exception, match="artifact name 'ner-de-fr' is also 'de_fr''s"):
        artifacts(clash, f1)


@pytest.mark.slow
def test_a_teammate_fetches_a_released_model_by_name_and_version_without_a_clone(tiny_pipeline, tmp_path):
    project = copy_project(tiny_pipeline, tmp_path / "project")
    remote, bare = tmp_path / "dvc-remote", tmp_path / "team.git"
    run(["python", "-m", "panx_ner.registry"], project)  # the tiny run's F1 in the artifacts' meta
    # the team's storage: an absolute URL, which a teammate's `dvc get` (run in a temporary clone) can reach
    run(["dvc", "remote", "add", "--default", "--force", "team", str(remote)], project)
    run(["dvc", "push"], project)
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-qm", "release"], project)
    run(["gto", "register", "ner-en", "--version", "v1.0.0"], project)
    run(["gto", "assign", "ner-en", "--version", "v1.0.0", "--stage", "prod"], project)  # as docs/sharing.md shows
    run(["git", "init", "-q", "--bare", "--initial-branch", "main", str(bare)], tmp_path)
    run(["git", "push", "-q", "--tags", str(bare), "HEAD:main"], project)

    teammate = tmp_path / "teammate"  # no clone of the project here
    teammate.mkdir()
    run(["dvc", "artifacts", "get", str(bare), "ner-en", "--rev", "v1.0.0", "-o", "ner-en"], teammate)
    run(["dvc", "get", str(bare), "release/de", "-o", "release-de", "--rev", "main"], teammate)
    run(["dvc", "artifacts", "get", str(bare), "ner-en", "--stage", "prod", "-o", "ner-en-prod"], teammate)
    assert filecmp_same(teammate / "ner-en-prod" / "model.safetensors", teammate / "ner-en" / "model.safetensors")
    for folder in ("ner-en", "release-de"):
        assert (teammate / folder / "README.md").read_text().startswith("---\n")  # the model card came along
        tagged = subprocess.run([sys.executable, "-c", (
            "import json, sys; from transformers import pipeline; "
            f"tagger = pipeline('token-classification', model='{folder}', aggregation_strategy='first'); "
            "print(json.dumps([e['entity_group'] for e in tagger('Anna Schmidt wohnt in Berlin')]))")],
            cwd=teammate, capture_output=True, text=True)
        assert tagged.returncode == 0, tagged.stderr[-2000:]
        assert set(json.loads(tagged.stdout.strip().splitlines()[-1])) <= {"PER", "ORG", "LOC"}
    assert filecmp_same(teammate / "ner-en" / "model.safetensors", project / "release" / "en" / "model.safetensors")

    unknown = run(["dvc", "artifacts", "get", str(bare), "ner-xx", "-o", "x"], teammate, check=False)
    assert unknown.returncode != 0 and "Traceback" not in unknown.stdout + unknown.stderr
    assert "Unable to find artifact 'ner-xx'" in unknown.stderr, unknown.stderr  # as docs/sharing.md quotes
    no_version = run(["dvc", "artifacts", "get", str(bare), "ner-en", "--rev", "v9.9.9", "-o", "x"], teammate,
                     check=False)
    assert no_version.returncode != 0 and "Traceback" not in no_version.stdout + no_version.stderr
    assert "Unable to find artifact 'ner-en @ v9.9.9'" in no_version.stderr, no_version.stderr

    clone = tmp_path / "clone"  # a teammate with a clone fetches one model, not the whole project
    run(["git", "clone", "-q", str(bare), str(clone)], tmp_path)
    run(["dvc", "pull", "release/en"], clone)
    assert (clone / "release" / "en" / "model.safetensors").is_file()
    assert not list((clone / "models").rglob("*.safetensors")) and not (clone / "release" / "de").exists()


def filecmp_same(left, right) -> bool:
    import filecmp

    return filecmp.cmp(left, right, shallow=False)
