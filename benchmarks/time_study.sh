#!/usr/bin/env bash
# Times the committed study as a new user runs it: `dvc repro` in a fresh clone with an empty DVC cache, each output
# line stamped with the time, then adds the full-study row and its stage times to benchmarks/results/results.json.
#
#   bash benchmarks/time_study.sh [WORK_DIR]      # run alone: anything else on the cores slows the stages
#
# The clone is WORK_DIR/main with ../shared linked beside it, as CI lays it out; its dvc.lock, metrics/ and DVC cache
# are the study's outputs (copy them back to commit them).
set -euo pipefail
repo=$(git rev-parse --show-toplevel)
work=${1:-$(mktemp -d)}
git clone -q "$repo" "$work/main"
ln -s "$(realpath "$repo/../shared")" "$work/shared"
cd "$work/main"
dvc repro 2>&1 | while IFS= read -r line; do printf '%s %s\n' "$(date +%s)" "$line"; done > "$work/repro.log"
python "$repo/benchmarks/run_benchmarks.py" --study-log "$work/repro.log"
