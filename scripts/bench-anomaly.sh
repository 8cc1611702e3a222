#!/usr/bin/env bash
# Benchmark of the anomaly detector: state bytes per sensor and ns per reading (release).
#   scripts/bench-anomaly.sh [NAB_DATA_DIR]   (default ../shared/data/nab/data)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-../shared/data/nab/data}"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
swiftc -O -wmo -parse-as-library -module-name AnomalyBenchmark \
  Sources/VigieCore/Anomaly/*.swift Sources/VigieCore/Model/*.swift Sources/VigieCore/Configuration/*.swift \
  scripts/bench/AnomalyBenchmark.swift -o "$OUT/bench"
find "$DATA" -name '*.csv' -print0 | sort -z | xargs -0 "$OUT/bench"
