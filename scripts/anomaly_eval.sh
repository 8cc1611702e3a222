#!/usr/bin/env bash
# The detector's figures at each sensitivity, in one run (docs/anomaly.md, "Figures").
#
#   scripts/anomaly_eval.sh VIGIE [SHARED]
#
# VIGIE is a `vigie` binary (a release build: the scores do not depend on the build, the time
# does); SHARED is the folder with tools/ and data/ (default: ../shared beside the repository).
# For low, medium and high it prints one line each:
#   NAB `alarm` at the fixed threshold 0.5 (what an operator receives: standard, low FP, low FN),
#   NAB `anomaly_score` with the threshold optimised per profile (as NAB's scoreboard does),
#   SKAB at the incident level (faults detected, median delay, false alarm onsets per hour).
# The cross-validated figures are separate and slower: scripts/anomaly_cv.py, scripts/skab_cv.py.
set -euo pipefail

[[ $# -ge 1 ]] || { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
vigie="$(realpath "$1")"
shared="$(realpath "${2:-$(dirname "$0")/../../shared}")"
work="$(mktemp -d)"
# The runners' progress lines go to a log, shown only when a step fails.
trap '[[ $? -eq 0 ]] || cat "$work/log" >&2; rm -rf "$work"' EXIT

# The scorer's last line: "NAB standard=NN.N low_fp=NN.N low_fn=NN.N" -> "NN.N / NN.N / NN.N".
nab_figures() { tail -n 1 | sed -E 's/.*standard=([^ ]+) low_fp=([^ ]+) low_fn=([^ ]+).*/\1 \/ \2 \/ \3/'; }

printf '%-11s %-24s %-24s %s\n' sensitivity 'NAB alarm (t = 0.5)' 'NAB score (optimised)' 'SKAB (detected, delay, FA/h)'
for sensitivity in low medium high; do
  detector="$vigie detect --input - --sensitivity $sensitivity"
  alarm=$("$shared/tools/nab_run.sh" -o "$work/$sensitivity" -c alarm -t 0.5 -- "$detector" 2>>"$work/log" | nab_figures)
  score=$(python3 "$shared/tools/nab_score.py" --data "$shared/data/nab/data" \
    --labels "$shared/data/nab/labels.json" --results "$work/$sensitivity" 2>>"$work/log" | nab_figures)
  skab=$(python3 "$shared/tools/skab_incidents.py" "$vigie" "$shared/data/skab/valve1/*.csv" \
    --sensitivity "$sensitivity" 2>>"$work/log" | tail -n 1 | sed -E 's/skab: detected=([^ ]+) median_delay_s=([^ ]+) false_alarms_per_hour=([^ ]+)/\1, \2 s, \3 \/h/')
  printf '%-11s %-24s %-24s %s\n' "$sensitivity" "$alarm" "$score" "$skab"
done
