#!/usr/bin/env bash
# The pull-request report, as markdown on standard output: every F1 cell of the two runs with its verdict
# (python -m panx_ner.compare), then each plot picture the change redrew. .github/workflows/compare.yml posts it;
# tests/test_workflow.py runs this same script on the tiny pipeline.
#
#   bash .github/pr-report.sh BASE > report.md      # BASE: the revision the pull request goes into
set -euo pipefail
base=$1
python -m panx_ner.compare "$base" HEAD --md
changed=$(git diff --name-only "$base" HEAD -- 'metrics/*.png')
if [ -n "$changed" ]; then
  printf '\n**Plots this change redrew** (`dvc plots diff %s HEAD` draws every plot of both runs):\n' "$base"
  for plot in $changed; do
    printf '\n![%s](./%s)\n' "$plot" "$plot"
  done
fi
