#!/usr/bin/env bash
# The ROI worklist at scale (issue 17 item 10): 100,000 release requests loaded set-based into a fresh, migrated
# database with the repository's 40 Synthea patients, the web app started (Production), an ROI specialist signed in,
# then wrk (Debian's) measures, each for HIMPORTAL_BENCH_SECONDS at HIMPORTAL_BENCH_CONNECTIONS connections:
#   baseline  /Account/ChangePassword       a trivial authenticated page (sign-in, session, layout, no query of ours)
#   worklist  /Roi                          the worklist's first page: open requests by due date, counts, one audit row
#   overdue   /Roi?view=overdue             the overdue view
#   type      /Roi?type=attorney            one requester type
# Goal: the worklist's first page p95 <= 100 ms. Results: .himportal/bench/roi-worklist/ (wrk outputs, results.json)
# and a table on stdout (copied into docs/benchmarks/roi.md).
#
#   HIMPORTAL_BENCH_REQUESTS=N     requests loaded (default 100000)
#   HIMPORTAL_BENCH_OPEN=PERCENT   share left open (default 15; the rest delivered, as a year's history)
#   HIMPORTAL_BENCH_SECONDS=N      seconds per measurement (default 20)
#   HIMPORTAL_BENCH_CONNECTIONS=N  concurrent connections (default 2)
#   HIMPORTAL_SKIP_BUILD=1         use the builds already in bin/Release
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

requests="${HIMPORTAL_BENCH_REQUESTS:-100000}"
open_share="${HIMPORTAL_BENCH_OPEN:-15}"
seconds="${HIMPORTAL_BENCH_SECONDS:-20}"
connections="${HIMPORTAL_BENCH_CONNECTIONS:-2}"
work="$HP_STATE/bench/roi-worklist"
rm -rf "$work"; mkdir -p "$work"
if ! command -v wrk >/dev/null; then
  hp_log "installing wrk from the OS packages"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq wrk >&2
fi
hp_ensure_postgres

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the web app and the CLI (Release)"
  { dotnet build src/HimPortal.Web -c Release -v quiet -nologo && dotnet build src/HimPortal.Cli -c Release -v quiet -nologo; } \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
web="$HP_ROOT/src/HimPortal.Web/bin/Release/net10.0/HimPortal.Web.dll"
himportal() { dotnet "$cli" "$@"; }

db=himportal_bench_roi
PGOPTIONS='-c client_min_messages=warning' hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
unset ConnectionStrings__HimPortalAdmin
himportal migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
himportal import data/synthea-r4 >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
email="roi.bench@bench.himportal.test"
password="$(himportal users add --email "$email" --role RoiSpecialist --name "ROI Bench" --no-password-change 2>&1 | sed -n 's/^Password: //p')"
[ -n "$password" ] || { hp_log "could not create the ROI specialist"; exit 1; }

hp_log "loading $requests requests ($open_share % open), set-based"
t0=$(date +%s.%N)
hp_psql $db -v n="$requests" -v open="$open_share" <<'SQL'
WITH patients AS (SELECT array_agg(id ORDER BY id) AS ids FROM clinical.patients),
     types AS (SELECT ARRAY['patient','personal-representative','patient-directed','authorized-third-party','attorney','insurer',
                            'continuity-of-care','social-security','workers-compensation','public-health','health-oversight',
                            'law-enforcement','court-order','subpoena'] AS t),
     open_statuses AS (SELECT ARRAY['received','validating','waiting-for-information','processing','quality-check','ready','invoiced'] AS s),
     g AS (SELECT i, now() - (random() * interval '365 days') AS received, (i % 100) < :open AS is_open FROM generate_series(1, :n) AS i)
INSERT INTO roi.requests (id, patient_id, requester_type, requester_name, requester_address, purpose, scope_kind, scope_encounter_ids,
    scope_document_types, scope_sections, format, delivery, received_at, representative_authority_checked, status, clock_rule, clock_citation,
    due_day, due_at, certification_requested, part2court_order, state_code, created_at, delivered_at, closed_at)
SELECT gen_random_uuid(), p.ids[1 + (g.i % array_length(p.ids, 1))], t.t[1 + (g.i % 14)], 'Bench Requester ' || g.i, '1 Main Street', 'bench',
       'designated-record-set', '{}', '{}', '{}', 'pdf', 'secure-download',
       CASE WHEN g.is_open THEN now() - (random() * interval '45 days') ELSE g.received END,
       false, CASE WHEN g.is_open THEN s.s[1 + (g.i % 7)] ELSE 'delivered' END, 'RightOfAccess', '45 CFR 164.524(b)(2): 30 days after receipt',
       NULL, NULL, false, false, 'MA', g.received,
       CASE WHEN g.is_open THEN NULL ELSE g.received + random() * interval '25 days' END,
       CASE WHEN g.is_open THEN NULL ELSE g.received + random() * interval '25 days' END
FROM g, patients p, types t, open_statuses s;
UPDATE roi.requests SET due_day = (received_at AT TIME ZONE 'UTC')::date + 30,
                        due_at = (((received_at AT TIME ZONE 'UTC')::date + 31)::timestamp AT TIME ZONE 'UTC');
UPDATE roi.requests SET delivered_at = closed_at WHERE status = 'delivered';
VACUUM ANALYZE roi.requests;
SQL
t1=$(date +%s.%N)
load_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
open_count="$(hp_psql $db -At -c "SELECT count(*) FROM roi.requests WHERE closed_at IS NULL")"
overdue_count="$(hp_psql $db -At -c "SELECT count(*) FROM roi.requests WHERE closed_at IS NULL AND due_at <= now()")"

port="$(hp_free_port 5180 5181 5182 5183)"
(cd src/HimPortal.Web && exec env ASPNETCORE_ENVIRONMENT=Production Security__RequireHttps=false \
  DataProtection__CertificatePath="$work/dataprotection.pfx" DataProtection__CreateIfMissing=true \
  Logs__Path="$work/web-.log" dotnet "$web" --urls "http://127.0.0.1:$port") >"$work/web.out" 2>&1 &
web_pid=$!
trap 'kill "$web_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { hp_log "the web app did not start:"; tail -20 "$work/web.out" >&2; exit 1; }

base="http://127.0.0.1:$port"
jar="$work/cookies.txt"
token="$(curl -s -c "$jar" -b "$jar" "$base/Account/Login" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
code="$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$base/Account/Login" --data-urlencode "Input.Email=$email" \
  --data-urlencode "Input.Password=$password" --data-urlencode "__RequestVerificationToken=$token")"
[ "$code" = 302 ] || { hp_log "sign-in failed (HTTP $code)"; exit 1; }
cookie="$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }')"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base/Roi")" = 200 ] || { hp_log "the worklist did not answer 200"; exit 1; }

cat >"$work/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50=%.1f p95=%.1f p99=%.1f\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
measure() { # name path
  wrk -t1 -c"$connections" -d3s -H "Cookie: $cookie" "$base$2" >/dev/null 2>&1 # warm-up
  wrk -t1 -c"$connections" -d"${seconds}s" -H "Cookie: $cookie" -s "$work/report.lua" "$base$2" >"$work/$1.wrk" 2>&1
  local line; line="$(grep '^RESULT' "$work/$1.wrk")"
  echo "$1 $2 $line" >>"$work/results.txt"
  hp_log "$1 ($2): ${line#RESULT }"
}
: >"$work/results.txt"
measure baseline /Account/ChangePassword
measure worklist /Roi
measure overdue "/Roi?view=overdue"
measure type "/Roi?type=attorney"

python3 - "$work" "$requests" "$open_count" "$overdue_count" "$load_seconds" "$connections" "$seconds" <<'PY'
import json, re, sys
work, n, open_count, overdue, load, conns, secs = sys.argv[1:]
rows = []
for line in open(f"{work}/results.txt"):
    name, path, rest = line.split(" ", 2)
    vals = dict(re.findall(r"(\w+)=([\d.]+)", rest))
    rows.append({"name": name, "path": path, **{k: float(v) for k, v in vals.items()}})
result = {"requests": int(n), "open": int(open_count), "overdue": int(overdue), "load_seconds": float(load),
          "connections": int(conns), "seconds": int(secs), "pages": rows}
json.dump(result, open(f"{work}/results.json", "w"), indent=2)
print(f"{n} requests ({open_count} open, {overdue} overdue), loaded in {load} s; wrk, {conns} connections, {secs} s each")
print("| page | path | requests | errors | p50 ms | p95 ms | p99 ms |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r['name']} | `{r['path']}` | {int(r['requests'])} | {int(r['errors'])} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |")
worklist = next(r for r in rows if r["name"] == "worklist")
ok = worklist["p95"] <= 100 and worklist["errors"] == 0
print(("PASS" if ok else "FAIL") + f": worklist first page p95 {worklist['p95']:.1f} ms (goal <= 100 ms)")
sys.exit(0 if ok else 1)
PY
