#!/bin/bash
# Runs the malformed-input corpus tests (payloads of every format, configuration and profile
# mutations, detect CSV lines, bad command lines through the built `vigie`) and adds up what
# they report: "N malformed inputs, 0 crashes". A crash would stop the test process (non-zero).
set -euo pipefail
cd "$(dirname "$0")/../.."
${SWIFT:-swift} build --build-tests >&2
bin=$(${SWIFT:-swift} build --show-bin-path)/vigiePackageTests.xctest
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
VIGIE_MALFORMED_FULL=1 "$bin" --testing-library swift-testing \
    --filter 'malformed|MalformedCorpus|BadArgumentsTests|PayloadMalformed|ConfigurationRobustness' >"$log" 2>&1 || status=$?
grep -E '^malformed inputs:' "$log" >&2 || true
total=$(grep -E '^malformed inputs:' "$log" | awk '{ sum += $3 } END { print sum + 0 }')
crashes=$(grep -cE '^malformed inputs:.*[1-9][0-9]* crashes' "$log" || true)
grep -E 'Test run with' "$log" | sed 's/\x1b\[[0-9;]*m//g' >&2 || true
if [ "$status" -ne 0 ]; then
    grep -E '✘' "$log" | head -20 >&2 || true
    [ "$status" -gt 128 ] && crashes=$((crashes + 1))
fi
echo "$total malformed inputs, $crashes crashes"
exit $status
