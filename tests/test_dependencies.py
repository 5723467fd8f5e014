"""dvc.yaml tells the truth: every stage depends on every project module its command imports.

The imports are read from the source with `ast` (nothing is run), following project modules transitively, including
imports inside functions. A module missing from a stage's deps would let `dvc status` call stale outputs up to date.
"""

import ast
import re
from pathlib import Path

import pytest
import yaml

from tests.tiny import REPO

PROJECT_PACKAGES = ("panx_ner", "stages")
# Modules that cannot change any output, so that editing them need not rerun anything. One line of reason each.
EXEMPT = {
    "panx_ner/__init__.py": "empty package marker",
    "stages/__init__.py": "empty package marker",
    "panx_ner/errors.py": "the error type: decides how a failure is reported, never what a stage writes",
    "panx_ner/cli.py": "exit codes and argument parsing of entry points: a failure's message, not an output",
}


def module_file(name: str) -> Path | None:
    """The project file of a dotted module name, or None for third-party modules."""
    if name.split(".")[0] not in PROJECT_PACKAGES:
        return None
    path = REPO / Path(*name.split("."))
    if path.with_suffix(".py").is_file():
        return path.with_suffix(".py")
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return None


def imported_files(path: Path) -> set[Path]:
    """Project files `path` imports directly (`import a.b`, `from a.b import c`, and `from a import b` of a module)."""
    found: set[Path] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            for end in range(1, len(parts) + 1):  # importing a.b runs a/__init__.py too
                file = module_file(".".join(parts[:end]))
                if file is not None:
                    found.add(file)
    return found


def import_closure(path: Path) -> set[str]:
    """Every project file the module at `path` runs, itself included, as paths relative to the repository."""
    seen: set[Path] = set()
    pending = [path]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        pending.extend(imported_files(current) - seen)
    return {str(file.relative_to(REPO)) for file in seen}


def stage_commands(dvc_yaml: dict) -> dict[str, tuple[str, list[str]]]:
    """{stage name: (command, deps)} with foreach/matrix bodies taken as written (their deps are literal paths)."""
    stages = {}
    for name, stage in dvc_yaml["stages"].items():
        body = stage.get("do", stage)
        deps = [dep if isinstance(dep, str) else next(iter(dep)) for dep in body.get("deps", [])]
        stages[name] = (body["cmd"], deps)
    return stages


def missing_dependencies(dvc_yaml: dict) -> list[str]:
    problems = []
    for name, (command, deps) in stage_commands(dvc_yaml).items():
        modules = re.findall(r"-m\s+([\w.]+)", command)
        assert modules, f"stage {name}: no `python -m module` in its command {command!r}"
        for module in modules:
            file = module_file(module)
            assert file is not None, f"stage {name}: module {module} is not a project module"
            for needed in sorted(import_closure(file) - set(EXEMPT)):
                if needed not in deps:
                    problems.append(f"stage {name}: runs {needed} but does not depend on it")
    return problems


def test_every_stage_depends_on_the_modules_it_runs():
    assert missing_dependencies(yaml.safe_load((REPO / "dvc.yaml").read_text())) == []


def test_a_removed_dependency_is_named():
    dvc_yaml = yaml.safe_load((REPO / "dvc.yaml").read_text())
    dvc_yaml["stages"]["train"]["deps"].remove("panx_ner/training.py")
    assert missing_dependencies(dvc_yaml) == ["stage train: runs panx_ner/training.py but does not depend on it"]


@pytest.mark.parametrize("path", sorted(EXEMPT))
def test_exempt_modules_exist(path):
    assert (REPO / path).is_file(), f"{path} is exempt but does not exist: drop it from EXEMPT"


@pytest.mark.parametrize("stage", ["train", "train_curve"])
def test_training_stages_list_every_train_param_except_the_seed_list(stage):
    """The training stages list train.* one by one, without train.seeds, so that adding a seed adds stages and
    reruns none; a train param added to params.yaml but not to these lists would change models unnoticed."""
    expected = {f"train.{key}" for key in yaml.safe_load((REPO / "params.yaml").read_text())["train"]} - {"train.seeds"}
    body = yaml.safe_load((REPO / "dvc.yaml").read_text())["stages"][stage]
    listed = {param for param in body.get("do", body)["params"] if isinstance(param, str)}
    assert expected - listed == set()
    assert not {"train", "train.seeds"} & listed


def test_every_stage_waits_for_the_params_check():
    from panx_ner.artifacts import PARAMS_CHECKED

    dvc_yaml = yaml.safe_load((REPO / "dvc.yaml").read_text())
    unchecked = [name for name, (_, deps) in stage_commands(dvc_yaml).items()
                 if name != "check_params" and str(PARAMS_CHECKED) not in deps]
    assert unchecked == []


def test_no_stage_output_is_tracked_by_git():
    """DVC refuses to write a cached output git tracks ("already tracked by SCM"): a fresh clone's study stops there."""
    import subprocess

    from dvc.repo import Repo

    with Repo(str(REPO)) as repo:
        outputs = {str(Path(out.fs_path).relative_to(REPO)) for out in repo.index.outs if out.use_cache}
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    clashes = [f for f in tracked if any(f == out or f.startswith(out + "/") for out in outputs)]
    assert clashes == [], f"git tracks files DVC writes as stage outputs: {clashes[:5]}"
