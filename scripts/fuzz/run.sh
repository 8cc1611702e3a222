#!/bin/bash
# Builds the libFuzzer targets (Sources/vigie-fuzz) with AddressSanitizer and runs each for
# FUZZ_TIME seconds, FUZZ_JOBS targets at a time; prints per-target runs and crashes.
#
#   scripts/fuzz/run.sh                       # every target, 60 s each
#   FUZZ_TIME=600 FUZZ_JOBS=2 scripts/fuzz/run.sh
#   FUZZ_TARGETS="config payload-json" scripts/fuzz/run.sh
#
# Working corpora grow in .build-fuzz/corpus/TARGET (kept between runs, gitignored), seeded from
# scripts/fuzz/seeds and the test fixtures; crash inputs land in .build-fuzz/artifacts/TARGET/.
# Exit status 1 when any target crashed. Replay one input: VIGIE_FUZZ_TARGET=T .build-fuzz/debug/vigie-fuzz FILE
set -euo pipefail
cd "$(dirname "$0")/../.."
FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_JOBS=${FUZZ_JOBS:-1}
SCRATCH=.build-fuzz
ALL="payload-value payload-json payload-senml payload-zigbee2mqtt payload-chirpstack payload-ttn payload-tasmota config profile register series-csv"
TARGETS=${FUZZ_TARGETS:-$ALL}

${SWIFT:-swift} build --product vigie-fuzz --scratch-path "$SCRATCH" --sanitize=fuzzer \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING >&2
BIN="$SCRATCH/debug/vigie-fuzz"

seed() { # target corpus-dir
    local target=$1 dir=$2 seeds=scripts/fuzz/seeds
    mkdir -p "$dir"
    case $target in
        payload-*) cp -n $seeds/payloads/*.json* Tests/VigieCoreTests/Fixtures/payloads/*.json "$dir"/ 2>/dev/null || true
                   [ -d "$seeds/${target#payload-}" ] && cp -n "$seeds/${target#payload-}"/* "$dir"/ ;;
        config) cp -n $seeds/config/* "$dir"/ ;;
        profile) cp -n $seeds/profile/* "$dir"/ ;;
        *) cp -n "$seeds/$target"/* "$dir"/ ;;
    esac
}

run_one() { # target
    local target=$1 corpus="$SCRATCH/corpus/$1" artifacts="$SCRATCH/artifacts/$1/" log="$SCRATCH/logs/$1.log"
    seed "$target" "$corpus"
    mkdir -p "$artifacts" "$SCRATCH/logs"
    local status=0 scratch_tmp
    scratch_tmp=$(mktemp -d)
    TMPDIR=$scratch_tmp VIGIE_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 \
        "$BIN" "$corpus" -max_total_time="$FUZZ_TIME" -artifact_prefix="$artifacts" -print_final_stats=1 \
        -rss_limit_mb=2048 -timeout=20 >"$log" 2>&1 || status=$?
    rm -rf "$scratch_tmp"
    local runs crashes
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    crashes=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
    [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ] && crashes="exit $status"
    printf '%-22s runs %10s  seconds %5s  corpus %5s  crashes %s\n' "$target" "${runs:-0}" "$FUZZ_TIME" \
        "$(ls "$corpus" | wc -l)" "$crashes"
}
export -f run_one seed
export SCRATCH BIN FUZZ_TIME

echo "$TARGETS" | tr ' ' '\n' | grep -v '^$' | xargs -P "$FUZZ_JOBS" -I{} bash -c 'run_one {}' | tee "$SCRATCH/summary.txt"
! grep -q 'crashes [^0]' "$SCRATCH/summary.txt"
