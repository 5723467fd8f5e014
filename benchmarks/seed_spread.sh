#!/usr/bin/env bash
# How far seeds move the test F1: the three cheapest strategies (fr, it, en) trained with seeds 42, 1 and 2 as one
# DVC experiment. Their seed-42 stages are those of the committed study (unchanged, so not rerun); seeds 1 and 2
# add six train and six evaluate stages. The experiment's metrics/f1.{md,json} (mean ± sd per cell) are copied to
# benchmarks/results/seed_spread.{md,json}; the workspace is then put back as it was (`dvc exp show` keeps the
# experiment as seed-spread).
#
#   bash benchmarks/seed_spread.sh [PROJECT_DIR]   # a checkout where `dvc repro` has run; default: this one
set -euo pipefail
repo=$(git rev-parse --show-toplevel)
project=${1:-$repo}
cd "$project"
dvc exp run -n seed-spread -S 'train.seeds=[42,1,2]' \
  -S '~strategies.de' -S '~strategies.de-fr' -S '~strategies.all' \
  -S error_report.strategy=fr -S learning_curve.zero_shot_strategy=fr
cp metrics/f1.md "$repo/benchmarks/results/seed_spread.md"
cp metrics/f1.json "$repo/benchmarks/results/seed_spread.json"
git checkout -q -- .
dvc checkout -q
