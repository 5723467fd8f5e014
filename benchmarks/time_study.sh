#!/usr/bin/env bash
# Times the committed study as a new user runs it: `dvc repro` in a fresh clone with an empty DVC cache, each output
# line stamped with the time, then adds the full-study row and its stage times to benchmarks/results/results.json.
#
#   bash benchmarks/time_study.sh [WORK_DIR]             # plain `dvc repro`, one stage at a time
#   JOBS=2 bash benchmarks/time_study.sh [WORK_DIR]      # python -m panx_ner.parallel_repro --jobs 2
#
# Run it alone: anything else on the cores slows the stages. The clone is WORK_DIR/main with ../shared linked beside
# it, as CI lays it out; its dvc.lock, metrics/ and DVC cache are the study's outputs (copy them back to commit them).
set -euo pipefail
repo=$(git rev-parse --show-toplevel)
work=${1:-$(mktemp -d)}
git clone -q "$repo" "$work/main"
ln -s "$(realpath "$repo/../shared")" "$work/shared"
cd "$work/main"
stamp() { while IFS= read -r line; do printf '%s %s\n' "$(date +%s)" "$line"; done; }
if [ -n "${JOBS:-}" ]; then
  python -m panx_ner.parallel_repro --jobs "$JOBS" --times "$work/stage-times.json" 2>&1 | stamp > "$work/repro.log"
  python "$repo/benchmarks/run_benchmarks.py" --study-log "$work/repro.log" --study-times "$work/stage-times.json"
else
  dvc repro 2>&1 | stamp > "$work/repro.log"
  python "$repo/benchmarks/run_benchmarks.py" --study-log "$work/repro.log"
fi
