#!/usr/bin/env bash
# Load test of the HIM clerks' indexing queue (issue 15 item 9): the queue's first page with 100,000 scanned documents
# waiting (and 20,000 already filed or dispositioned beside them), served to 8 concurrent clerks, each signed in with a
# session of their own. wrk (Debian's package) drives the real web app over HTTP, closed loop. In the same run and the
# same way it measures a baseline page (the clerk's record-intake home: a signed-in page with no query), then a filtered
# first page (one source, a date range) and a deep keyset page (the 50,000th document on), to show that depth costs nothing.
# Prints p50 / p95 / p99 per page. Goal: the queue's first page p95 <= 100 ms.
#
#   HIMPORTAL_BENCH_DOCUMENTS  waiting documents to seed (default 100000)
#   HIMPORTAL_BENCH_SECONDS    measured seconds per page (default 20; a 5 s warm-up comes first)
#   HIMPORTAL_SKIP_BUILD=1     use the web app and CLI already built in Release
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

documents="${HIMPORTAL_BENCH_DOCUMENTS:-100000}"
seconds="${HIMPORTAL_BENCH_SECONDS:-20}"
users=8

if ! command -v wrk >/dev/null 2>&1; then
  hp_log "installing wrk from the OS packages"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq wrk >&2
fi

hp_ensure_postgres
work="$HP_STATE/bench-queue"
rm -rf "$work"; mkdir -p "$work"

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the web app and the CLI (Release)"
  { dotnet build src/HimPortal.Web -c Release -v quiet -nologo && dotnet build src/HimPortal.Cli -c Release -v quiet -nologo; } \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
web="$HP_ROOT/src/HimPortal.Web/bin/Release/net10.0/HimPortal.Web.dll"

db=himportal_bench_queue
PGOPTIONS='-c client_min_messages=warning' hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
unset ConnectionStrings__HimPortalAdmin
himportal() { dotnet "$cli" "$@"; }
himportal migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }

# One received file per document, as capture leaves them, received over the last 90 days from four sources; then
# 20,000 more already filed, held, misdirected or duplicate, so that the status is what the queue's index must pick on.
hp_log "seeding $documents waiting documents and 20000 others"
seed_start="$(date +%s.%N)"
hp_psql $db -v ON_ERROR_STOP=1 >"$work/seed.log" <<SQL
BEGIN;
CREATE TEMP TABLE seed AS
  SELECT gen_random_uuid() AS file_id, gen_random_uuid() AS doc_id,
         now() - (random() * interval '90 days') AS received_at,
         (ARRAY['fax-server','scanner-2west','scanner-er','upload'])[1 + (g % 4)] AS source,
         1 + (g % 12) AS pages,
         CASE WHEN g <= $documents THEN 'unindexed'
              ELSE (ARRAY['filed','filed','held','misdirected','duplicate'])[1 + (g % 5)] END AS status
  FROM generate_series(1, $documents + 20000) g;
INSERT INTO documents.received_files (id, sha256, source, received_at, original_name, length, media_type, page_count, status, stored)
  SELECT file_id, NULL, source, received_at, 'bench.tif', 100000, 'image/tiff', pages, 'split', false FROM seed;
INSERT INTO documents.documents (id, received_file_id, status, received_at, source, page_count, bears_signature)
  SELECT doc_id, file_id, status, received_at, source, pages, false FROM seed;
COMMIT;
VACUUM ANALYZE documents.received_files;
VACUUM ANALYZE documents.documents;
SQL
seed_s="$(awk -v a="$seed_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
waiting="$(hp_psql $db -At -c "SELECT count(*) FROM documents.documents WHERE status = 'unindexed'")"
total="$(hp_psql $db -At -c "SELECT count(*) FROM documents.documents")"
hp_log "seeded in $seed_s s: $waiting waiting of $total documents"

# The plan of the first page, as the app's query reads it (EXPLAIN of the same shape).
hp_psql $db -c "EXPLAIN (ANALYZE, BUFFERS) SELECT d.id, d.source, d.received_at, d.page_count, d.reason, d.status, d.xmin
  FROM documents.documents d WHERE d.status = 'unindexed' ORDER BY d.received_at, d.id LIMIT 51" >"$work/plan-first.txt"
cursor="$(hp_psql $db -At -c "SELECT received_at, id FROM documents.documents WHERE status = 'unindexed' ORDER BY received_at, id OFFSET 50000 LIMIT 1")"
deep_at="${cursor%%|*}"; deep_id="${cursor##*|}"
# The page link the app writes: microseconds since the epoch, a dot, the id without hyphens (KeysetCursor).
deep_after="$(hp_psql $db -At -c "SELECT (extract(epoch FROM timestamptz '$deep_at') * 1000000)::bigint")".$(echo "$deep_id" | tr -d -)
hp_psql $db -c "EXPLAIN (ANALYZE, BUFFERS) SELECT d.id FROM documents.documents d WHERE d.status = 'unindexed'
  AND (d.received_at, d.id) > (timestamptz '$deep_at', '$deep_id') ORDER BY d.received_at, d.id LIMIT 51" >"$work/plan-deep.txt"

: >"$work/users.txt"
for i in $(seq 1 $users); do
  email="bench.clerk$i@bench.himportal.test"
  out="$(himportal users add --email "$email" --role HimClerk --name "Bench Clerk $i" --no-password-change 2>&1)"
  echo "$email $(echo "$out" | sed -n 's/^Password: //p')" >>"$work/users.txt"
done

port="$(hp_free_port 5093 5094 5095)"
base="http://127.0.0.1:$port"
hp_log "starting HimPortal (Production settings) on $base"
(cd src/HimPortal.Web && exec env ASPNETCORE_ENVIRONMENT=Production Security__RequireHttps=false DataProtection__CertificatePath="$HP_STATE/dataprotection.pfx" DataProtection__CreateIfMissing=true \
  Logs__Path="$work/himportal-.log" dotnet "$web" --urls "$base") >"$work/web.log" 2>&1 &
web_pid=$!
trap 'kill $web_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$base/health/ready" >/dev/null || { hp_log "the web app did not start:"; tail -20 "$work/web.log" >&2; exit 1; }

cookies=()
while read -r email password; do
  jar="$work/$email.jar"
  token="$(curl -fs -c "$jar" -b "$jar" "$base/Account/Login" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
  curl -fs -o /dev/null -c "$jar" -b "$jar" "$base/Account/Login" --data-urlencode "Input.Email=$email" \
    --data-urlencode "Input.Password=$password" --data-urlencode "__RequestVerificationToken=$token"
  session="$(awk '$6 == "himportal.session" { print $7 }' "$jar")"
  [ -n "$session" ] || { hp_log "$email did not sign in"; exit 1; }
  code="$(curl -s -o "$work/queue.html" -w '%{http_code}' -b "himportal.session=$session" "$base/Intake/Queue")"
  rows="$(grep -c 'data-testid="queue-row"' "$work/queue.html" || true)"
  [ "$code" = 200 ] && [ "$rows" = 50 ] || { hp_log "$email cannot open the queue (HTTP $code, $rows rows)"; exit 1; }
  cookies+=("$session")
done <"$work/users.txt"
deep_rows="$(curl -s -b "himportal.session=${cookies[0]}" "$base/Intake/Queue?after=$deep_after" | grep -c 'data-testid="queue-row"' || true)"
[ "$deep_rows" = 50 ] || { hp_log "the deep page has $deep_rows rows"; exit 1; }

cat >"$work/clerks.lua" <<LUA
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
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f %.3f %d\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000, summary.duration))
end
LUA

today="$(date -u +%F)"; month_ago="$(date -u -d '30 days ago' +%F)"
pages=(
  "baseline: record-intake home|/Intake"
  "queue, first page (50 of $waiting)|/Intake/Queue"
  "queue, one source and 30 days|/Intake/Queue?source=fax-server&from=$month_ago&to=$today"
  "queue, keyset page after 50,000|/Intake/Queue?after=$deep_after"
  "baseline again: record-intake home|/Intake"
)
hp_log "warm-up (5 s per page)"
for entry in "${pages[@]}"; do
  wrk -t $users -c $users -d 5s -s "$work/clerks.lua" "$base${entry#*|}" >/dev/null
done
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
results=()
failed=0
for entry in "${pages[@]}"; do
  name="${entry%%|*}"; path="${entry#*|}"
  hp_log "measuring $name ($seconds s, $users clerks)"
  wrk -t $users -c $users -d "${seconds}s" --latency -s "$work/clerks.lua" "$base$path" >"$work/wrk.txt"
  read -r _ requests bad socket p50 p95 p99 max duration_us < <(grep '^RESULT' "$work/wrk.txt")
  rps="$(awk -v n="$requests" -v d="$duration_us" 'BEGIN { printf "%.1f", n / (d / 1e6) }')"
  results+=("$(printf '| %-38s | %8s | %8s | %8s | %8s | %8s | %6s |' "$name" "$requests" "$rps" "$p50" "$p95" "$p99" "$bad/$socket")")
  [ "$bad" = 0 ] && [ "$socket" = 0 ] || failed=1
  [[ "$name" == "queue, first page"* ]] && first_p95="$p95"
done

echo
echo "HimPortal indexing queue load test: $waiting documents waiting of $total, $users concurrent clerks, $seconds s per page"
printf '| %-38s | %8s | %8s | %8s | %8s | %8s | %6s |\n' "page" "requests" "per s" "p50 ms" "p95 ms" "p99 ms" "errors"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "----------------------------------------" "---------:" "---------:" "---------:" "---------:" "---------:" "-------:"
printf '%s\n' "${results[@]}"
echo
echo "Plan of the first page: $(grep -E 'Index|Scan' "$work/plan-first.txt" | head -1 | sed 's/^ *//'); $(grep 'Execution Time' "$work/plan-first.txt" | sed 's/^ *//')"
echo "Plan of the page after 50,000: $(grep -E 'Index|Scan' "$work/plan-deep.txt" | head -1 | sed 's/^ *//'); $(grep 'Execution Time' "$work/plan-deep.txt" | sed 's/^ *//')"
echo "Load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, on $(nproc) CPU(s): wrk, the web app and PostgreSQL share them."
echo "Goal: the queue's first page p95 <= 100 ms (measured: $first_p95 ms)."
[ "$failed" = 0 ] || { echo "FAILED: every request must be a 200"; exit 1; }
awk -v p="$first_p95" 'BEGIN { exit !(p <= 100) }' || { echo "FAILED: p95 over 100 ms"; exit 1; }
