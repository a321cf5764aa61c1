#!/usr/bin/env bash
# Runs every HimPortal test against a real PostgreSQL (started here) and Debian's Chromium.
set -euo pipefail
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"

if [ ! -x /usr/bin/chromium ]; then
  hp_log "installing Chromium from the OS packages (browser tests drive /usr/bin/chromium)"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq chromium >&2
fi

hp_ensure_postgres
export HIMPORTAL_TEST_DB
HIMPORTAL_TEST_DB="$(hp_server_connection)"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
results="$HP_STATE/test-results"
rm -rf "$results"
status=0
dotnet test tests/HimPortal.Tests/HimPortal.Tests.csproj -c Release --logger "trx;LogFileName=tests.trx" \
  --results-directory "$results" "$@" || status=$?

# One plain closing line: N passed, N failed, N skipped.
trx="$results/tests.trx"
if [ -f "$trx" ]; then
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed="$(get passed)"; failed="$(get failed)"; total="$(get total)"; executed="$(get executed)"
  echo "tests: ${passed:-0} passed, ${failed:-0} failed, $(( ${total:-0} - ${executed:-0} )) skipped"
else
  echo "tests: 0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
