#!/usr/bin/env bash
# The ROI packet benchmark (issue 17 item 10): the largest shared chart plus 500 scanned pages built by the packet
# job's handler, against a small packet as the memory baseline; time, peak RSS of each build, qpdf --check.
# Prints the table and writes it to .himportal/bench-roi-packet.md.
set -euo pipefail
cd "$(dirname "$0")/.."
HIMPORTAL_BENCH=1 bash scripts/test.sh "$@" --filter "FullyQualifiedName~Roi.Packets.PacketBenchmark" --logger "console;verbosity=detailed"
cat .himportal/bench-roi-packet.md
