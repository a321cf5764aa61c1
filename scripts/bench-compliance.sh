#!/usr/bin/env bash
# The compliance workload at scale (issue 6), on a database of its own:
#   1. `himportal audit generate --rows N` (default 20 million) by binary COPY: wall time, rows/s, peak RSS;
#   2. VACUUM ANALYZE (what autovacuum would do after a bulk load), then `himportal audit verify`: wall time, peak RSS;
#   3. the two first-page queries, exactly as AccessLogReader sends them (keyset, newest first, 50 rows + 1), with
#      pgbench over 200 sampled patients / users: "who accessed patient X" (all time) and "what did user Y do in the
#      last 30 days": latency average and p95 from pgbench's per-transaction log, plus one EXPLAIN (ANALYZE, BUFFERS) each;
#   4. the same two first pages, and the two ready views, over HTTP with wrk against the web app (Release, Production):
#      p50/p95/p99 per page, every request audited like a reviewer's;
#   5. the streaming CSV export: a patient's whole history and a 31-day slice of the whole log, with the web process's
#      resident memory sampled every 0.2 s (peak - before = what the export costs).
#
#   bash scripts/bench-compliance.sh [--rows N] [--reuse] [--seconds S]
#     --reuse      keep the database when it already holds at least N rows (skips generation and VACUUM)
#     --seconds S  duration of each pgbench / wrk run (default 30)
#   HIMPORTAL_SKIP_BUILD=1  use the Release builds already there
#
# Latencies depend on what else runs on the machine: the script prints `uptime` before each measurement.
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

rows=20000000 reuse=0 seconds=30
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) hp_log "unknown option $1"; exit 2 ;;
  esac
done

for tool in pgbench wrk curl; do
  command -v "$tool" >/dev/null 2>&1 || { hp_log "installing $tool"; hp_as_root apt-get update -qq >&2;
    DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq "$( [ "$tool" = pgbench ] && echo postgresql-contrib || echo "$tool")" >&2; }
done
[ -x /usr/bin/time ] || { hp_as_root apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq time >&2; }

hp_ensure_postgres
work="$HP_STATE/bench-compliance"
mkdir -p "$work"
db=himportal_bench_compliance
secrets="$work/secrets.env"
if [ ! -f "$secrets" ]; then
  umask 077
  { echo "OWNER_PASSWORD=$(hp_random_secret)"; echo "APP_PASSWORD=$(hp_random_secret)"; echo "CO_PASSWORD=bench-$(hp_random_secret)"; } > "$secrets"
fi
# shellcheck disable=SC1090
source "$secrets"
hp_psql postgres -v owner_pw="$OWNER_PASSWORD" -v app_pw="$APP_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE himportal_bench_owner LOGIN PASSWORD %L', :'owner_pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'himportal_bench_owner') \gexec
SELECT format('CREATE ROLE himportal_bench_app LOGIN PASSWORD %L', :'app_pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'himportal_bench_app') \gexec
SQL

existing=0
if hp_psql postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  existing="$(hp_psql "$db" -tAc "SELECT coalesce(sum(reltuples), 0)::bigint FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid WHERE i.inhparent = 'audit.access_events'::regclass" 2>/dev/null || echo 0)"
fi
generate=1
if [ "$reuse" = 1 ] && [ "${existing:-0}" -ge "$rows" ]; then
  generate=0
  hp_log "reusing $db (about $existing rows)"
else
  hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db OWNER himportal_bench_owner" >/dev/null
fi

base="Host=$HIMPORTAL_PG_HOST;Port=$HIMPORTAL_PG_PORT;Database=$db"
export ConnectionStrings__HimPortalAdmin="$base;Username=himportal_bench_owner;Password=$OWNER_PASSWORD"
export ConnectionStrings__HimPortal="$base;Username=himportal_bench_app;Password=$APP_PASSWORD"

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the CLI and the web app (Release)"
  dotnet build src/HimPortal.Cli -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
  dotnet build src/HimPortal.Web -c Release -v quiet -nologo >>"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
himportal() { dotnet "$cli" "$@"; }
himportal migrate >/dev/null

# GNU time's "%e %M": wall seconds and peak resident KB of the command (and its children).
timed() { local label="$1"; shift; /usr/bin/time -f "$label %e %M" -o "$work/time.$label" "$@"; }
results="$work/results.txt"
: > "$results"
report() { printf '%s\n' "$*" | tee -a "$results"; }

report "== bench-compliance $(date -u +%FT%TZ), $rows rows, $(nproc) cores, PostgreSQL $(hp_psql postgres -tAc 'SHOW server_version')"
if [ "$generate" = 1 ]; then
  report "load before generating: $(uptime)"
  timed generate dotnet "$cli" audit generate --rows "$rows" > "$work/generate.out" 2> "$work/generate.err"
  tail -1 "$work/generate.out" | tee -a "$results"
  read -r _ secs rss < "$work/time.generate"
  report "generate: ${secs} s wall, $(awk -v r="$rows" -v s="$secs" 'BEGIN { printf "%.0f", r / s }') rows/s, peak RSS $((rss / 1024)) MB"
  started="$(date +%s.%N)"
  hp_psql "$db" -c "VACUUM (ANALYZE) audit.access_events"
  report "vacuum analyze: $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"
fi
report "table and indexes: $(hp_psql "$db" -tAc "SELECT pg_size_pretty(sum(pg_total_relation_size(inhrelid))) FROM pg_inherits WHERE inhparent = 'audit.access_events'::regclass"), $(hp_psql "$db" -tAc "SELECT count(*) FROM pg_inherits WHERE inhparent = 'audit.access_events'::regclass") monthly partitions"

report "load before verify: $(uptime)"
timed verify dotnet "$cli" audit verify > "$work/verify.out" 2> "$work/verify.err" || true
cat "$work/verify.out" "$work/verify.err" | grep -v '^\.\.\.' | tee -a "$results"
read -r _ secs rss < "$work/time.verify"
report "verify: ${secs} s wall, peak RSS $((rss / 1024)) MB"

# --- Samples: patients and users with events, picked at random pages of the table --------------------------------------
hp_psql "$db" -q <<'SQL'
DROP TABLE IF EXISTS public.bench_samples;
CREATE TABLE public.bench_samples (kind text, n int, id uuid);
INSERT INTO public.bench_samples
SELECT 'patient', row_number() OVER (), patient_id FROM (
  SELECT DISTINCT patient_id FROM audit.access_events TABLESAMPLE SYSTEM (0.2) REPEATABLE (7) WHERE patient_id IS NOT NULL LIMIT 200) p;
INSERT INTO public.bench_samples
SELECT 'user', row_number() OVER (), user_id FROM (
  SELECT DISTINCT user_id FROM audit.access_events TABLESAMPLE SYSTEM (0.2) REPEATABLE (7)
  WHERE user_id IS NOT NULL AND occurred_at > now() - interval '30 days' LIMIT 200) u;
GRANT SELECT ON public.bench_samples TO himportal_bench_app;
SQL
patients="$(hp_psql "$db" -tAc "SELECT count(*) FROM public.bench_samples WHERE kind = 'patient'")"
users="$(hp_psql "$db" -tAc "SELECT count(*) FROM public.bench_samples WHERE kind = 'user'")"

# --- The two first-page queries, as AccessLogReader sends them -----------------------------------------------------------
# (the page's left join to the patient, keyset order (occurred_at, id) descending, page size 50 + 1 to know if there is more)
select_page='SELECT a.id, a.occurred_at, a.user_id, a.user_name, a.roles, a.action, a.outcome, a.patient_id, p.given_names, p.family_name, p.mrn,
       a.resource_type, a.resource_id, a.purpose, a.details, a.client_ip, a.user_agent, a.correlation_id, a.lane, a.lane_seq, a.hash
FROM audit.access_events AS a
LEFT JOIN clinical.patients AS p ON a.patient_id = p.id'
cat > "$work/patient.sql" <<SQL
\set n random(1, $patients)
SELECT id AS pid FROM public.bench_samples WHERE kind = 'patient' AND n = :n \gset
$select_page
WHERE a.patient_id = :pid
ORDER BY a.occurred_at DESC, a.id DESC
LIMIT 51;
SQL
cat > "$work/user.sql" <<SQL
\set n random(1, $users)
SELECT id AS uid FROM public.bench_samples WHERE kind = 'user' AND n = :n \gset
$select_page
WHERE a.user_id = :uid AND a.occurred_at >= date_trunc('day', now()) - interval '29 days' AND a.occurred_at < date_trunc('day', now()) + interval '1 day'
ORDER BY a.occurred_at DESC, a.id DESC
LIMIT 51;
SQL

pg_url="postgresql://himportal_bench_app@$HIMPORTAL_PG_HOST:$HIMPORTAL_PG_PORT/$db"
for query in patient user; do
  sample="$(hp_psql "$db" -tAc "SELECT id FROM public.bench_samples WHERE kind = '$query' AND n = 1")"
  sed -e '/^\\set/d' -e '/\\gset$/d' -e "s/:[pu]id/'$sample'/" "$work/$query.sql" > "$work/$query.explain.sql"
  { echo "-- EXPLAIN of the $query query"; PGPASSWORD="$APP_PASSWORD" psql -X -q "$pg_url" -c "EXPLAIN (ANALYZE, BUFFERS) $(cat "$work/$query.explain.sql")"; } > "$work/$query.plan.txt"
  report "load before pgbench $query: $(uptime)"
  rm -f "$work"/pgbench_log.*
  ( cd "$work" && PGPASSWORD="$APP_PASSWORD" pgbench -n -M prepared -c 4 -j 2 -T "$seconds" -f "$query.sql" --log --log-prefix=pgbench_log "$pg_url" > "$query.pgbench.txt" 2>&1 )
  # Per-transaction log: client, transaction, latency in microseconds, ...
  p95="$(cat "$work"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.95); if (i < 1) i = 1; printf "%.2f", a[i] / 1000 }')"
  p50="$(cat "$work"/pgbench_log.* | awk '{ print $3 }' | sort -n | awk '{ a[NR] = $1 } END { i = int(NR * 0.50); if (i < 1) i = 1; printf "%.2f", a[i] / 1000 }')"
  count="$(cat "$work"/pgbench_log.* | wc -l)"
  report "pgbench $query first page (4 clients, ${seconds} s, $count queries): p50 ${p50} ms, p95 ${p95} ms"
  grep -E "^ *Execution Time|^ *Planning Time" "$work/$query.plan.txt" | sed "s/^ */  explain $query: /" | tee -a "$results"
done

# --- The web app, over HTTP ---------------------------------------------------------------------------------------------
port="$(hp_free_port 5190 5191 5192 5193)"
officer="officer@bench.himportal.test"
if ! hp_psql "$db" -tAc "SELECT 1 FROM identity.users WHERE email = '$officer'" | grep -q 1; then
  echo "$CO_PASSWORD" | himportal users add --email "$officer" --role ComplianceOfficer --name "Bench Officer" --password-stdin --no-password-change >/dev/null
fi
(
  cd src/HimPortal.Web
  ASPNETCORE_ENVIRONMENT=Production Security__RequireHttps=false DataProtection__CertificatePath="$HP_STATE/dataprotection.pfx" DataProtection__CreateIfMissing=true Compliance__Monitoring__Enabled=false Logs__Path= \
    Logging__LogLevel__Default=Warning Serilog__MinimumLevel__Default=Warning \
    exec dotnet bin/Release/net10.0/HimPortal.Web.dll --urls "http://127.0.0.1:$port" > "$work/web.log" 2>&1
) &
web_pid=$!
trap 'kill "$web_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 1; done
jar="$work/cookies.txt"
rm -f "$jar"
token="$(curl -fsS -c "$jar" -b "$jar" "http://127.0.0.1:$port/Account/Login" | sed -n 's/.*name="__RequestVerificationToken" type="hidden" value="\([^"]*\)".*/\1/p' | head -1)"
curl -fsS -o /dev/null -c "$jar" -b "$jar" --data-urlencode "Input.Email=$officer" --data-urlencode "Input.Password=$CO_PASSWORD" \
  --data-urlencode "__RequestVerificationToken=$token" "http://127.0.0.1:$port/Account/Login"
cookie="$(awk '$6 == "himportal.session" { print $6 "=" $7 }' "$jar")"
[ -n "$cookie" ] || { hp_log "could not sign in to the web app (see $work/web.log)"; exit 1; }
# The subshell exec'd dotnet: $web_pid is the web server itself.
server_pid="$web_pid"

hp_psql "$db" -tAc "SELECT id FROM public.bench_samples WHERE kind = 'patient' ORDER BY n" > "$work/patients.txt"
hp_psql "$db" -tAc "SELECT id FROM public.bench_samples WHERE kind = 'user' ORDER BY n" > "$work/users.txt"
from="$(date -u -d '29 days ago' +%F)"; to="$(date -u +%F)"
cat > "$work/wrk.lua" <<LUA
-- Each request opens a random sampled patient's or user's page; done() prints the percentiles in milliseconds.
local ids = {}
for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
local template = os.getenv("BENCH_PATH")
request = function()
  local path = template:gsub("{id}", ids[math.random(#ids)])
  return wrk.format("GET", path, { ["Cookie"] = "$cookie" })
end
done = function(summary, latency, requests)
  io.write(string.format("requests %d, errors %d, non-2xx %d, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms\n", summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
run_wrk() {
  local label="$1" ids="$2" path="$3"
  report "load before wrk $label: $(uptime)"
  curl -sS -o /dev/null -H "Cookie: $cookie" "http://127.0.0.1:$port${path//\{id\}/$(head -1 "$ids")}" || true
  BENCH_IDS="$ids" BENCH_PATH="$path" wrk -t 2 -c 4 -d "${seconds}s" -s "$work/wrk.lua" "http://127.0.0.1:$port" > "$work/wrk.$label.txt" 2>&1
  report "wrk $label: $(tail -1 "$work/wrk.$label.txt")"
}
run_wrk "access-log first page, patient (all time)" "$work/patients.txt" "/Compliance/AccessLog?patientId={id}"
run_wrk "access-log first page, user (last 30 days)" "$work/users.txt" "/Compliance/AccessLog?userId={id}&from=$from&to=$to"
run_wrk "ready view: who accessed patient X" "$work/patients.txt" "/Compliance/Patient/{id}"
run_wrk "ready view: what did user Y do (30 days)" "$work/users.txt" "/Compliance/User/{id}?days=30"

# --- Streaming export: the server's memory while it streams -------------------------------------------------------------
export_measure() {
  local label="$1" path="$2"
  local before peak sample started
  before="$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status")"
  peak="$before"
  started="$(date +%s.%N)"
  curl -fsS -H "Cookie: $cookie" -o "$work/export.csv" "http://127.0.0.1:$port$path" &
  local curl_pid=$!
  while kill -0 "$curl_pid" 2>/dev/null; do
    sample="$(awk '/^VmRSS/ { print $2 }' "/proc/$server_pid/status")"
    [ "$sample" -gt "$peak" ] && peak="$sample"
    sleep 0.2
  done
  wait "$curl_pid"
  local secs lines size
  secs="$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"
  lines="$(($(wc -l < "$work/export.csv") - 2))"
  size="$(du -h "$work/export.csv" | cut -f1)"
  report "export $label: $lines rows, $size, ${secs} s; server RSS before $((before / 1024)) MB, peak $((peak / 1024)) MB (+$(((peak - before) / 1024)) MB); closing line: $(tail -1 "$work/export.csv" | cut -c1-90)..."
}
busiest="$(hp_psql "$db" -tAc "SELECT id FROM public.bench_samples s WHERE kind = 'patient' ORDER BY (SELECT count(*) FROM audit.access_events e WHERE e.patient_id = s.id) DESC LIMIT 1")"
report "load before exports: $(uptime)"
export_measure "one patient's whole history" "/Compliance/AccessLog?patientId=$busiest&handler=Export"
month_from="$(date -u -d '31 days ago' +%F)"; month_to="$(date -u -d '1 day ago' +%F)"
export_measure "31 days of the whole log" "/Compliance/AccessLog?from=$month_from&to=$month_to&handler=Export"

report "== done; details (plans, pgbench and wrk output) in $work"
