#!/bin/sh
# Renders the status page with the test suite's demo data in headless Chromium (apt-get install chromium).
# Usage: scripts/status-page-screenshot.sh [OUT.png] [WIDTH,HEIGHT]   (390,1400 for a phone)
set -e
out=${1:-/tmp/vigie-status.png}
VIGIE_SCREENSHOT=$out VIGIE_SCREENSHOT_SIZE=${2:-1280,900} \
  swift test --filter statusPageIsSelfContainedAndShowsTheState >/dev/null
echo "wrote $out"
