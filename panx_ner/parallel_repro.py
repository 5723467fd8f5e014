"""`dvc repro` with several stages at a time: python -m panx_ner.parallel_repro [--jobs N] [STAGE ...]

Every stage still runs through `dvc repro --single-item`, so DVC checks, runs, caches, locks and records it exactly as
in a plain `dvc repro`; this module only decides when. A stage starts once every stage upstream of it has finished,
the first ready one in dvc.yaml order first, at most N at a time, each with cores / N threads.

Why: on a few CPU cores one training keeps its threads poorly busy (small matrices, Python between kernels), so two
1-thread trainings side by side move more tokens than one 2-thread training (docs/speed.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

from panx_ner.cli import run_main
from panx_ner.errors import PipelineError

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "RAYON_NUM_THREADS")  # torch, MKL, the Rust tokenizers


def cpu_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def default_jobs() -> int:
    """One stage per CPU core; one at a time where a CUDA GPU trains (stages side by side would share it)."""
    import torch

    return 1 if torch.cuda.is_available() else cpu_cores()


def stages_to_run(targets: list[str]) -> tuple[list[str], dict[str, set[str]]]:
    """(the stages a `dvc repro` of `targets` would run, in dvc.yaml order; each one's upstream stages).

    No targets: every stage. A stage runs if `dvc status` reports it changed or a stage upstream of it runs (DVC's
    run-cache may still restore it instead of running its command)."""
    import networkx as nx
    from dvc.repo import Repo

    repo = Repo()
    try:
        graph = repo.index.graph  # edges point from a stage to the stages whose outputs it depends on
        by_name = {stage.addressing: stage for stage in repo.index.stages}
        named = []  # a foreach/matrix group's name (train) stands for each of its stages (train@de-42, ...), as in dvc
        for target in targets:
            group = [stage for name, stage in by_name.items() if name.startswith(f"{target}@")]
            if target not in by_name and not group:
                raise PipelineError(f"{target!r} is not a stage of this project; expected a name that "
                                    f"`dvc stage list` shows, such as {next(iter(by_name))!r}, or a group of them "
                                    f"such as 'train'")
            named += [by_name[target]] if target in by_name else group
        selected = set(by_name.values()) if not targets else set().union(
            *({stage} | nx.descendants(graph, stage) for stage in named))
        changed = {by_name[name] for name in repo.status()} & selected  # one pass: status per target is slower
    finally:
        repo.close()
    running = changed.union(*(nx.ancestors(graph, stage) for stage in changed)) & selected
    order = [stage.addressing for stage in by_name.values() if stage in running]
    return order, {stage.addressing: {upstream.addressing for upstream in graph.successors(stage)}
                   for stage in running}


def dvc_stage(name: str, threads: int) -> subprocess.Popen:
    """`dvc repro --single-item` of one stage, limited to `threads` threads; waits for DVC's repository lock, which
    the stages running beside it take for moments (before and after their commands)."""
    environment = {**os.environ, **{variable: str(threads) for variable in THREAD_VARIABLES}}
    return subprocess.Popen([sys.executable, "-m", "dvc", "--wait-for-lock", "repro", "--single-item", name],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)


def run_stages(order: list[str], upstream: dict[str, set[str]], jobs: int, threads: int,
               start: Callable[[str, int], subprocess.Popen] = dvc_stage) -> tuple[int, dict[str, dict]]:
    """Runs each stage of `order` once its upstream stages in `order` have finished, at most `jobs` at a time, the
    first ready one in `order` first; their output goes to stdout line by line, each line headed by its stage.

    After a failure no stage starts; the running ones finish. Returns (the first failure's exit code or 0,
    {stage: {"start": seconds from the first start, "seconds": wall time}})."""
    pending, running, times, failure = list(order), {}, {}, 0
    printing = threading.Lock()
    echoes = []
    began = time.monotonic()

    def echo(name: str, stream) -> None:
        for line in stream:
            with printing:
                sys.stdout.write(f"[{name}] {line}")
                sys.stdout.flush()

    try:
        while pending or running:
            if not failure:
                blocked = set(pending) | set(running)
                for name in [name for name in pending if not upstream[name] & blocked][:jobs - len(running)]:
                    pending.remove(name)
                    running[name] = (start(name, threads), time.monotonic())
                    echoes.append(threading.Thread(target=echo, args=(name, running[name][0].stdout), daemon=True))
                    echoes[-1].start()
            elif not running:
                break
            time.sleep(0.1)
            for name, (process, started) in list(running.items()):
                if process.poll() is None:
                    continue
                del running[name]
                times[name] = {"start": round(started - began, 1), "seconds": round(time.monotonic() - started, 1)}
                if process.returncode and not failure:
                    # killed by signal N: the shell's convention, 128 + N
                    failure = process.returncode if process.returncode > 0 else 128 - process.returncode
                    with printing:
                        print(f"stage {name!r} failed (exit code {failure}); waiting for the running stages",
                              file=sys.stderr)
    except KeyboardInterrupt:  # Ctrl-C reached the stages too (one process group): let each DVC stop cleanly
        for process, _ in running.values():
            process.wait()
        raise
    for thread in echoes:
        thread.join()
    return failure, times


def check_jobs(jobs: int, cores: int, train_threads: int, train_processes: int) -> None:
    if jobs < 1:
        raise PipelineError(f"--jobs: {jobs} is not a number of stages; expected 1 or more")
    if jobs > cores:
        raise PipelineError(f"--jobs: {jobs} is more than the {cores} CPU cores of this machine; expected at most "
                            f"{cores}")
    if jobs > 1 and train_threads * jobs > cores:
        raise PipelineError(f"train.threads: {train_threads} for each of {jobs} stages at a time is more than the "
                            f"{cores} CPU cores; expected train.threads: 0 (the runner gives each stage "
                            f"{cores // jobs}) or --jobs 1")
    if jobs > 1 and train_processes > 1:
        raise PipelineError(f"train.processes: {train_processes} with --jobs {jobs} starts {train_processes * jobs} "
                            f"training processes at a time; expected train.processes: 1 or --jobs 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stages", nargs="*", help="stages to reproduce with everything upstream (default: all)")
    parser.add_argument("-j", "--jobs", type=int,
                        help="stages at a time (default: one per CPU core, or 1 with a CUDA GPU)")
    parser.add_argument("--times", type=Path, help="write each stage's start and wall seconds here (JSON)")
    args = parser.parse_args()
    if args.times and not args.times.resolve().parent.is_dir():  # known now, not after an hour of stages
        raise PipelineError(f"--times: the folder of {str(args.times)!r} does not exist; expected a file in an "
                            f"existing folder")
    began = time.monotonic()  # the command's wall time includes finding what to run
    from panx_ner.params import load_params

    train = load_params().train
    cores = cpu_cores()
    args.jobs = default_jobs() if args.jobs is None else args.jobs
    check_jobs(args.jobs, cores, train.threads, train.processes)
    order, upstream = stages_to_run(args.stages)
    if not order:
        print("Data and pipelines are up to date.")
        return
    threads = max(1, cores // args.jobs)
    print(f"{len(order)} stages, {args.jobs} at a time with {threads} thread{'s' * (threads > 1)} each", flush=True)
    try:
        failure, times = run_stages(order, upstream, args.jobs, threads)
    except KeyboardInterrupt:
        print("interrupted: the stages that finished are recorded in dvc.lock; run again to go on", file=sys.stderr)
        sys.exit(130)
    seconds = round(time.monotonic() - began, 1)
    if args.times:
        args.times.write_text(json.dumps({"jobs": args.jobs, "threads": threads, "seconds": seconds,
                                          "stage_seconds": {name: times[name]["seconds"] for name in times},
                                          "stage_start": {name: times[name]["start"] for name in times}},
                                         indent=2) + "\n")
    print(f"{len(times)} stages in {seconds:.0f} s, {args.jobs} at a time")
    if failure:
        sys.exit(failure)


if __name__ == "__main__":
    run_main(main)
