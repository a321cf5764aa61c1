#!/usr/bin/env bash
# The master patient index at scale (issue 16 item 6), on a generated population (tools/HimPortal.PopulationGenerator):
# for each size (the baseline HIMPORTAL_BENCH_BASELINE persons first, then HIMPORTAL_BENCH_PERSONS), into a fresh,
# migrated database: generate, load with `himportal import` (the product's import of transaction bundles), refresh
# every record's match keys, then
#   (a) one record matched against the whole index: PatientMatcher.CandidatesAsync on HIMPORTAL_BENCH_PROBES random
#       records, p50/p95/p99 ms; baseline: a primary-key read of the same record's match keys (goal p95 <= 50 ms at 1M)
#   (b) the full scan (ScanIndexHandler, as `himportal mpi scan` runs it), wall seconds and peak RSS
#       (GNU time; goal <= 10 min at 1M, peak RSS flat between the baseline size and the large one)
#   (c) recall and precision against the truth files (scripts/mpi-quality.py): recall of true duplicates (linked or on
#       the worklist) >= 95 %, no hard non-duplicate auto-linked; auto-link and worklist precision/recall by kind of error.
# Results: .himportal/bench/mpi-N/ (import.json, refresh.json, match.json, scan.json, quality.json, *.time) and a table.
#
#   HIMPORTAL_BENCH_PERSONS=N    persons of the large run (default 1000000; duplicates add 5 %)
#   HIMPORTAL_BENCH_BASELINE=N   persons of the baseline run (default 100000; 0 skips it)
#   HIMPORTAL_BENCH_PROBES=N     records matched one at a time (default 1000)
#   HIMPORTAL_BENCH_AUTOLINK=1   turn auto-linking on for the scan (default off, as shipped: see docs/benchmarks/mpi.md
#                                for why the 1M run leaves it off)
#   HIMPORTAL_SKIP_BUILD=1       use the builds already in bin/Release
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

persons="${HIMPORTAL_BENCH_PERSONS:-1000000}"
baseline="${HIMPORTAL_BENCH_BASELINE:-100000}"
probes="${HIMPORTAL_BENCH_PROBES:-1000}"
work="$HP_STATE/bench"
mkdir -p "$work"
if [ ! -x /usr/bin/time ]; then
  hp_log "installing GNU time (/usr/bin/time measures peak memory)"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq time >&2
fi
hp_ensure_postgres

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the CLI and the two tools (Release)"
  for p in src/HimPortal.Cli tools/HimPortal.PopulationGenerator tools/HimPortal.MpiBench; do
    dotnet build "$p" -c Release -v quiet -nologo >"$work/mpi-build.log" 2>&1 || { cat "$work/mpi-build.log" >&2; exit 1; }
  done
fi
cli=(dotnet "$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll")
generator="$HP_ROOT/tools/HimPortal.PopulationGenerator/bin/Release/net10.0/himportal-population"
bench="$HP_ROOT/tools/HimPortal.MpiBench/bin/Release/net10.0/himportal-mpi-bench"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
quiet_psql() { PGOPTIONS='-c client_min_messages=warning' hp_psql "$@"; }

run_size() {
  local n="$1" dir="$work/mpi-$1" db="bench_mpi_$1" t0 t1
  mkdir -p "$dir"
  hp_log "$n persons: generating into $dir/population"
  t0=$(now); "$generator" --persons "$n" --out "$dir/population" >"$dir/population.json"; t1=$(now)
  echo "$(elapsed "$t0" "$t1")" >"$dir/generate.seconds"
  quiet_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
  export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
  "${cli[@]}" migrate >"$dir/migrate.out" 2>&1 || { cat "$dir/migrate.out" >&2; return 1; }
  hp_log "$n persons: himportal import"
  t0=$(now)
  /usr/bin/time -f '%e %M' -o "$dir/import.time" "${cli[@]}" import --json "$dir/population/bundles" >"$dir/import.json" 2>"$dir/import.stderr" \
    || { tail -5 "$dir/import.stderr" >&2; return 1; }
  t1=$(now); echo "$(elapsed "$t0" "$t1")" >"$dir/import.seconds"
  quiet_psql "$db" -c "VACUUM ANALYZE" >/dev/null
  hp_log "$n persons: match keys refresh"
  /usr/bin/time -f '%e %M' -o "$dir/refresh.time" "$bench" refresh >"$dir/refresh.json" 2>"$dir/refresh.stderr"
  quiet_psql "$db" -c "VACUUM ANALYZE mpi.match_keys" -c "CHECKPOINT" >/dev/null
  hp_log "$n persons: $probes records matched one at a time"
  "$bench" match-sample "$probes" >"$dir/match.json" 2>"$dir/match.stderr"
  if [ "${HIMPORTAL_BENCH_AUTOLINK:-0}" = 1 ]; then
    # The settings row exists after the matcher's first read; auto-linking on, thresholds as shipped.
    quiet_psql "$db" -c "UPDATE mpi.match_settings SET auto_link_enabled = true" >/dev/null
  fi
  hp_log "$n persons: full scan"
  /usr/bin/time -f '%e %M' -o "$dir/scan.time" "$bench" scan >"$dir/scan.json" 2>"$dir/scan.stderr" \
    || { tail -5 "$dir/scan.stderr" >&2; return 1; }
  python3 "$HP_ROOT/scripts/mpi-quality.py" "$dir/population" "$dir/scan.json" >"$dir/quality.json"
  python3 - "$dir" "$n" <<'PY'
import json, sys
d, n = sys.argv[1], sys.argv[2]
pop = json.load(open(f"{d}/population.json"))
imp = open(f"{d}/import.time").read().split()
ref = json.load(open(f"{d}/refresh.json"))
m = json.load(open(f"{d}/match.json"))
scan_time = open(f"{d}/scan.time").read().split()
s = json.load(open(f"{d}/scan.json"))
q = json.load(open(f"{d}/quality.json"))
print(f"persons {n}: records {pop['records']}, duplicates {pop['duplicates']}, hard pairs {pop['hardPairs']}")
print(f"  import {float(imp[-2]):.1f} s (peak RSS {int(imp[-1])//1024} MB); match keys refresh {ref['seconds']:.1f} s")
print(f"  match one record ({m['probes']} probes): p50 {m['match']['p50']:.1f} ms, p95 {m['match']['p95']:.1f} ms, p99 {m['match']['p99']:.1f} ms;"
      f" baseline primary-key read p95 {m['baseline']['p95']:.2f} ms")
print(f"  scan {float(scan_time[-2]):.1f} s wall (handler {s['seconds']:.1f} s), peak RSS {int(scan_time[-1])//1024} MB; {s['compared']} pairs scored,"
      f" {s['linked']} linked, {s['review']} to the worklist")
print(f"  recall {q['recall']:.2%}; auto-link precision {q['autolink']['precision']} recall {q['autolink']['recall']};"
      f" worklist precision {q['worklist']['precision']} recall {q['worklist']['recall']}; hard non-duplicates auto-linked {q['hard_autolinked']}")
for kind, k in q["by_kind"].items():
    print(f"    {kind:12} {k['pairs']:6} pairs: linked {k['linked']}, worklist {k['review']}, missed {k['missed']} (recall {k['recall']:.2%})")
PY
}

if [ "$baseline" -gt 0 ]; then run_size "$baseline"; fi
run_size "$persons"
