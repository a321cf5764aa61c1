#!/usr/bin/env bash
# The physician's chart-completion inbox at scale (issue 18 item 6): 1,000,000 deficiencies loaded set-based into a fresh,
# migrated database with the repository's Synthea patients (a stay for every finished encounter, discharged in the last 90 days, deficiencies spread over
# all practitioners, about 40 % open; the bench physician owns a few hundred open ones), the web app started
# (Production), the physician signed in, then wrk (Debian's) measures, each for HIMPORTAL_BENCH_SECONDS at
# HIMPORTAL_BENCH_CONNECTIONS connections:
#   baseline  /Account/ChangePassword       a trivial authenticated page (sign-in, session, layout, no query of ours)
#   inbox     /Completion/Inbox             the inbox's first page: one keyset query on ix_deficiencies_inbox, one audit row
#   next      /Completion/Inbox?after=…     the second page (the keyset link)
#   home      /Charts                       the physician's home: the inbox's first ten rows above the patient search
#   inbox-again /Completion/Inbox           the first page once more, last (the load of the moment on shared cores)
# Goal: the inbox's first page p95 <= 50 ms. Results: .himportal/bench/completion-inbox/ (wrk outputs, results.json)
# and a table on stdout (copied into docs/benchmarks/completion.md, section "Inbox").
#
#   HIMPORTAL_BENCH_DEFICIENCIES=N  deficiencies loaded (default 1000000)
#   HIMPORTAL_BENCH_SECONDS=N       seconds per measurement (default 20)
#   HIMPORTAL_BENCH_CONNECTIONS=N   concurrent connections (default 2)
#   HIMPORTAL_SKIP_BUILD=1          use the builds already in bin/Release
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

deficiencies="${HIMPORTAL_BENCH_DEFICIENCIES:-1000000}"
seconds="${HIMPORTAL_BENCH_SECONDS:-20}"
connections="${HIMPORTAL_BENCH_CONNECTIONS:-2}"
work="$HP_STATE/bench/completion-inbox"
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

db=himportal_bench_inbox
PGOPTIONS='-c client_min_messages=warning' hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
unset ConnectionStrings__HimPortalAdmin
himportal migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
himportal import data/synthea-r4 >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
npi="$(hp_psql $db -At -c "SELECT npi FROM clinical.practitioners WHERE npi IS NOT NULL ORDER BY npi LIMIT 1")"
email="physician.bench@bench.himportal.test"
password="$(himportal users add --email "$email" --role Physician --name "Inbox Bench" --practitioner-npi "$npi" --no-password-change 2>&1 | sed -n 's/^Password: //p')"
[ -n "$password" ] || { hp_log "could not create the physician"; exit 1; }

hp_log "loading $deficiencies deficiencies, set-based"
t0=$(date +%s.%N)
hp_psql $db -v n="$deficiencies" -v npi="$npi" <<'SQL'
INSERT INTO completion.stays (encounter_id, patient_id, encounter_class, facility_id, admitted_at, discharged_at, status, open_deficiencies,
    delinquent_at, analysed_at)
SELECT x.id, x.patient_id, x.class, x.service_provider_id, x.discharged - interval '3 days', x.discharged, 'incomplete', 0, x.discharged + interval '30 days', now()
FROM (SELECT e.*, now() - (row_number() OVER (ORDER BY e.id) % 2160) * interval '1 hour' - interval '1 hour' AS discharged
      FROM clinical.encounters e WHERE e.period_end IS NOT NULL) x;
CREATE TEMP TABLE bench_stays AS SELECT row_number() OVER (ORDER BY encounter_id) AS n, encounter_id, patient_id, discharged_at FROM completion.stays;
CREATE TEMP TABLE bench_doctors AS
  SELECT row_number() OVER (ORDER BY id) AS n, id FROM clinical.practitioners WHERE npi IS DISTINCT FROM :'npi';
CREATE TEMP TABLE bench_me AS SELECT id FROM clinical.practitioners WHERE npi = :'npi' ORDER BY id LIMIT 1;
WITH counts AS (SELECT (SELECT count(*) FROM bench_stays) AS stays, (SELECT count(*) FROM bench_doctors) AS doctors),
     g AS (SELECT i FROM generate_series(1::bigint, :n) AS i)
INSERT INTO completion.deficiencies (id, encounter_id, patient_id, rule_id, key, kind, description, document_type, responsible_practitioner_id,
    assigned_by_him, status, discharged_at, due_at, created_at, resolved_at, resolution)
SELECT gen_random_uuid(), s.encounter_id, s.patient_id, NULL, 'bench:' || g.i, k.kind, 'Synthetic deficiency for the benchmark',
       CASE WHEN k.kind = 'missing-document' THEN '18842-5' END,
       CASE WHEN g.i % 2500 = 0 THEN (SELECT id FROM bench_me) WHEN g.i % 50 = 0 THEN NULL ELSE d.id END,
       false,
       CASE WHEN g.i % 2500 = 0 OR g.i % 5 < 2 THEN 'open' ELSE 'resolved' END,
       s.discharged_at, s.discharged_at + interval '7 days', s.discharged_at,
       CASE WHEN g.i % 2500 = 0 OR g.i % 5 < 2 THEN NULL ELSE s.discharged_at + interval '3 days' END,
       CASE WHEN g.i % 2500 = 0 OR g.i % 5 < 2 THEN NULL ELSE 'signed' END
FROM g CROSS JOIN counts c
JOIN bench_stays s ON s.n = 1 + (g.i * 7919) % c.stays
JOIN bench_doctors d ON d.n = 1 + (g.i * 104729) % c.doctors
CROSS JOIN LATERAL (SELECT (ARRAY['signature','missing-document','order-authentication'])[1 + g.i % 3] AS kind) k;
VACUUM ANALYZE completion.stays;
VACUUM ANALYZE completion.deficiencies;
SQL
t1=$(date +%s.%N)
load_seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
total_count="$(hp_psql $db -At -c "SELECT count(*) FROM completion.deficiencies")"
open_count="$(hp_psql $db -At -c "SELECT count(*) FROM completion.deficiencies WHERE status = 'open'")"
mine_count="$(hp_psql $db -At -c "SELECT count(*) FROM completion.deficiencies d JOIN clinical.practitioners p ON p.id = d.responsible_practitioner_id WHERE d.status = 'open' AND p.npi = '$npi'")"

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
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base/Completion/Inbox")" = 200 ] || { hp_log "the inbox did not answer 200"; exit 1; }
next="$(curl -s -H "Cookie: $cookie" "$base/Completion/Inbox" | grep -o 'href="/Completion/Inbox?after=[^"]*"' | head -1 | sed 's/^href="//;s/"$//;s/&amp;/\&/g')"
[ -n "$next" ] || { hp_log "the inbox has no second page"; exit 1; }

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
measure inbox /Completion/Inbox
measure next "$next"
measure home /Charts
# The first page again, last: how much of the first measurement was the machine's load of the moment (2 shared cores).
measure inbox-again /Completion/Inbox

python3 - "$work" "$total_count" "$open_count" "$mine_count" "$load_seconds" "$connections" "$seconds" <<'PY'
import json, re, sys
work, total, open_count, mine, load, conns, secs = sys.argv[1:]
rows = []
for line in open(f"{work}/results.txt"):
    name, path, rest = line.split(" ", 2)
    vals = dict(re.findall(r"(\w+)=([\d.]+)", rest))
    rows.append({"name": name, "path": path, **{k: float(v) for k, v in vals.items()}})
result = {"deficiencies": int(total), "open": int(open_count), "physician_open": int(mine), "load_seconds": float(load),
          "connections": int(conns), "seconds": int(secs), "pages": rows}
json.dump(result, open(f"{work}/results.json", "w"), indent=2)
print(f"{total} deficiencies ({open_count} open, {mine} the physician's), loaded in {load} s; wrk, {conns} connections, {secs} s each")
print("| page | path | requests | errors | p50 ms | p95 ms | p99 ms |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    path = r['path'] if len(r['path']) < 40 else r['path'][:40] + '…'
    print(f"| {r['name']} | `{path}` | {int(r['requests'])} | {int(r['errors'])} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |")
inbox = next(r for r in rows if r["name"] == "inbox")
ok = inbox["p95"] <= 50 and inbox["errors"] == 0
print(("PASS" if ok else "FAIL") + f": inbox first page p95 {inbox['p95']:.1f} ms (goal <= 50 ms)")
sys.exit(0 if ok else 1)
PY
