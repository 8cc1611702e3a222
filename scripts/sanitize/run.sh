#!/bin/bash
# Runs the test suite under ThreadSanitizer and AddressSanitizer, each in its own build folder
# (.build-tsan, .build-asan: a first build takes ~20 minutes on 2 cores, later ones are
# incremental). Tests run one at a time, as in `make test`.
#
#   scripts/sanitize/run.sh            # both
#   SANITIZERS=thread scripts/sanitize/run.sh
#
# AddressSanitizer runs Swift Testing only (--disable-xctest): XCTest itself leaks on a clean
# suite (docs/reliability.md, "Sanitizers"). Backtraces are off: the Swift backtracer and the
# sanitizers both want the crash signals.
set -euo pipefail
cd "$(dirname "$0")/../.."
SWIFT=${SWIFT:-swift}
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/scripts/sanitize/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for sanitizer in ${SANITIZERS:-thread address}; do
    scratch=.build-${sanitizer:0:1}san
    extra=()
    [ "$sanitizer" = address ] && extra=(--disable-xctest)
    echo "== --sanitize=$sanitizer (build in $scratch)"
    $SWIFT build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" "${extra[@]}"
    log="$scratch/sanitize-test.log"
    if $SWIFT test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" --no-parallel "${extra[@]}" >"$log" 2>&1; then
        result=passed
    else
        result=FAILED; status=1
    fi
    reports=$(grep -c -E '^(WARNING: ThreadSanitizer|==[0-9]+==ERROR: (AddressSanitizer|LeakSanitizer))' "$log" || true)
    summary=$(grep -E 'Test run with [0-9]+ tests' "$log" | sed 's/\x1b\[[0-9;]*m//g' | tail -1 || true)
    echo "--sanitize=$sanitizer: $result, $reports sanitizer report(s); $summary (log: $log)"
    [ "$reports" -eq 0 ] || status=1
done
exit $status
