#!/usr/bin/env bash
# The README's test command: runs every tap test once and ends with a plain
# "N passed, N failed" line that CI and humans both read.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tap
# The agent's process-level tests run the built CLI, as users do.
npm run build --silent || { echo "0 passed, 1 failed"; exit 1; }
npx tap --reporter=tap "$@" | tee .tap/last-run.tap
status=${PIPESTATUS[0]}
summary=$(grep -E '^# \{ total:' .tap/last-run.tap | tail -n 1)
passed=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
echo "${passed:-0} passed, ${failed:-0} failed"
exit "$status"
