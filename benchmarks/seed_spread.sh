#!/usr/bin/env bash
# How far seeds move the test F1: some strategies trained with seeds 42, 1 and 2. Their seed-42 stages are those of
# the committed study (unchanged, so not rerun); seeds 1 and 2 add a train and an evaluate stage per strategy. The
# run's metrics/f1.{md,json} (mean ± sd per cell) are copied to benchmarks/results/<NAME>.{md,json}; the workspace
# is then put back as it was.
#
#   bash benchmarks/seed_spread.sh [PROJECT_DIR]      # fr, it, en as one DVC experiment (`dvc exp show`: seed-spread)
#   STRATEGIES="de fr all" JOBS=2 NAME=seed_spread_packed bash benchmarks/seed_spread.sh [PROJECT_DIR]
#       # other strategies, stages side by side as the study runs them (python -m panx_ner.parallel_repro --jobs 2,
#       # one thread per training, like the committed models); not kept as an experiment
#
# PROJECT_DIR: a checkout where `dvc repro` has run; default: this one.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)  # this checkout, wherever the command runs
project=${1:-$repo}
strategies=${STRATEGIES:-fr it en}
name=${NAME:-seed_spread}
cd "$project"
# params.yaml with seeds 42, 1 and 2 and only these strategies (the error report and the curve's zero-shot line
# follow the first of them); either run below then trains and scores what that adds
STRATEGIES="$strategies" python - <<'PARAMS'
import os
import yaml
params = yaml.safe_load(open("params.yaml"))
keep = os.environ["STRATEGIES"].split()
params["train"]["seeds"] = [42, 1, 2]
params["strategies"] = {name: languages for name, languages in params["strategies"].items() if name in keep}
params["error_report"]["strategy"] = params["learning_curve"]["zero_shot_strategy"] = keep[0]
yaml.safe_dump(params, open("params.yaml", "w"), sort_keys=False, allow_unicode=True)
PARAMS
if [ -z "${JOBS:-}" ]; then
  dvc exp run -n seed-spread   # an experiment of the workspace as edited above
else
  python -m panx_ner.parallel_repro --jobs "$JOBS"
fi
cp metrics/f1.md "$repo/benchmarks/results/$name.md"
cp metrics/f1.json "$repo/benchmarks/results/$name.json"
git checkout -q -- .
dvc checkout -q
