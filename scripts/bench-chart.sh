#!/usr/bin/env bash
# Load test of the physician's chart: the chart of the largest Synthea patient (the bundle with the most encounters)
# served to 8 concurrent physicians, each signed in with a session of their own, audit writes included (every view
# writes its audit row in the read's transaction). wrk (Debian's package) drives the real web app over HTTP, closed
# loop: each of the 8 connections sends its next request when the previous answer arrives.
# Prints p50 / p95 / p99 latency, pages per second, and checks that every view was a 200 with its audit row.
# Goal (issue 5): p95 <= 50 ms.
#
#   HIMPORTAL_BENCH_DATA     folder of bundles, *.json or *.json.gz (default: the repository's data/synthea-r4)
#   HIMPORTAL_BENCH_SECONDS  measured seconds (default 30; a 10 s warm-up comes first)
#   HIMPORTAL_SKIP_BUILD=1   use the web app and CLI already built in Release
#   HIMPORTAL_BENCH_WARMUP   warm-up seconds (default 10)
#   HIMPORTAL_BENCH_COLD=1   turn the chart content cache off (docs/adr/0011): every view runs its section queries,
#                            as the first view of a chart does
#   HIMPORTAL_BENCH_WEB_EXE  run this web app instead of the Release build (an experiment: a published build)
#   HIMPORTAL_BENCH_UPLOAD=1 then measure again while an HIM clerk uploads every bundle of the data folder (40 patients and
#                            the master data) through the import page: the chart's p95 during the upload job, beside the
#                            p95 measured just before without it, and the job's own time
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

data="${HIMPORTAL_BENCH_DATA:-$HP_ROOT/data/synthea-r4}"
seconds="${HIMPORTAL_BENCH_SECONDS:-30}"
users=8
if [ ! -d "$data" ] || ! compgen -G "$data/*.json*" >/dev/null; then
  hp_log "no bundles in '$data': set HIMPORTAL_BENCH_DATA to a folder of Synthea bundles (*.json or *.json.gz)"
  exit 1
fi
data="$(cd "$data" && pwd)"

if ! command -v wrk >/dev/null 2>&1; then
  hp_log "installing wrk from the OS packages"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq wrk >&2
fi

hp_ensure_postgres
work="$HP_STATE/bench-chart"
rm -rf "$work"; mkdir -p "$work"

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the web app and the CLI (Release)"
  { dotnet build src/HimPortal.Web -c Release -v quiet -nologo && dotnet build src/HimPortal.Cli -c Release -v quiet -nologo; } \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
web="$HP_ROOT/src/HimPortal.Web/bin/Release/net10.0/HimPortal.Web.dll"

# The patient bundle with the most encounters, and the master data it refers to.
read -r bundle encounters observations < <(python3 - "$data" <<'PY'
import glob, gzip, json, os, sys
best = None
folder = sys.argv[1]
for path in sorted(glob.glob(os.path.join(folder, "*.json")) + glob.glob(os.path.join(folder, "*.json.gz"))):
    with (gzip.open if path.endswith(".gz") else open)(path, "rt", encoding="utf-8") as f:
        b = json.load(f)
    if b.get("type") != "transaction":
        continue
    types = [e["resource"]["resourceType"] for e in b.get("entry", [])]
    key = (types.count("Encounter"), types.count("Observation"))
    if best is None or key > best[0]:
        best = (key, path)
print(best[1], best[0][0], best[0][1])
PY
)
hp_log "patient bundle: $(basename "$bundle") ($encounters encounters, $observations observations)"

db=himportal_bench_chart
PGOPTIONS='-c client_min_messages=warning' hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
unset ConnectionStrings__HimPortalAdmin
himportal() { dotnet "$cli" "$@"; }
himportal migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
# Statement statistics where the server has the library loaded (shared_preload_libraries); harmless where not.
hp_psql $db -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null 2>&1 || true
# The master data, plain or gzip-compressed (the import reads either); this import is not timed.
master=()
for f in "$data"/0-*.json "$data"/0-*.json.gz; do [ -f "$f" ] && master+=("$f"); done
himportal import "${master[@]}" "$bundle" >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
patient_id="$(hp_psql $db -At -c "SELECT p.id FROM clinical.patients p ORDER BY (SELECT count(*) FROM clinical.encounters e WHERE e.patient_id = p.id) DESC LIMIT 1")"

# Eight physicians. Those whose NPI took part in the patient's encounters get the relationship from the record;
# the rest get an assignment, as HIM staff would record it. Either way the chart opens in full.
mapfile -t npis < <(hp_psql $db -At -c "
  SELECT DISTINCT pr.npi FROM clinical.encounter_participants ep JOIN clinical.practitioners pr ON pr.id = ep.practitioner_id
  WHERE ep.patient_id = '$patient_id' AND pr.npi IS NOT NULL ORDER BY 1 LIMIT $users")
: >"$work/users.txt"
for i in $(seq 1 $users); do
  email="bench.physician$i@bench.himportal.test"
  npi_arg=()
  [ -n "${npis[$((i - 1))]:-}" ] && npi_arg=(--practitioner-npi "${npis[$((i - 1))]}")
  out="$(himportal users add --email "$email" --role Physician --name "Bench Physician $i" --no-password-change "${npi_arg[@]}" 2>&1)"
  echo "$email $(echo "$out" | sed -n 's/^Password: //p')" >>"$work/users.txt"
  if [ ${#npi_arg[@]} -eq 0 ]; then
    hp_psql $db -c "INSERT INTO access.treatment_assignments (id, patient_id, user_id, reason, assigned_at)
      SELECT gen_random_uuid(), '$patient_id', id, 'load test', now() FROM identity.users WHERE email = '$email'" >/dev/null
  fi
done
hp_log "$users physicians: ${#npis[@]} with a relationship in the record, $((users - ${#npis[@]})) by assignment"

port="$(hp_free_port 5090 5091 5092)"
base="http://127.0.0.1:$port"
hp_log "starting HimPortal (Production settings) on $base"
profile_env=()
if [ "${HIMPORTAL_BENCH_PROFILE:-0}" = 1 ]; then
  # perf needs the JIT's symbol map (and no W^X double mapping); the JIT lists every method it compiles.
  profile_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_JitStdOutFile="$work/jit.txt" DOTNET_JitDisasmSummary=1)
fi
cache_rows=200000; cache_mode="content cache on (repeated views)"
if [ "${HIMPORTAL_BENCH_COLD:-0}" = 1 ]; then cache_rows=0; cache_mode="content cache off (every view reads the record)"; fi
(cd src/HimPortal.Web && exec env "${profile_env[@]}" Charts__ContentCache__Rows=$cache_rows ASPNETCORE_ENVIRONMENT=Production Security__RequireHttps=false DataProtection__CertificatePath="$HP_STATE/dataprotection.pfx" DataProtection__CreateIfMissing=true \
  Logs__Path="$work/himportal-.log" ${HIMPORTAL_BENCH_WEB_EXE:-dotnet "$web"} --urls "$base") >"$work/web.log" 2>&1 &
web_pid=$!
trap 'kill $web_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$base/health/ready" >/dev/null || { hp_log "the web app did not start:"; tail -20 "$work/web.log" >&2; exit 1; }

# Sign each physician in through the login form; keep their session cookie.
cookies=()
while read -r email password; do
  jar="$work/$email.jar"
  token="$(curl -fs -c "$jar" -b "$jar" "$base/Account/Login" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
  curl -fs -o /dev/null -c "$jar" -b "$jar" "$base/Account/Login" --data-urlencode "Input.Email=$email" \
    --data-urlencode "Input.Password=$password" --data-urlencode "__RequestVerificationToken=$token"
  session="$(awk '$6 == "himportal.session" { print $7 }' "$jar")"
  [ -n "$session" ] || { hp_log "$email did not sign in"; exit 1; }
  code="$(curl -s -o "$work/chart.html" -w '%{http_code}' -b "himportal.session=$session" "$base/Charts/Chart/$patient_id")"
  [ "$code" = 200 ] && grep -q "Encounters ($encounters)" "$work/chart.html" \
    || { hp_log "$email cannot open the chart (HTTP $code)"; exit 1; }
  cookies+=("$session")
done <"$work/users.txt"
page_kb="$(( $(stat -c %s "$work/chart.html") / 1024 ))"

# One wrk thread per physician, one connection each, each with its own session cookie.
cat >"$work/chart.lua" <<LUA
local cookies = { $(printf '"%s",' "${cookies[@]}") }
local n = 0
function setup(thread)
  n = n + 1
  thread:set("cookie", "himportal.session=" .. cookies[n])
end
function init(args)
  wrk.headers["Cookie"] = cookie
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f %.3f %d %d\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.duration, summary.bytes))
end
LUA

warmup="${HIMPORTAL_BENCH_WARMUP:-10}"
hp_log "warm-up ($warmup s)"
wrk -t $users -c $users -d "${warmup}s" -s "$work/chart.lua" "$base/Charts/Chart/$patient_id" >"$work/warmup.txt"
# CPU seconds (user + sys) of the web app and of every PostgreSQL process: per view, they do not depend on what else
# the machine is running, unlike the wall-clock latencies.
ticks="$(getconf CLK_TCK)"
cpu_of() { awk -v t="$ticks" '{ s += $14 + $15 } END { printf "%.3f", s / t }' "$@" 2>/dev/null || echo 0; }
# PostgreSQL: the postmaster, its live backends, and (cutime, cstime) the backends that have exited since.
pg_cpu() {
  local master stats=()
  master="$(head -1 "$HP_STATE/pg/data/postmaster.pid" 2>/dev/null || true)"
  [ -n "$master" ] || { echo 0; return; }
  for c in $(cat /proc/"$master"/task/*/children 2>/dev/null); do stats+=("/proc/$c/stat"); done
  awk -v t="$ticks" -v m="/proc/$master/stat" 'FILENAME == m { s += $16 + $17 } { s += $14 + $15 } END { printf "%.3f", s / t }' \
    "/proc/$master/stat" "${stats[@]}" 2>/dev/null || echo 0
}
# Where PostgreSQL spends its time per statement, when the server loads pg_stat_statements (optional). The extension
# can be created where the library is not loaded (the local server), and its functions then fail: the reset tells.
statements="$(hp_psql $db -At -c "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'" 2>/dev/null || true)"
if [ "$statements" = 1 ] && ! hp_psql $db -c "SELECT pg_stat_statements_reset()" >/dev/null 2>&1; then statements=""; fi
audit_before="$(hp_psql $db -At -c "SELECT count(*) FROM audit.access_events WHERE resource_type = 'Chart' AND action = 'view' AND outcome = 'success'")"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
hp_log "measuring ($seconds s, $users concurrent physicians)"
web_cpu0="$(cpu_of /proc/$web_pid/stat)"; pg_cpu0="$(pg_cpu)"
if [ "${HIMPORTAL_BENCH_PROFILE:-0}" = 1 ]; then
  # CPU samples of the web app during the measured run (perf from Debian's linux-perf; JIT frames from the perf map).
  perf record -e cpu-clock -F 499 -g -p "$web_pid" -o "$work/perf.data" -- sleep "$seconds" >"$work/perf.log" 2>&1 &
  perf_pid=$!
  "${DOTNET_TOOLS:-$HOME/.dotnet/tools}/dotnet-counters" collect -p "$web_pid" --duration "00:00:$seconds" --format csv \
    -o "$work/counters.csv" --counters System.Runtime >/dev/null 2>&1 &
fi
wrk -t $users -c $users -d "${seconds}s" --latency -s "$work/chart.lua" "$base/Charts/Chart/$patient_id" >"$work/wrk.txt"
web_cpu1="$(cpu_of /proc/$web_pid/stat)"; pg_cpu1="$(pg_cpu)"
audit_after="$(hp_psql $db -At -c "SELECT count(*) FROM audit.access_events WHERE resource_type = 'Chart' AND action = 'view' AND outcome = 'success'")"
read -r _ requests bad_status socket_errors p50 p95 p99 max duration_us bytes < <(grep '^RESULT' "$work/wrk.txt")
rps="$(awk -v n="$requests" -v d="$duration_us" 'BEGIN { printf "%.1f", n / (d / 1e6) }')"
audited=$((audit_after - audit_before))
if [ "$statements" = 1 ]; then
  hp_psql $db -c "SELECT round(total_exec_time::numeric / $requests, 3) AS exec_ms_per_view, round(total_plan_time::numeric / $requests, 3) AS plan_ms_per_view,
      round(calls::numeric / $requests, 2) AS calls_per_view, left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS query
    FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 20" >"$work/statements.txt"
  hp_log "PostgreSQL time per statement: $work/statements.txt"
fi
if [ "${HIMPORTAL_BENCH_PROFILE:-0}" = 1 ]; then
  wait "$perf_pid" || true
  perf report -i "$work/perf.data" --no-children --sort symbol --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -60 >"$work/perf-top.txt" || true
  hp_log "CPU profile of the web app: $work/perf-top.txt"
fi
per_view() { awk -v a="$1" -v b="$2" -v n="$requests" 'BEGIN { printf "%.2f", (b - a) * 1000 / n }'; }

echo
echo "HimPortal chart load test: $(basename "$bundle") ($encounters encounters, $observations observations), page ${page_kb} kB, $cache_mode"
printf '| %-34s | %12s |\n' "measure" "value"
printf '|%s|%s|\n' "------------------------------------" "-------------:"
row() { printf '| %-34s | %12s |\n' "$1" "$2"; }
row "concurrent physicians (sessions)" "$users"
row "measured seconds" "$seconds"
row "chart views" "$requests"
row "chart views / s" "$rps"
row "latency p50 ms" "$p50"
row "latency p95 ms" "$p95"
row "latency p99 ms" "$p99"
row "latency max ms" "$max"
row "non-2xx answers / socket errors" "$bad_status / $socket_errors"
row "audit rows written (view, Chart)" "$audited"
row "web app CPU ms / view" "$(per_view "$web_cpu0" "$web_cpu1")"
row "PostgreSQL CPU ms / view" "$(per_view "$pg_cpu0" "$pg_cpu1")"
echo
echo "Load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, on $(nproc) CPU(s): wrk, the web app and PostgreSQL share them."
echo "Goal: p95 <= 50 ms."

if [ "${HIMPORTAL_BENCH_UPLOAD:-0}" = 1 ]; then
  # A clerk uploads every bundle of the data folder through the page, as a browser would (multipart, antiforgery token),
  # while the 8 physicians keep reading the chart. wrk runs until the import job is done (SIGINT makes it report).
  clerk_email=bench.clerk@bench.himportal.test
  clerk_password="$(himportal users add --email "$clerk_email" --role HimClerk --name "Bench Clerk" --no-password-change 2>&1 | sed -n 's/^Password: //p')"
  jar="$work/clerk.jar"
  token="$(curl -fs -c "$jar" -b "$jar" "$base/Account/Login" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
  curl -fs -o /dev/null -c "$jar" -b "$jar" "$base/Account/Login" --data-urlencode "Input.Email=$clerk_email" \
    --data-urlencode "Input.Password=$clerk_password" --data-urlencode "__RequestVerificationToken=$token"
  token="$(curl -fs -c "$jar" -b "$jar" "$base/Intake/Import" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
  files=()
  for f in "$data"/*.json "$data"/*.json.gz; do [ -f "$f" ] && files+=(-F "Input.Files=@$f"); done
  hp_log "measuring again while the clerk uploads $(( ${#files[@]} / 2 )) files"
  wrk -t $users -c $users -d 600s --latency -s "$work/chart.lua" "$base/Charts/Chart/$patient_id" >"$work/wrk-upload.txt" &
  wrk_pid=$!
  sleep 2
  upload_start="$(date +%s.%N)"
  location="$(curl -fs -o /dev/null -w '%{redirect_url}' -c "$jar" -b "$jar" -F "__RequestVerificationToken=$token" "${files[@]}" "$base/Intake/Import")"
  posted="$(date +%s.%N)"
  job_id="${location##*/}"
  [ -n "$job_id" ] || { hp_log "the upload did not go to a job page"; kill "$wrk_pid"; exit 1; }
  status=""
  for _ in $(seq 1 1200); do
    status="$(hp_psql $db -At -c "SELECT status FROM jobs.jobs WHERE id = '$job_id'")"
    case "$status" in succeeded|failed|cancelled) break ;; esac
    sleep 0.25
  done
  done_at="$(date +%s.%N)"
  kill -INT "$wrk_pid"; wait "$wrk_pid" || true
  read -r _ u_requests u_bad u_socket u_p50 u_p95 u_p99 u_max u_duration _ < <(grep '^RESULT' "$work/wrk-upload.txt")
  job_ms="$(hp_psql $db -At -c "SELECT round(extract(epoch FROM finished_at - started_at) * 1000) FROM jobs.jobs WHERE id = '$job_id'")"
  job_files="$(hp_psql $db -At -c "SELECT progress_done || ' of ' || progress_total FROM jobs.jobs WHERE id = '$job_id'")"
  echo
  echo "During the clerk's upload of $(( ${#files[@]} / 2 )) bundle files (job $job_id: $status, $job_files files, ${job_ms} ms from start to finish)"
  printf '| %-34s | %12s | %12s |\n' "measure" "before" "during upload"
  printf '|%s|%s|%s|\n' "------------------------------------" "-------------:" "-------------:"
  printf '| %-34s | %12s | %12s |\n' "chart views" "$requests" "$u_requests"
  printf '| %-34s | %12s | %12s |\n' "latency p50 ms" "$p50" "$u_p50"
  printf '| %-34s | %12s | %12s |\n' "latency p95 ms" "$p95" "$u_p95"
  printf '| %-34s | %12s | %12s |\n' "latency p99 ms" "$p99" "$u_p99"
  printf '| %-34s | %12s | %12s |\n' "latency max ms" "$max" "$u_max"
  printf '| %-34s | %12s | %12s |\n' "non-2xx answers / socket errors" "$bad_status / $socket_errors" "$u_bad / $u_socket"
  awk -v a="$upload_start" -v b="$posted" -v c="$done_at" 'BEGIN { printf "The upload request took %.1f s (the page returns once the files are stored); the import finished %.1f s after the request began.\n", b - a, c - a }'
  [ "$status" = succeeded ] || { echo "FAILED: the upload job did not succeed"; exit 1; }
  [ "$u_bad" = 0 ] && [ "$u_socket" = 0 ] || { echo "FAILED: chart views failed during the upload"; exit 1; }
fi
# Every answered view wrote its audit row (wrk may count a request cut off at the end that the server still finished).
if [ "$bad_status" != 0 ] || [ "$socket_errors" != 0 ] || [ "$audited" -lt "$requests" ]; then
  echo "FAILED: every view must be a 200 with its audit row"
  exit 1
fi
