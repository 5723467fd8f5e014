"""How often gradient clipping acts, and on which batches: one F1-check training that records, for every step, the
batch's labelled sub-words and the gradient's norm before the Trainer clips it to `max_grad_norm` (1.0).

    python benchmarks/clip_probe.py fr-1000 project 42      # a setup or variant, as in benchmarks/f1_levers.py
    python benchmarks/clip_probe.py fr-1000 book 42

Why: with length-grouped batches each batch's loss is its summed token loss over the average labelled sub-words per
batch, so a batch of long sentences has a gradient several times that of a batch of fragments. Where clipping acts,
it scales every clipped step's gradient down to the same norm, which takes back that per-token weighting; random
batches with each batch's mean loss are clipped alike whatever their lengths. The probe shows how much of the
training that concerns. Appends a summary line to benchmarks/results/clip_probe.jsonl.
"""

from __future__ import annotations

import json
import statistics
import sys
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.run_benchmarks import RESULTS, f1_check_worker, f1_set  # noqa: E402

PROBE = RESULTS / "clip_probe.jsonl"


def summary(steps: list[tuple[int, float]], max_norm: float, tokens_per_batch: float) -> dict:
    """Share of steps clipped, and the factor clipping scaled the gradient by (1: untouched), for the third of the
    batches with the fewest labelled sub-words and the third with the most."""
    by_size = sorted(steps)
    third = len(by_size) // 3
    factor = [min(1.0, max_norm / norm) for _, norm in by_size]
    return {"steps": len(steps), "clipped_share": round(sum(f < 1 for f in factor) / len(factor), 3),
            "median_norm": round(statistics.median(norm for _, norm in steps), 3),
            "tokens_per_batch": round(tokens_per_batch, 1),
            "fewest_third": {"median_tokens": statistics.median(t for t, _ in by_size[:third]),
                             "median_clip_factor": round(statistics.median(factor[:third]), 3)},
            "most_third": {"median_tokens": statistics.median(t for t, _ in by_size[-third:]),
                           "median_clip_factor": round(statistics.median(factor[-third:]), 3)}}


def main() -> None:
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    (language, size), side, seed = f1_set(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    from transformers import Trainer

    from panx_ner.tags import IGNORED_LABEL

    steps: list[tuple[int, float]] = []
    labelled = []
    max_norm = []
    training_step, clip = Trainer.training_step, Trainer._clip_grad_norm

    def recording_step(self, model, inputs, *args, **kwargs):
        labelled.append(int((inputs["labels"] != IGNORED_LABEL).sum()))
        return training_step(self, model, inputs, *args, **kwargs)

    def recording_clip(self, model):
        norm = clip(self, model)  # the norm before clipping
        steps.append((labelled[-1], float(norm)))
        max_norm[:] = [self.args.max_grad_norm]
        return norm

    Trainer.training_step, Trainer._clip_grad_norm = recording_step, recording_clip
    result = f1_check_worker(side, language, size, seed)  # in this process, so that the recording applies
    row = {"side": side, "set": sys.argv[1], "seed": seed, "precision": result["precision"],
           "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
           "validation_f1": result["validation_f1"], "train_seconds": round(result["seconds"], 1),
           # every epoch covers the training set once, so the mean over steps is the mean per batch
           **summary(steps, max_norm[0], statistics.mean(labelled))}
    PROBE.parent.mkdir(parents=True, exist_ok=True)
    with PROBE.open("a") as log:
        log.write(json.dumps(row) + "\n")
    print(json.dumps(row, indent=1))


if __name__ == "__main__":
    main()
