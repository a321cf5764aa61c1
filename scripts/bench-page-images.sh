#!/usr/bin/env bash
# Load test of the page images the indexing screen shows (issue 15 item 9, third part): 8 HIM clerks, each signed in
# with a session of their own, fetch page images (the large page, ~150 dpi PNG) of synthetic scanned documents from
# /Documents/Pages/{id}/Image, each request a different page in turn, every view audited in its read's transaction.
# wrk (Debian's package) drives the real web app over HTTP, closed loop. In the same run and the same way it measures a
# baseline page (the clerk's record-intake home: signed in, no query) before and after. Goal: page image p95 <= 50 ms.
#
#   HIMPORTAL_BENCH_PAGES     synthetic scanned pages to import and render first (default 200)
#   HIMPORTAL_BENCH_SECONDS   measured seconds per URL set (default 20; a 5 s warm-up comes first)
#   HIMPORTAL_SKIP_BUILD=1    use the web app and CLI already built in Release
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

pages="${HIMPORTAL_BENCH_PAGES:-200}"
seconds="${HIMPORTAL_BENCH_SECONDS:-20}"
users=8

if ! command -v wrk >/dev/null 2>&1; then
  hp_log "installing wrk from the OS packages"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq wrk >&2
fi

hp_ensure_postgres
work="$HP_STATE/bench-page-images"
rm -rf "$work"; mkdir -p "$work"
if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the web app and the CLI (Release)"
  { dotnet build src/HimPortal.Web -c Release -v quiet -nologo && dotnet build src/HimPortal.Cli -c Release -v quiet -nologo; } \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
web="$HP_ROOT/src/HimPortal.Web/bin/Release/net10.0/HimPortal.Web.dll"

db=himportal_bench_page_images
PGOPTIONS='-c client_min_messages=warning' hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
unset ConnectionStrings__HimPortalAdmin
himportal() { dotnet "$cli" "$@"; }
himportal migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }

# Scanned pages as a fax server and scanners would send them, split and rendered by the render worker (not timed here:
# scripts/bench-documents.sh measures that).
hp_log "making, importing and rendering $pages synthetic scanned pages"
himportal documents synthetic --notes data/synthea-r4 --out "$work/corpus" --pages "$pages" --seed 7 >"$work/synthetic.log" 2>&1 \
  || { cat "$work/synthetic.log" >&2; exit 1; }
himportal documents import --source bench "$work/corpus" >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
himportal documents render >"$work/render.log" 2>&1 || { cat "$work/render.log" >&2; exit 1; }
mapfile -t page_ids < <(hp_psql $db -At -c "SELECT id FROM documents.pages WHERE image_object_id IS NOT NULL ORDER BY received_file_id, number")
[ "${#page_ids[@]}" -gt 0 ] || { hp_log "no rendered pages"; exit 1; }
image_kb="$(hp_psql $db -At -c "SELECT round(avg(o.length) / 1024) FROM documents.pages p JOIN documents.objects o ON o.id = p.image_object_id")"
hp_log "${#page_ids[@]} rendered pages, images ${image_kb} kB on average"

: >"$work/users.txt"
for i in $(seq 1 $users); do
  email="bench.clerk$i@bench.himportal.test"
  out="$(himportal users add --email "$email" --role HimClerk --name "Bench Clerk $i" --no-password-change 2>&1)"
  echo "$email $(echo "$out" | sed -n 's/^Password: //p')" >>"$work/users.txt"
done

port="$(hp_free_port 5096 5097 5098)"
base="http://127.0.0.1:$port"
hp_log "starting HimPortal (Production settings) on $base"
(cd src/HimPortal.Web && exec env ASPNETCORE_ENVIRONMENT=Production Security__RequireHttps=false DataProtection__CertificatePath="$HP_STATE/dataprotection.pfx" DataProtection__CreateIfMissing=true \
  Jobs__RunWorkers=false Logs__Path="$work/himportal-.log" dotnet "$web" --urls "$base") >"$work/web.log" 2>&1 &
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
  type="$(curl -s -o "$work/page.png" -w '%{http_code} %{content_type}' -b "himportal.session=$session" "$base/Documents/Pages/${page_ids[0]}/Image")"
  [ "$type" = "200 image/png" ] || { hp_log "$email cannot open a page image ($type)"; exit 1; }
  cookies+=("$session")
done <"$work/users.txt"

# Each clerk's thread walks the pages from its own starting point, a different page each request (no cache helps).
cat >"$work/clerks.lua" <<LUA
local cookies = { $(printf '"%s",' "${cookies[@]}") }
local pages = { $(printf '"%s",' "${page_ids[@]}") }
local n = 0
function setup(thread)
  n = n + 1
  thread:set("cookie", "himportal.session=" .. cookies[n])
  thread:set("start", n * 7)
end
function init(args)
  wrk.headers["Cookie"] = cookie
  i = start
end
function request()
  if wrk.path:find("/Documents/Pages/", 1, true) == nil then
    return wrk.format(nil, wrk.path)
  end
  i = i + 1
  return wrk.format(nil, "/Documents/Pages/" .. pages[(i % #pages) + 1] .. "/Image")
end
function done(summary, latency, requests)
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f %.3f %d %d\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.duration, summary.bytes))
end
LUA

runs=(
  "baseline: record-intake home|/Intake"
  "page image (a different page each request)|/Documents/Pages/x/Image"
  "baseline again: record-intake home|/Intake"
)
hp_log "warm-up (5 s each)"
for entry in "${runs[@]}"; do wrk -t $users -c $users -d 5s -s "$work/clerks.lua" "$base${entry#*|}" >/dev/null; done
audit_before="$(hp_psql $db -At -c "SELECT count(*) FROM audit.access_events WHERE resource_type = 'ScannedDocument' AND action = 'view'")"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
results=(); failed=0; image_requests=0
for entry in "${runs[@]}"; do
  name="${entry%%|*}"; path="${entry#*|}"
  hp_log "measuring $name ($seconds s, $users clerks)"
  wrk -t $users -c $users -d "${seconds}s" --latency -s "$work/clerks.lua" "$base$path" >"$work/wrk.txt"
  read -r _ requests bad socket p50 p95 p99 max duration_us bytes < <(grep '^RESULT' "$work/wrk.txt")
  rps="$(awk -v n="$requests" -v d="$duration_us" 'BEGIN { printf "%.1f", n / (d / 1e6) }')"
  mbps="$(awk -v b="$bytes" -v d="$duration_us" 'BEGIN { printf "%.1f", b / 1048576 / (d / 1e6) }')"
  results+=("$(printf '| %-44s | %8s | %8s | %7s | %7s | %7s | %7s | %6s |' "$name" "$requests" "$rps" "$mbps" "$p50" "$p95" "$p99" "$bad/$socket")")
  [ "$bad" = 0 ] && [ "$socket" = 0 ] || failed=1
  if [[ "$name" == "page image"* ]]; then image_p95="$p95"; image_requests="$requests"; fi
done
audited=$(( $(hp_psql $db -At -c "SELECT count(*) FROM audit.access_events WHERE resource_type = 'ScannedDocument' AND action = 'view'") - audit_before ))

echo
echo "HimPortal page image load test: ${#page_ids[@]} rendered pages (PNG, ${image_kb} kB on average), $users concurrent clerks, $seconds s per URL"
printf '| %-44s | %8s | %8s | %7s | %7s | %7s | %7s | %6s |\n' "URL" "requests" "per s" "MB/s" "p50 ms" "p95 ms" "p99 ms" "errors"
printf '|%s|%s|%s|%s|%s|%s|%s|%s|\n' "----------------------------------------------" "---------:" "---------:" "--------:" "--------:" "--------:" "--------:" "-------:"
printf '%s\n' "${results[@]}"
echo
echo "Audit rows written for page views: $audited (page image requests: $image_requests)."
echo "Load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, on $(nproc) CPU(s): wrk, the web app and PostgreSQL share them."
echo "Goal: page image p95 <= 50 ms (measured: $image_p95 ms)."
[ "$failed" = 0 ] || { echo "FAILED: every request must be a 200"; exit 1; }
[ "$audited" -ge "$image_requests" ] || { echo "FAILED: every page view must write its audit row"; exit 1; }
