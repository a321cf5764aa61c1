#!/usr/bin/env bash
# Measures `himportal import` against a baseline measured in the same run: `psql \copy` of the same resources, one
# compact JSON line each, into a one-column jsonb table. Each import runs into a fresh, migrated database, between two
# baselines, and its ratio is to the faster of the two. Prints, per import: wall time, client and PostgreSQL CPU,
# resources stored per second, peak RSS (GNU time) and the ratio import / \copy; then a re-import that must change
# nothing. Goal: ratio <= 1.0; peak RSS flat in the corpus size.
#
#   HIMPORTAL_BENCH_SCALE=K   import K copies of every patient bundle, each with fresh ids (distinct patients), and the
#                             master data once (scripts/make-scale-corpus.sh; K=5: about 106,000 stored resources).
#                             Unset: the data folder as it is (40 patients, 21,208 stored resources).
#   HIMPORTAL_BENCH_DATA      folder of bundles, *.json or *.json.gz (default: the repository's data/synthea-r4)
#   HIMPORTAL_BENCH_RUNS=N    repeat the measurement N times in this run (default 1)
#   HIMPORTAL_BENCH_REIMPORT=0  skip the re-import
#   HIMPORTAL_SKIP_BUILD=1    use the CLI already published to .himportal/bench/cli
#   HIMPORTAL_BENCH_ALSO='LABEL=COMMAND;...'  also time these imports in each run, each between baselines and into a
#                             fresh database (an experiment: another build, or `env DOTNET_X=Y .himportal/bench/cli/himportal`);
#                             'job=import_with_job' times the import as a job in the running web host (see below)
#   HIMPORTAL_BENCH_CLI_EXE=PATH  time this executable as the first importer instead of the published CLI (which still
#                             migrates the databases)
#
# The CLI measured is the one that ships (scripts/lib/publish-cli.sh, as the Dockerfile publishes it), started by its
# app host: process start-up is in the time. Another way to import (a job in the running web host, say) is another
# importer function like import_with_cli below, setting the same run_* results; name it in HIMPORTAL_BENCH_ALSO
# ('web-job=import_with_web_job ARGS...') and the loop times it between baselines like the CLI.
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
source "$(dirname "$0")/lib/publish-cli.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

source_data="${HIMPORTAL_BENCH_DATA:-$HP_ROOT/data/synthea-r4}"
if [ ! -d "$source_data" ] || ! compgen -G "$source_data/*.json*" >/dev/null; then
  hp_log "no bundles in '$source_data': set HIMPORTAL_BENCH_DATA to a folder of Synthea bundles (*.json or *.json.gz)"
  exit 1
fi
source_data="$(cd "$source_data" && pwd)"
scale="${HIMPORTAL_BENCH_SCALE:-}"
runs="${HIMPORTAL_BENCH_RUNS:-1}"

if [ ! -x /usr/bin/time ]; then
  hp_log "installing GNU time (/usr/bin/time measures the import's peak memory)"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq time >&2
fi

hp_ensure_postgres
work="$HP_STATE/bench"
mkdir -p "$work"

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  rm -rf "$work/cli"
  hp_publish_cli "$work/cli" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$work/cli/himportal"
[ -x "$cli" ] || { hp_log "$cli is missing: publish it or unset HIMPORTAL_SKIP_BUILD"; exit 1; }
cli_cmd=("$cli")
if [ -n "${HIMPORTAL_BENCH_CLI_EXE:-}" ]; then cli_cmd=("$HIMPORTAL_BENCH_CLI_EXE"); fi

# --- The corpus and the baseline's input, prepared outside any timing ---------------------------------------------
# The import reads plain *.json; a scaled corpus (or a folder of .json.gz) is written once per K and source folder.
if [ -n "$scale" ] || ! compgen -G "$source_data/*.json" >/dev/null; then
  k="${scale:-1}"
  data="$work/corpus-$k"
  stamp="$k $source_data ${HIMPORTAL_CORPUS_SEED:-1} $(sha256sum "$HP_ROOT/scripts/make-scale-corpus.sh" | cut -c1-16)"
  if [ "$(cat "$data/.stamp" 2>/dev/null)" != "$stamp" ]; then
    hp_log "writing the corpus: $k cop(ies) of each patient bundle of $source_data"
    rm -rf "$data"
    bash "$HP_ROOT/scripts/make-scale-corpus.sh" "$k" "$data" "$source_data" >&2
    echo "$stamp" >"$data/.stamp"
  fi
else
  data="$source_data"
fi

# One compact JSON line per resource: every entry's resource from every bundle in the folder. That includes the types
# the import skips (Claim, ExplanationOfBenefit, ...), so the baseline stores MORE than the record does: the ratio
# errs against the import, never for it. The lines go to psql's COPY in CSV format with a quote (0x01) and delimiter
# (0x02) that compact JSON cannot contain unescaped, so each line arrives byte for byte as it is in the file (text
# format would read the JSON's backslash escapes as its own).
ndjson="$work/resources.ndjson"
ndjson_stamp="$data $(stat -c %Y "$data") $(ls "$data" | wc -l)"
if [ "$(cat "$ndjson.stamp" 2>/dev/null)" != "$ndjson_stamp" ] || [ ! -f "$ndjson.count" ]; then
  hp_log "writing $ndjson"
  python3 - "$data" "$ndjson" <<'PY' >"$ndjson.count"
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
  echo "$ndjson_stamp" >"$ndjson.stamp"
fi
read -r resources bundles <"$ndjson.count"
[ "${resources:-0}" -gt 0 ] || { hp_log "no resources found in the bundles of $data"; exit 1; }

# --- Measuring ----------------------------------------------------------------------------------------------------
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
# psql without the NOTICEs of DROP ... IF EXISTS.
quiet_psql() { PGOPTIONS='-c client_min_messages=warning' hp_psql "$@"; }
fresh_db() { quiet_psql postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null; }
# Dirty pages left by the previous step would otherwise be written during the next timed one.
checkpoint() { hp_psql postgres -c CHECKPOINT >/dev/null; }

# CPU seconds (user + sys) of the whole PostgreSQL server so far: the postmaster, its live children and the children it
# has reaped (the import's and psql's backends end with their sessions). Empty when the server is not a local one.
postmaster="$(head -n 1 "$HP_STATE/pg/data/postmaster.pid" 2>/dev/null || true)"
clk_tck="$(getconf CLK_TCK)"
server_cpu() {
  [ -n "$postmaster" ] && [ -r "/proc/$postmaster/stat" ] || { echo ""; return 0; }
  local ticks=0 pid
  ticks=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 + $14 + $15 }' "/proc/$postmaster/stat")
  for pid in $(cat "/proc/$postmaster/task/$postmaster/children" 2>/dev/null); do
    ticks=$(( ticks + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat" 2>/dev/null || echo 0) ))
  done
  awk -v t="$ticks" -v h="$clk_tck" 'BEGIN { printf "%.2f", t / h }'
}
cpu_delta() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }' || echo "-"; }

copy_db="himportal_bench_copy"
fresh_db "$copy_db"
# One baseline: psql \copy of the NDJSON into a fresh one-column jsonb table; prints the wall seconds, checks every line
# arrived.
copy_baseline() {
  quiet_psql "$copy_db" -c "DROP TABLE IF EXISTS raw_resources" -c "CREATE TABLE raw_resources (doc jsonb)"
  checkpoint
  local t0 t1 rows
  t0="$(now)"
  hp_psql "$copy_db" -c "\\copy raw_resources (doc) FROM '$ndjson' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')" >/dev/null
  t1="$(now)"
  rows="$(hp_psql "$copy_db" -At -c "SELECT count(*) || ' ' || count(*) FILTER (WHERE doc ? 'resourceType') FROM raw_resources")"
  if [ "$rows" != "$resources $resources" ]; then
    hp_log "baseline: expected $resources rows with a resourceType, got (rows, with resourceType) = $rows"
    return 1
  fi
  elapsed "$t0" "$t1"
}

# A fresh database, migrated by the published CLI (not timed); the importers connect to it as the superuser, like the
# other benchmarks (no separate application role here).
prepare_db() {
  fresh_db "$1"
  ConnectionStrings__HimPortal="$(hp_server_connection);Database=$1" "$cli" migrate >"$work/migrate.out" 2>&1 \
    || { cat "$work/migrate.out" >&2; return 1; }
}

# Importer: `COMMAND import --json DATA` into database DB, under GNU time. Usage: import_with_cli NAME DB COMMAND...
# Sets run_wall, run_cpu (client user + sys s), run_rss_kb and run_json (the import's JSON summary); fails, showing the
# files that failed, unless it exits 0 with every file imported.
import_with_cli() {
  local name="$1" db="$2"; shift 2
  local out="$work/import-$name.json" err="$work/import-$name.stderr" times="$work/import-$name.time" rc=0 user sys
  ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db" \
    /usr/bin/time -f '%e %M %U %S' -o "$times" "$@" import --json "$data" >"$out" 2>"$err" || rc=$?
  read -r run_wall run_rss_kb user sys < <(tail -n 1 "$times")
  run_cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
  run_json="$out"
  if [ "$rc" -ne 0 ]; then
    hp_log "$name: import exited with $rc after ${run_wall}s; standard error ($err):"
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

# Importer: the import as a job in the running web host (ADR 0014), as an HIM clerk would start it: the web app starts on
# database DB (not timed) with the corpus as a server folder (Intake:ServerFolders:bench), warms up on one import of the
# data folder (the JIT compiles then, as in a host that has imported before; not timed), and then the clerk asks for the
# folder's import through the page; the time runs from that request until the job is done. Sets run_wall, run_cpu (the
# web app's user + sys during the job), run_rss_kb (the web app's peak RSS, start-up and warm-up included) and run_json
# (the job's result: the import's summary). Usage in HIMPORTAL_BENCH_ALSO: 'job=import_with_job [NAME=VALUE ...]' (the values
# are set for the web app: an experiment with its runtime settings).
import_with_job() {
  local name="$1" db="$2"; shift 2
  local extra_env=("$@") # settings for the web app in this variant, e.g. DOTNET_gcServer=0
  if [ "${HIMPORTAL_BENCH_JOB_JITLOG:-0}" = 1 ]; then
    # Every method the JIT compiles, one line each; the lines written during the timed job are kept apart.
    extra_env+=(DOTNET_JitStdOutFile="$work/jit-$name.txt" DOTNET_JitDisasmSummary=1)
    rm -f "$work/jit-$name.txt"
  fi
  local web="$HP_ROOT/src/HimPortal.Web/bin/Release/net10.0/HimPortal.Web.dll" port base jar token email password job status t0 t1 cpu0 cpu1
  if [ ! -f "$web" ] || [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
    dotnet build "$HP_ROOT/src/HimPortal.Web" -c Release -v quiet -nologo >"$work/build-web.log" 2>&1 || { cat "$work/build-web.log" >&2; return 1; }
  fi
  export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
  # One copy with ids of another seed: patients the timed corpus does not have.
  local warmup_corpus="$work/warmup-corpus"
  if [ ! -f "$warmup_corpus/.done" ]; then
    rm -rf "$warmup_corpus"
    HIMPORTAL_CORPUS_SEED=424242 bash "$HP_ROOT/scripts/make-scale-corpus.sh" 1 "$warmup_corpus" "$source_data" >&2
    touch "$warmup_corpus/.done"
  fi
  email="bench.clerk@bench.himportal.test"
  password="$("$cli" users add --email "$email" --role HimClerk --name "Bench Clerk" --no-password-change 2>&1 | sed -n 's/^Password: //p')"
  [ -n "$password" ] || { hp_log "$name: the clerk's account was not created"; return 1; }
  port="$(hp_free_port 5190 5191 5192)"; base="http://127.0.0.1:$port"
  (cd "$HP_ROOT/src/HimPortal.Web" && exec env "${extra_env[@]}" ASPNETCORE_ENVIRONMENT=Production Security__RequireHttps=false DataProtection__CertificatePath="$HP_STATE/dataprotection.pfx" DataProtection__CreateIfMissing=true Jobs__RunSchedules=false \
    Intake__ServerFolders__bench="$data" Intake__ServerFolders__warmup="$source_data" Intake__ServerFolders__warmup2="$warmup_corpus" \
    Logs__Path="$work/web-$name-.log" \
    ${HIMPORTAL_BENCH_WEB_EXE:-dotnet "$web"} --urls "$base") >"$work/web-$name.out" 2>&1 &
  local web_pid=$!
  for _ in $(seq 1 240); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "$base/health/ready" >/dev/null || { hp_log "$name: the web app did not start"; tail -20 "$work/web-$name.out" >&2; kill "$web_pid"; return 1; }
  jar="$work/clerk-$name.jar"; rm -f "$jar"
  token="$(curl -fs -c "$jar" -b "$jar" "$base/Account/Login" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
  curl -fs -o /dev/null -c "$jar" -b "$jar" "$base/Account/Login" --data-urlencode "Input.Email=$email" \
    --data-urlencode "Input.Password=$password" --data-urlencode "__RequestVerificationToken=$token"
  # Starts the import of a server folder through the page; prints the job's id when it is done, fails unless it succeeded.
  folder_job() {
    local page
    page="$(curl -fs -c "$jar" -b "$jar" "$base/Intake/Import")"
    token="$(echo "$page" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
    job="$(curl -fs -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" --data-urlencode "folder=$1" \
      --data-urlencode "__RequestVerificationToken=$token" "$base/Intake/Import?handler=Folder")"
    job="${job##*/}"
    [ -n "$job" ] || { hp_log "$name: the folder import did not go to a job page"; return 1; }
    # Waits inside one session (a psql started every few milliseconds would cost the server more than it measures).
    status="$(hp_psql "$db" -At -c "DO \$\$ BEGIN
        WHILE (SELECT status FROM jobs.jobs WHERE id = '$job') NOT IN ('succeeded', 'failed', 'cancelled') LOOP
          PERFORM pg_sleep(0.02);
        END LOOP; END \$\$" -c "SELECT status FROM jobs.jobs WHERE id = '$job'" | tail -n 1)"
    [ "$status" = succeeded ] || { hp_log "$name: job $job $status"; return 1; }
    echo "$job"
  }
  # A host that has run for a while has imported before: two imports of other patients (not timed) let the JIT settle,
  # as it would have (the first, of the data folder, compiles; the second, of one fresh-id copy, tiers the hot code up).
  hp_log "$name: warming the web app up on two imports of other patients (not timed)"
  folder_job warmup >/dev/null || { kill "$web_pid"; return 1; }
  folder_job warmup2 >/dev/null || { kill "$web_pid"; return 1; }
  # What autovacuum would do after the warm-ups' rows, done now rather than during the timed import.
  quiet_psql "$db" -c "VACUUM ANALYZE" >/dev/null
  checkpoint
  local perf_pid=""
  if [ "${HIMPORTAL_BENCH_JOB_PERF:-0}" = 1 ]; then
    # CPU samples of the web app during the job (JIT frames need DOTNET_PerfMapEnabled=1 among the variant's settings).
    perf record -e cpu-clock -F 999 -g -p "$web_pid" -o "$work/perf-$name.data" >"$work/perf-$name.log" 2>&1 &
    perf_pid=$!
  fi
  local jit0=0
  [ -f "$work/jit-$name.txt" ] && jit0="$(wc -l <"$work/jit-$name.txt")"
  local pg0; pg0="$(server_cpu)"
  cpu0="$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$web_pid/stat")"
  t0="$(now)"
  job="$(folder_job bench)" || { kill "$web_pid"; return 1; }
  t1="$(now)"
  if [ -f "$work/jit-$name.txt" ]; then
    tail -n +"$((jit0 + 1))" "$work/jit-$name.txt" >"$work/jit-$name-window.txt"
    hp_log "$name: $(wc -l <"$work/jit-$name-window.txt") method(s) compiled during the job: $work/jit-$name-window.txt"
  fi
  if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
    perf report -i "$work/perf-$name.data" --no-children --sort dso,symbol --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -80 >"$work/perf-$name.txt" || true
    hp_log "$name: CPU profile of the web app during the job: $work/perf-$name.txt"
  fi
  cpu1="$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$web_pid/stat")"
  run_wall="$(elapsed "$t0" "$t1")"
  # PostgreSQL's CPU during the job alone (timed() would count the start-up and the warm-ups too).
  run_server_cpu_override="$(cpu_delta "$pg0" "$(server_cpu)")"
  run_cpu="$(awk -v a="$cpu0" -v b="$cpu1" -v h="$clk_tck" 'BEGIN { printf "%.2f", (b - a) / h }')"
  run_rss_kb="$(awk '/^VmHWM:/ { print $2 }' "/proc/$web_pid/status")"
  run_json="$work/import-$name.json"
  hp_psql "$db" -At -c "SELECT result FROM jobs.jobs WHERE id = '$job'" >"$run_json"
  kill "$web_pid"; wait "$web_pid" 2>/dev/null || true
  unset ConnectionStrings__HimPortal
}

server_children() { wc -w <"/proc/$postmaster/task/$postmaster/children" 2>/dev/null || echo 0; }

# Runs one importer: COMMAND is an importer function (import_with_...) and its arguments, or a command line that
# import_with_cli runs. Usage: run_importer NAME DB COMMAND...
run_importer() {
  local name="$1" db="$2"; shift 2
  if [[ "$1" == import_with_* ]] && declare -F "$1" >/dev/null; then
    local importer="$1"; shift
    "$importer" "$name" "$db" "$@"
  else
    import_with_cli "$name" "$db" "$@"
  fi
}

# Times one importer (run_importer and its arguments) after a checkpoint, with PostgreSQL's CPU around it; sets run_*
# and run_server_cpu. The import's backends end just after it does: their CPU counts once they are gone.
timed() {
  checkpoint
  local before after children tries=0
  children="$(server_children)"
  before="$(server_cpu)"
  "$@"
  while [ "$(server_children)" -gt "$children" ] && [ "$tries" -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
  after="$(server_cpu)"
  run_server_cpu="${run_server_cpu_override:-$(cpu_delta "$before" "$after")}"
  run_server_cpu_override=""
}

# Sum of one section ("created", "unchanged", ...) of an import's JSON summary.
section_sum() { python3 -c 'import json, sys; print(sum(json.load(open(sys.argv[1]))[sys.argv[2]].values()))' "$1" "$2"; }
section_line() {
  python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))[sys.argv[2]]
print(", ".join(f"{k} {v}" for k, v in sorted(d.items(), key=lambda kv: -kv[1])) or "-")' "$1" "$2"
}
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b ? a : b) }'; }

# What is timed in each run: LABEL=importer command, the shipped CLI first.
variants=("himportal=${cli_cmd[*]}")
if [ -n "${HIMPORTAL_BENCH_ALSO:-}" ]; then
  IFS=';' read -ra also <<<"$HIMPORTAL_BENCH_ALSO"
  for v in "${also[@]}"; do
    if [ -n "${v// /}" ]; then variants+=("$v"); fi
  done
fi

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
rows_file="$work/rows.tsv"
: >"$rows_file"
row_line() { printf '| %3s | %-12s | %7s | %6s | %6s | %6s | %6s | %5s | %7s | %5s |\n' "$@"; }

for run in $(seq 1 "$runs"); do
  hp_log "run $run of $runs: baseline, psql \\copy of $resources resources"
  copy_before="$(copy_baseline)"
  for index in "${!variants[@]}"; do
    label="${variants[$index]%%=*}"
    read -ra command <<<"${variants[$index]#*=}"
    db="himportal_bench_import_$index"
    prepare_db "$db"
    hp_log "run $run: $label imports $bundles bundles from $data"
    timed run_importer "$label" "$db" "${command[@]}"
    import_s="$run_wall" import_cpu="$run_cpu" import_rss_kb="$run_rss_kb" import_server="$run_server_cpu" import_json="$run_json"
    hp_log "run $run: baseline"
    copy_after="$(copy_baseline)"
    copy_min="$(min "$copy_before" "$copy_after")"
    created="$(section_sum "$import_json" created)"
    ratio="$(awk -v i="$import_s" -v c="$copy_min" 'BEGIN { printf "%.2f", i / c }')"
    per_s="$(awk -v n="$created" -v s="$import_s" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$label" "$import_s" "$import_cpu" "$import_server" \
      "$copy_before" "$copy_after" "$ratio" "$per_s" "$(mb "$import_rss_kb")" "$created" >>"$rows_file"
    if [ "$run" = 1 ] && [ "$index" = 0 ]; then cp "$import_json" "$work/import-first.json"; fi
    copy_before="$copy_after"

    if [ "$index" = 0 ] && [ "${HIMPORTAL_BENCH_REIMPORT:-1}" != 0 ]; then
      hp_log "run $run: re-import (nothing should change)"
      timed run_importer "$label-again" "$db" "${command[@]}"
      re_created="$(section_sum "$run_json" created)"
      re_updated="$(section_sum "$run_json" updated)"
      re_unchanged="$(section_sum "$run_json" unchanged)"
      printf 're\t%s\t%s\t%s\t%s\t%s\t%s/%s/%s\n' "$run" "$run_wall" "$run_cpu" "$run_server_cpu" "$(mb "$run_rss_kb")" \
        "$re_created" "$re_updated" "$re_unchanged" >>"$rows_file"
    fi
  done
done

# --- Report -------------------------------------------------------------------------------------------------------
first_json="$work/import-first.json"
echo
echo "HimPortal import benchmark: $bundles bundles ($(du -sm --exclude=.stamp "$data" | cut -f1) MB), $resources resources, from $data"
if [ "$data" != "$source_data" ]; then
  echo "  corpus: ${scale:-1} cop(ies) of each patient bundle of $source_data, fresh ids per copy (scripts/make-scale-corpus.sh)"
fi
echo "  created by import: $(section_line "$first_json" created)"
echo "  skipped by import: $(section_line "$first_json" skipped)"
echo
row_line run importer "import s" "CPU s" "PG CPU" "\\copy s" "after" ratio "stored/s" "RSS MB"
echo "|----:|--------------|--------:|-------:|-------:|-------:|-------:|------:|--------:|------:|"
grep -v '^re' "$rows_file" | while IFS=$'\t' read -r r l w c s b a q p m n; do row_line "$r" "$l" "$w" "$c" "$s" "$b" "$a" "$q" "$p" "$m"; done
echo
echo "import s: wall time of the whole command, process start-up included; CPU s: the client's user + sys; PG CPU: every"
echo "PostgreSQL process's; \\copy s: the baseline before and after that import; ratio: import / the faster of the two."
python3 - "$rows_file" <<'PY'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if not l.startswith("re")]
by = {}
for r in rows:
    by.setdefault(r[1], []).append(r)
for label, rs in by.items():
    ratios = sorted(float(r[7]) for r in rs)
    walls = sorted(float(r[2]) for r in rs)
    rss = sorted(int(r[9]) for r in rs)
    print(f"{label}: {len(rs)} run(s), {rs[0][10]} resources stored; ratio {ratios[0]:.2f}-{ratios[-1]:.2f} "
          f"(median {statistics.median(ratios):.2f}), import {walls[0]:.2f}-{walls[-1]:.2f} s, peak RSS {rss[0]}-{rss[-1]} MB")
PY
if grep -q '^re' "$rows_file"; then
  echo
  echo "Re-import (the same files again): wall s, client CPU s, PostgreSQL CPU s, peak RSS MB, created/updated/unchanged"
  grep '^re' "$rows_file" | while IFS=$'\t' read -r _ r w c s m n; do
    echo "  run $r: $w s, CPU $c s, PG CPU $s s, $m MB, $n"
    case "$n" in 0/0/*) ;; *) echo "  note: the re-import created or updated resources; it should change nothing." ;; esac
  done
fi
echo
echo "Load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, on $(nproc) CPU(s): other work on the machine skews wall times."
