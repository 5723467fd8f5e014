"""One training epoch on the real German data, for comparing process layouts (validation F1 and wall time).

    python benchmarks/processes_epoch.py                                                  # 1 process x 2 threads
    python -m torch.distributed.run --standalone --nproc_per_node 2 benchmarks/processes_epoch.py   # 2 x 1 thread

Needs `dvc repro make_trainset@de`. Prints one JSON line (from the main process) and appends it to
benchmarks/results/processes_epoch.jsonl.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    import torch

    from panx_ner.artifacts import load_split, trainset_dir
    from panx_ner.params import load_params
    from panx_ner.training import train_model

    params = load_params()
    train_params = params.train.model_copy(update={"epochs": 1})
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as output:
        result = train_model(params.model.checkpoint, load_split(trainset_dir("de"), "train"),
                             load_split(trainset_dir("de"), "validation"), train_params, params.released_seed,
                             Path(output) / "model", "benchmark-processes")
    if result is None:
        return
    from panx_ner.environment import cpu_label

    row = {"cpu": cpu_label(result.environment["cpu"]), "batches": {"sampling": train_params.sampling,
                                                                    "packing": train_params.packing},
           "processes": result.processes, "threads_per_process": torch.get_num_threads(),
           "precision": result.precision, "train_seconds": round(result.train_seconds, 1),
           "wall_seconds": round(time.perf_counter() - started, 1), "validation_f1": result.best_validation_f1}
    print(json.dumps(row))
    with open(REPO / "benchmarks" / "results" / "processes_epoch.jsonl", "a") as log:
        log.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
