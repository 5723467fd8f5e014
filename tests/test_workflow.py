""".github/workflows/compare.yml cannot run here (no GitHub, no network): every command it runs is checked to exist,
and its report is the script tests/test_compare.py runs on the tiny pipeline."""

import shlex
import subprocess

import yaml

from tests.tiny import REPO

WORKFLOW = REPO / ".github" / "workflows" / "compare.yml"


def commands() -> list[str]:
    """Every shell command of the workflow's `run` steps, in order."""
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["report"]["steps"]
    return [line.strip() for step in steps if "run" in step for line in step["run"].splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_the_workflow_installs_as_ci_does_and_runs_the_tested_report():
    assert yaml.safe_load(WORKFLOW.read_text())[True] == {"pull_request": None}  # YAML reads `on:` as true
    ci = [line for line in (REPO / ".ci" / "run").read_text().splitlines() if line.startswith("python -m pip")]
    assert commands() == [
        *ci,  # the README's install command, as CI runs it
        "dvc pull release",
        'bash .github/pr-report.sh "origin/$BASE_REF" > report.md',  # tests/test_compare.py runs this script
        "cml comment create --publish report.md",
    ]


def test_every_command_the_workflow_and_its_script_run_exists():
    for command in commands():
        program, *arguments = shlex.split(command.split(">")[0])
        if program == "dvc":
            assert subprocess.run(["dvc", arguments[0], "--help"], capture_output=True).returncode == 0, command
        elif program == "bash":
            assert (REPO / arguments[0]).is_file(), command
        elif program == "python":
            assert arguments[:2] == ["-m", "pip"], command
        else:  # CML posts the comment; it is installed by iterative/setup-cml on GitHub's runner only
            assert program == "cml" and arguments[:2] == ["comment", "create"], command
    script = (REPO / ".github" / "pr-report.sh").read_text()
    for line in script.splitlines():
        if line.startswith("python -m "):
            module = line.split()[2]
            assert (REPO / (module.replace(".", "/") + ".py")).is_file(), line
    assert 'python -m panx_ner.compare "$base" HEAD --md' in script
