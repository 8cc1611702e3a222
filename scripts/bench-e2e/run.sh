#!/bin/bash
# make bench-e2e: every end-to-end load script against the release binary, in one go.
# Each script starts its own brokers, simulators and vigie on 127.0.0.1 and stops them (also on
# Ctrl-C or SIGTERM: the trap passes it to the running script, which stops what it started).
set -euo pipefail
cd "$(dirname "$0")/../.."
child=""
trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait; exit 130' INT TERM
run() { python3 "$@" & child=$!; wait "$child"; child=""; }
export VIGIE=${VIGIE:-.build/release/vigie}
echo "== binary"
ls -l "$VIGIE" | awk '{print $5 " bytes: '"$VIGIE"'"}'
echo "== MQTT ingest (drain of queued messages, then increasing rates)"
run scripts/bench-e2e/ingest.py all "${INGEST_MESSAGES:-100000}"
echo "== Modbus polling"
run scripts/bench-e2e/modbus.py poll "${MODBUS_SECONDS:-30}"
run scripts/bench-e2e/modbus.py startup
echo "== backlog drain after an outage"
run scripts/bench-e2e/drain.py "${DRAIN_DEVICES:-2000}" "${DRAIN_OUTAGE:-40}"
echo "== memory over a steady run (RSS slope)"
run scripts/bench-e2e/soak.py "${SOAK_SECONDS:-600}"
echo "== collectd side by side"
run scripts/bench-e2e/modbus.py collectd "${MODBUS_SECONDS:-30}"
