"""panx_ner.parallel_repro: stages side by side, upstream first, and the same stages as `dvc repro` on the tiny
pipeline."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from panx_ner.parallel_repro import cpu_cores, run_stages
from tests.tiny import copy_project, run

REPO = Path(__file__).resolve().parents[1]

# each fake stage logs when it starts and ends, sleeps, and exits with its code
FAKE_STAGE = """
import json, sys, time
name, seconds, code, log = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
with open(log, "a") as out: out.write(json.dumps([name, "start", time.time()]) + "\\n")
print(f"hello from {name}")
time.sleep(seconds)
with open(log, "a") as out: out.write(json.dumps([name, "end", time.time()]) + "\\n")
sys.exit(code)
"""

DIAMOND = {"a": set(), "b": {"a"}, "c": {"a"}, "d": {"b", "c"}}  # d needs b and c, which both need a


def fake_start(log: Path, codes: dict | None = None, started_threads: list | None = None):
    def start(name, threads):
        if started_threads is not None:
            started_threads.append(threads)
        return subprocess.Popen([sys.executable, "-c", FAKE_STAGE, name, "0.6", str((codes or {}).get(name, 0)),
                                 str(log)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return start


def spans(log: Path) -> dict[str, tuple[float, float]]:
    events = [json.loads(line) for line in log.read_text().splitlines()]
    return {name: (next(t for n, e, t in events if n == name and e == "start"),
                   next((t for n, e, t in events if n == name and e == "end"), float("inf")))
            for name in {name for name, _, _ in events}}


def most_at_once(found: dict[str, tuple[float, float]]) -> int:
    return max(sum(start <= moment < end for start, end in found.values()) for moment, _ in found.values())


def test_two_jobs_run_independent_stages_together_and_upstream_first(tmp_path, capsys):
    log, threads = tmp_path / "log.jsonl", []
    failure, times = run_stages(list(DIAMOND), DIAMOND, jobs=2, threads=1, start=fake_start(log, started_threads=threads))
    assert failure == 0 and set(times) == set(DIAMOND) and threads == [1, 1, 1, 1]
    found = spans(log)
    assert found["a"][1] <= min(found["b"][0], found["c"][0])
    assert max(found["b"][1], found["c"][1]) <= found["d"][0]
    assert most_at_once(found) == 2  # b and c overlapped
    printed = capsys.readouterr().out.splitlines()
    assert sorted(line for line in printed if "hello" in line) == [f"[{name}] hello from {name}" for name in "abcd"]


def test_one_job_runs_one_stage_at_a_time(tmp_path):
    log = tmp_path / "log.jsonl"
    failure, _ = run_stages(list(DIAMOND), DIAMOND, jobs=1, threads=2, start=fake_start(log))
    assert failure == 0 and most_at_once(spans(log)) == 1


def test_a_failed_stage_stops_what_is_downstream_and_gives_its_exit_code(tmp_path, capsys):
    log = tmp_path / "log.jsonl"
    failure, times = run_stages(list(DIAMOND), DIAMOND, jobs=2, threads=1, start=fake_start(log, {"b": 3}))
    assert failure == 3
    found = spans(log)
    assert "d" not in found and "d" not in times
    assert found["c"][1] < float("inf")  # the stage running beside the failed one finished
    assert "stage 'b' failed (exit code 3)" in capsys.readouterr().err


@pytest.mark.parametrize("arguments, message", [
    (["--jobs", "0"], "--jobs: 0 is not a number of stages; expected 1 or more"),
    (["--jobs", "4096"], f"--jobs: 4096 is more than the {cpu_cores()} CPU cores of this machine; expected at most"),
    (["--jobs", "1", "no_such_stage"], "'no_such_stage' is not a stage of this project; expected a name that"),
    (["--times", "no/such/folder/times.json"], "--times: the folder of 'no/such/folder/times.json' does not exist"),
])
def test_bad_arguments_stop_with_one_line(arguments, message):
    result = subprocess.run([sys.executable, "-m", "panx_ner.parallel_repro", *arguments], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr, result.stderr
    assert result.stdout == ""


def ran(output: str) -> set[str]:
    """The stages whose command DVC ran, from its output (plain, or headed by the stage)."""
    return {line.split("Running stage '")[1].split("'")[0] for line in output.splitlines() if "Running stage '" in line}


@pytest.mark.slow
@pytest.mark.skipif(cpu_cores() < 2, reason="two stages at a time need two cores")
def test_runs_the_stages_dvc_repro_runs_and_leaves_the_targets_up_to_date(tiny_pipeline, tmp_path):
    projects = {}
    for name in ("plain", "parallel"):
        projects[name] = copy_project(tiny_pipeline, tmp_path / name)
        params = yaml.safe_load((projects[name] / "params.yaml").read_text())
        # changes every release stage and tag_examples; the two targets below are independent, so they can overlap
        params["release"]["license"] = "apache-2.0"
        params["examples"]["en"] = "Ada Lovelace wrote programs in London"
        (projects[name] / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True))
    targets = ["release@en", "tag_examples"]
    plain = ran(run(["dvc", "repro", *targets], projects["plain"]).stdout)
    assert {"release@en", "tag_examples"} <= plain and "release@all" not in plain
    assert not any(name.startswith(("train", "evaluate")) for name in plain)

    project = projects["parallel"]
    done = run([sys.executable, "-m", "panx_ner.parallel_repro", "--jobs", "2", "--times", "times.json", *targets],
               project)
    assert ran(done.stdout) == plain, done.stdout
    assert all(f"[{name}] Running stage '{name}'" in done.stdout for name in plain)
    times = json.loads((project / "times.json").read_text())
    assert plain <= set(times["stage_seconds"]) and times["threads"] == cpu_cores() // 2
    assert "Data and pipelines are up to date" in run(["dvc", "status", *targets], project).stdout
    spans = sorted((start, start + times["stage_seconds"][name]) for name, start in times["stage_start"].items())
    assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:]))  # some stages overlapped
    # the same outputs: dvc.lock holds their hashes (its stages are in the order they finished)
    assert yaml.safe_load((project / "dvc.lock").read_text()) == yaml.safe_load((projects["plain"] / "dvc.lock").read_text())
    again = run([sys.executable, "-m", "panx_ner.parallel_repro", "--jobs", "2", *targets], project).stdout
    assert again.strip() == "Data and pipelines are up to date."


# a stage that records its pid and sleeps; interrupted, it takes 2 s to clean up before it exits
SLEEPER = ("python -c \"import os, signal, sys, time; "
           "signal.signal(signal.SIGINT, lambda *_: (time.sleep(2), sys.exit(130))); "
           "open('{name}.pid', 'w').write(str(os.getpid())); time.sleep(120)\"")


@pytest.mark.skipif(cpu_cores() < 2, reason="two stages at a time need two cores")
def test_ctrl_c_stops_the_running_stages_and_exits_130_with_one_line(tmp_path):
    from panx_ner.params import HUB_PLACEHOLDER

    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["dataset"].update(source="google/xtreme", tracked=HUB_PLACEHOLDER)  # Hub ids: nothing local to check
    params["model"].update(checkpoint="intfloat/multilingual-e5-small", tracked=HUB_PLACEHOLDER)
    params["out_of_domain"]["sets"] = {}  # local folders: none beside tmp_path
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False, allow_unicode=True))
    stages = {name: {"cmd": SLEEPER.format(name=name), "outs": [f"{name}.txt"]} for name in ("one", "two")}
    (tmp_path / "dvc.yaml").write_text(yaml.safe_dump({"stages": stages}))
    run(["git", "init", "-q"], tmp_path)
    run([sys.executable, "-m", "dvc", "init", "-q"], tmp_path)

    # as from a terminal: the runner in its own process group, with SIGINT handled (a shell without job control
    # starts background commands, CI's perhaps, with SIGINT ignored, and Python keeps it ignored)
    runner = subprocess.Popen([sys.executable, "-m", "panx_ner.parallel_repro", "--jobs", "2"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                              env={**os.environ, "PYTHONPATH": str(REPO)},
                              preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    pids = [tmp_path / f"{name}.pid" for name in stages]
    deadline = time.monotonic() + 120
    while not all(pid.is_file() and pid.read_text() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(pid.is_file() for pid in pids), "the stages did not start"
    os.killpg(runner.pid, signal.SIGINT)  # what Ctrl-C in a terminal does: the whole foreground group
    stdout, stderr = runner.communicate(timeout=120)
    assert runner.returncode == 130, (stdout, stderr)
    assert stderr.splitlines() == ["interrupted: the stages that finished are recorded in dvc.lock; run again to go on"]
    for pid in pids:  # the runner waited for both stages to clean up and end
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid.read_text()), 0)
    assert not (tmp_path / "dvc.lock").is_file() or not yaml.safe_load((tmp_path / "dvc.lock").read_text())
