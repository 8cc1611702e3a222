#!/bin/bash
# Creates the Python venv with the test peers (scripts/peers/requirements.txt) in .build/peers/venv,
# or leaves it when it is already complete. The tests run this themselves when the venv is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=.build/peers/venv
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import pymodbus, serial, sensorthings, pysmartdatamodels' 2>/dev/null; then exit 0; fi
mkdir -p .build/peers
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check -r scripts/peers/requirements.txt
