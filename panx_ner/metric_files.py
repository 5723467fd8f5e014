"""The files of metrics/ that more than one module reads: the summarize stage writes them, `compare` reads them
at any git revision (as paths relative to the repository root) and `noise` from the workspace."""

from __future__ import annotations

from panx_ner.artifacts import METRICS

F1_JSON = METRICS / "f1.json"  # {strategy: {language: {mean, sd}}} over train.seeds, every test language
OUT_OF_DOMAIN_JSON = METRICS / "out_of_domain.json"  # {strategy: {set/lang: {mean, sd, in_domain, drop, ...}}}
CURVE_CSV = METRICS / "learning_curve.csv"  # per size: f1, f1_sd, zero_shot_f1, and <set>_f1, <set>_f1_sd
TRAINING_SUMMARY = METRICS / "training.json"  # best epoch, training time and where it was trained, every model
NOISE_JSON = METRICS / "noise.json"  # the sd seeds move every cell of the committed setup (python -m panx_ner.noise)
