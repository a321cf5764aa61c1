#!/usr/bin/env bash
# The portal download benchmark (issue 19 item 10, download half): a released 100 KB packet and a 50 MB one, each
# downloaded by the patient through the portal's /Copies/Download (sign-in, handler, streamed from the document store),
# in one process; peak RSS of each download (VmHWM, reset before it), time, SHA-256 checked.
# Prints the table and writes it to .himportal/bench-portal-download.md.
set -euo pipefail
cd "$(dirname "$0")/.."
HIMPORTAL_BENCH=1 bash scripts/test.sh "$@" --filter "FullyQualifiedName~Portal.PortalDownloadBenchmark" --logger "console;verbosity=detailed"
cat .himportal/bench-portal-download.md
