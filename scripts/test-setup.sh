#!/usr/bin/env bash
# Installs what the test suite runs for real: redis-server, prometheus and
# promtool, alertmanager's amtool, systemd-journal-remote (to build journal
# files), chromium (the trace page's browser test drives it through
# playwright-core, never a downloaded browser), then the npm dependencies.
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A needed=(
  [redis-server]=redis-server
  [promtool]=prometheus
  [prometheus]=prometheus
  [amtool]=prometheus-alertmanager
  [journalctl]=systemd
  [/lib/systemd/systemd-journal-remote]=systemd-journal-remote
  [chromium]=chromium
)
missing=()
for binary in "${!needed[@]}"; do
  command -v "$binary" >/dev/null 2>&1 || [ -x "$binary" ] || missing+=("${needed[$binary]}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: $packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
  else
    echo "missing test dependencies; install them with:" >&2
    echo "  sudo apt-get install -y $packages" >&2
    exit 1
  fi
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
fi
