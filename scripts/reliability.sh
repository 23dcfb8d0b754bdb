#!/usr/bin/env bash
# Runs the reliability tests (test/reliability/, see docs/reliability.md) on the built tree and
# prints the figures they report: kill points survived, fuzz cases, invalid-argument cases.
# Build first (npm run build). Takes about 1.5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
node --test --test-reporter=spec dist/test/reliability/ >"$log" 2>&1 || status=$?
grep -E 'kill points survived|^fuzz:|invalid-argument cases|numerical fault in|GiB of wasm memory' "$log" | sed 's/^ *//' | cut -c1-200
grep -E '^ℹ (tests|pass|fail)' "$log"
if [ "$status" -ne 0 ]; then grep -A20 '^✖' "$log" | head -60; fi
exit "$status"
