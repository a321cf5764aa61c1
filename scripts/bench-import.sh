#!/usr/bin/env bash
# Measures `himportal import` on the Synthea data (40 patient bundles + the 2 master-data bundles) against a
# baseline measured in the same run: `psql \copy` of the same resources, one compact JSON line each, into a one-column
# jsonb table. Prints resources created, wall time, resources/s, peak RSS, the ratio import / \copy and the wall time
# of a second (idempotent, nothing changes) import. Goal: ratio <= 1.0 (<= 1.5 to resolve), peak RSS < 500 MB.
#
#   HIMPORTAL_BENCH_DATA   folder of bundles, *.json or *.json.gz (default: the repository's data/synthea-r4); .json.gz
#                          are decompressed into .himportal/bench/bundles first, so that the import, like the psql
#                          baseline, is timed on plain JSON
#   HIMPORTAL_SKIP_BUILD=1 use the CLI already published to .himportal/bench/cli
#   HIMPORTAL_BENCH_CLI_EXE=PATH   time this executable's `import` instead (an experiment); HIMPORTAL_BENCH_MIGRATE_DLL=PATH
#                                  names a JIT himportal.dll to migrate with (default: the published CLI)
#
# The CLI measured is the one that ships (scripts/lib/publish-cli.sh, as the Dockerfile builds it): the native himportal
# (NativeAOT, src/HimPortal.Cli.Native), which runs the import itself, with the JIT CLI in jit/ for the other commands.
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
source "$(dirname "$0")/lib/publish-cli.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

data="${HIMPORTAL_BENCH_DATA:-$HP_ROOT/data/synthea-r4}"
if [ ! -d "$data" ] || ! compgen -G "$data/*.json*" >/dev/null; then
  hp_log "no bundles in '$data': set HIMPORTAL_BENCH_DATA to a folder of Synthea bundles (*.json or *.json.gz)"
  exit 1
fi
data="$(cd "$data" && pwd)"

if [ ! -x /usr/bin/time ]; then
  hp_log "installing GNU time (/usr/bin/time measures the import's peak memory)"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq time >&2
fi

hp_ensure_postgres
work="$HP_STATE/bench"
mkdir -p "$work"

# The bundles as plain JSON, outside any timing: the repository keeps them gzip-compressed, and decompressing in the
# timed import would measure gzip as well (and no longer compare with the runs in docs/benchmarks/import.md). Written
# afresh each run and checked against the folder's SHA256SUMS where it has one.
if compgen -G "$data/*.json.gz" >/dev/null; then
  plain="$work/bundles"
  rm -rf "$plain"; mkdir -p "$plain"
  hp_log "decompressing the bundles of $data into $plain"
  for f in "$data"/*.json.gz; do gunzip -c "$f" > "$plain/$(basename "${f%.gz}")"; done
  if compgen -G "$data/*.json" >/dev/null; then cp "$data"/*.json "$plain"/; fi
  if [ -f "$data/SHA256SUMS" ]; then
    (cd "$plain" && sha256sum --quiet --ignore-missing -c "$data/SHA256SUMS") || { hp_log "$plain does not match $data/SHA256SUMS"; exit 1; }
  fi
  data="$plain"
fi

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  rm -rf "$work/cli"
  hp_publish_cli "$work/cli" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$work/cli/himportal"
cli_cmd=("$cli")
# The native himportal hands migrate to the JIT CLI beside it (EF Core does not run under NativeAOT).
migrate_cmd=("$cli")
if [ -n "${HIMPORTAL_BENCH_MIGRATE_DLL:-}" ]; then migrate_cmd=(dotnet "$HIMPORTAL_BENCH_MIGRATE_DLL"); fi
if [ -n "${HIMPORTAL_BENCH_CLI_EXE:-}" ]; then cli="$HIMPORTAL_BENCH_CLI_EXE"; cli_cmd=("$cli"); fi
[ -x "$cli" ] || { hp_log "$cli is missing: publish it or unset HIMPORTAL_SKIP_BUILD"; exit 1; }

# --- Baseline input, prepared outside any timing ------------------------------------------------------------------
# One compact JSON line per resource: every entry's resource from every bundle in the folder. That includes the types
# the import skips (Claim, ExplanationOfBenefit, ...), so the baseline stores MORE than the record does: the ratio
# errs against the import, never for it. The lines go to psql's COPY in CSV format with a quote (0x01) and delimiter
# (0x02) that compact JSON cannot contain unescaped, so each line arrives byte for byte as it is in the file (text
# format would read the JSON's backslash escapes as its own).
ndjson="$work/resources.ndjson"
hp_log "writing $ndjson"
read -r resources bundles < <(python3 - "$data" "$ndjson" <<'PY'
import glob, json, os, sys
folder, out = sys.argv[1], sys.argv[2]
count = bundles = 0
with open(out + ".tmp", "w", encoding="utf-8", newline="\n") as f:
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path, encoding="utf-8") as b:
            bundle = json.load(b)
        if bundle.get("resourceType") != "Bundle":
            continue
        bundles += 1
        for entry in bundle.get("entry") or []:
            resource = entry.get("resource")
            if resource is None:
                continue
            f.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")
            count += 1
os.replace(out + ".tmp", out)
print(count, bundles)
PY
)
[ "${resources:-0}" -gt 0 ] || { hp_log "no resources found in the bundles of $data"; exit 1; }

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# psql without the NOTICEs of DROP ... IF EXISTS.
quiet_psql() { PGOPTIONS='-c client_min_messages=warning' hp_psql "$@"; }
fresh_db() { quiet_psql postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null; }
# Dirty pages left by the previous step would otherwise be written during the next timed one.
checkpoint() { hp_psql postgres -c CHECKPOINT >/dev/null; }

fresh_db himportal_bench_copy
# psql \copy of the NDJSON into a fresh one-column jsonb table; prints the wall seconds, checks every line arrived.
copy_baseline() {
  quiet_psql himportal_bench_copy -c "DROP TABLE IF EXISTS raw_resources" -c "CREATE TABLE raw_resources (doc jsonb)"
  checkpoint
  local t0 t1 rows
  t0="$(now)"
  hp_psql himportal_bench_copy \
    -c "\\copy raw_resources (doc) FROM '$ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" >/dev/null
  t1="$(now)"
  rows="$(hp_psql himportal_bench_copy -At -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE doc ? 'resourceType') FROM raw_resources")"
  if [ "$rows" != "$resources $resources" ]; then
    hp_log "baseline: expected $resources rows with a resourceType, got (rows, with resourceType) = $rows"
    return 1
  fi
  elapsed "$t0" "$t1"
}

# The import connects as the superuser, like the other benchmarks (no separate application role here).
himportal_db="himportal_bench_import"
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$himportal_db"
unset ConnectionStrings__HimPortalAdmin

# Runs the import under /usr/bin/time; sets run_wall, run_rss_kb, run_cpu (user + sys s) and run_json. Fails, showing
# the files that failed, unless it exits 0 with every file imported.
run_import() {
  local label="$1" out="$work/import-$1.json" err="$work/import-$1.stderr" times="$work/import-$1.time" rc=0
  checkpoint
  /usr/bin/time -f '%e %M %U %S' -o "$times" "${cli_cmd[@]}" import --json "$data" >"$out" 2>"$err" || rc=$?
  local user sys
  read -r run_wall run_rss_kb user sys < <(tail -n 1 "$times")
  run_cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
  run_json="$out"
  if [ "$rc" -ne 0 ]; then
    hp_log "$label import exited with $rc after ${run_wall}s; standard error ($err):"
    tail -n 20 "$err" >&2
    python3 - "$out" <<'PY' >&2 || true
import json, sys
s = json.load(open(sys.argv[1]))
bad = [f for f in s.get("files", []) if not f.get("ok")]
print(f"{len(bad)} of {len(s.get('files', []))} file(s) failed:")
for f in bad:
    print(f"  {f.get('path')}: {f.get('error')}")
PY
    return 1
  fi
}
# Sum of one section ("created", "unchanged", ...) of the import's JSON summary.
section_sum() { python3 -c 'import json, sys; print(sum(json.load(open(sys.argv[1]))[sys.argv[2]].values()))' "$1" "$2"; }
section_line() {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))[sys.argv[2]]
print(", ".join(f"{k} {v}" for k, v in sorted(d.items(), key=lambda kv: -kv[1])) or "-")' "$1" "$2"
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- The run ------------------------------------------------------------------------------------------------------
fresh_db "$himportal_db"
t0="$(now)"
"${migrate_cmd[@]}" migrate >"$work/migrate.out" 2>&1 || { cat "$work/migrate.out" >&2; exit 1; }
migrate_s="$(elapsed "$t0" "$(now)")"

hp_log "baseline: psql \\copy of $resources resources (1 of 2)"
copy1="$(copy_baseline)"

hp_log "import of $bundles bundles from $data"
run_import first
import_s="$run_wall"; import_rss_kb="$run_rss_kb"; import_cpu="$run_cpu"; first_json="$run_json"
created="$(section_sum "$first_json" created)"
skipped="$(section_sum "$first_json" skipped)"

hp_log "baseline: psql \\copy (2 of 2)"
copy2="$(copy_baseline)"

hp_log "re-import (nothing should change)"
run_import second
reimport_s="$run_wall"; reimport_rss_kb="$run_rss_kb"; reimport_cpu="$run_cpu"; second_json="$run_json"
re_created="$(section_sum "$second_json" created)"
re_updated="$(section_sum "$second_json" updated)"
re_unchanged="$(section_sum "$second_json" unchanged)"

# Disks are noisy: the ratio uses the faster of the two baseline runs (the import's stricter reading). Resources/s counts
# the resources the import created (stored), over its whole wall time.
copy_min="$(awk -v a="$copy1" -v b="$copy2" 'BEGIN { print (a < b ? a : b) }')"
ratio="$(awk -v i="$import_s" -v c="$copy_min" 'BEGIN { printf "%.2f", i / c }')"
per_s="$(awk -v n="$created" -v s="$import_s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
copy_per_s="$(awk -v n="$resources" -v s="$copy_min" 'BEGIN { printf "%.0f", n / s }')"
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo
echo "HimPortal import benchmark: $bundles bundles ($(du -sm "$data" | cut -f1) MB folder, $resources resources) from $data"
echo "  created by import: $(section_line "$first_json" created)"
echo "  skipped by import: $(section_line "$first_json" skipped)"
echo
printf '| %-36s | %12s |\n' "measure" "value"
printf '|%s|%s|\n' "--------------------------------------" "-------------:"
row() { printf '| %-36s | %12s |\n' "$1" "$2"; }
row "resources created" "$created"
row "resources skipped (not stored)" "$skipped"
row "import wall s" "$import_s"
row "resources created / s" "$per_s"
row "import CPU s (user + sys, client)" "$import_cpu"
row "import peak RSS MB" "$(mb "$import_rss_kb")"
row "psql \\copy s (min of before/after)" "$copy_min"
row "psql \\copy s (before, after)" "$copy1, $copy2"
row "psql \\copy rows (all entries) / s" "$copy_per_s"
row "ratio import / \\copy" "$ratio"
row "re-import wall s" "$reimport_s"
row "re-import CPU s (user + sys, client)" "$reimport_cpu"
row "re-import peak RSS MB" "$(mb "$reimport_rss_kb")"
row "re-import created/updated/unchanged" "$re_created/$re_updated/$re_unchanged"
row "migrate s (not in the import time)" "$migrate_s"
echo
echo "Load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, on $(nproc) CPU(s): other work on the machine skews wall times."
echo "Wall times include process start-up (dotnet, psql). Goal: ratio <= 1.0 (<= 1.5 to resolve); peak RSS < 500 MB."
if [ "$re_created" != 0 ] || [ "$re_updated" != 0 ]; then
  echo "note: the re-import created or updated resources; it should change nothing."
fi
