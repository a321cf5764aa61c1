#!/usr/bin/env bash
# "My record" in the patient portal at load (issue 19 item 10, the record half): a fresh, migrated database with the
# repository's Synthea patients, HIMPORTAL_BENCH_PATIENTS (50) patient accounts whose record is the largest shared patient
# (ClinicalData.Largest: 106 encounters, 865 observations, 106 notes), the portal started (Production), every account
# signed in (one session cookie each), then wrk (Debian's) measures, each for HIMPORTAL_BENCH_SECONDS at
# HIMPORTAL_BENCH_CONNECTIONS connections, every request with the next account's cookie in turn (a Lua script rotates
# the 50 sessions):
#   baseline      /               the portal's home: sign-in, session, layout, no query of ours
#   record        /Record         "my record": the chart gate, one batch of the record's queries and the audit row
#   visits        /Record?part=visits&after=…   the second page of visits (the keyset link)
#   record-again  /Record         once more, last (the load of the moment on shared cores)
# Goal: /Record p95 <= 100 ms. Results: .himportal/bench/portal-record/ (wrk outputs, results.json) and a table on stdout.
#
#   HIMPORTAL_BENCH_PATIENTS=N      patient accounts signed in at once (default 50)
#   HIMPORTAL_BENCH_SECONDS=N       seconds per measurement (default 20)
#   HIMPORTAL_BENCH_CONNECTIONS=N   concurrent connections (default 2)
#   HIMPORTAL_SKIP_BUILD=1          use the builds already in bin/Release
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

patients="${HIMPORTAL_BENCH_PATIENTS:-50}"
seconds="${HIMPORTAL_BENCH_SECONDS:-20}"
connections="${HIMPORTAL_BENCH_CONNECTIONS:-2}"
largest="0696ac49-3128-87d3-7344-04510aa4f324"
work="$HP_STATE/bench/portal-record"
rm -rf "$work"; mkdir -p "$work"
if ! command -v wrk >/dev/null; then
  hp_log "installing wrk from the OS packages"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq wrk >&2
fi
hp_ensure_postgres

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the portal and the CLI (Release)"
  { dotnet build src/HimPortal.Portal -c Release -v quiet -nologo && dotnet build src/HimPortal.Cli -c Release -v quiet -nologo; } \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
portal="$HP_ROOT/src/HimPortal.Portal/bin/Release/net10.0/HimPortal.Portal.dll"
himportal() { dotnet "$cli" "$@"; }

db=himportal_bench_portal_record
PGOPTIONS='-c client_min_messages=warning' hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
unset ConnectionStrings__HimPortalAdmin
himportal migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
himportal import data/synthea-r4 >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
mrn="$(hp_psql $db -At -c "SELECT mrn FROM clinical.patients WHERE fhir_id = '$largest'")"
[ -n "$mrn" ] || { hp_log "the largest patient was not imported"; exit 1; }
counts="$(hp_psql $db -At -F ' ' -c "SELECT (SELECT count(*) FROM clinical.encounters e JOIN clinical.patients p ON p.id = e.patient_id WHERE p.fhir_id = '$largest'),
  (SELECT count(*) FROM clinical.observations o JOIN clinical.patients p ON p.id = o.patient_id WHERE p.fhir_id = '$largest'),
  (SELECT count(*) FROM clinical.clinical_notes n JOIN clinical.patients p ON p.id = n.patient_id WHERE p.fhir_id = '$largest')")"

hp_log "creating $patients patient accounts for the largest record"
: >"$work/accounts.txt"
for i in $(seq 1 "$patients"); do
  email="patient$i.bench@bench.himportal.test"
  password="$(himportal users add --email "$email" --role Patient --name "Portal Bench $i" --patient-mrn "$mrn" --no-password-change 2>&1 | sed -n 's/^Password: //p')"
  [ -n "$password" ] || { hp_log "could not create patient $i"; exit 1; }
  printf '%s %s\n' "$email" "$password" >>"$work/accounts.txt"
done

# What is measured is the record page, not signing in: the bench accounts sign in with a password alone (the second
# factor optional), and the 50 sign-ins from this one address are let past the sign-in rate limit.
hp_psql $db -q -c "UPDATE portal.settings SET second_factor = 'optional'" >/dev/null
port="$(hp_free_port 5190 5191 5192 5193)"
(cd src/HimPortal.Portal && exec env ASPNETCORE_ENVIRONMENT=Production Security__RequireHttps=false \
  Identity__TwoFactor__Required=false Portal__RateLimits__PermitLimit=1000 \
  DataProtection__CertificatePath="$work/dataprotection.pfx" DataProtection__CreateIfMissing=true \
  Logs__Path="$work/portal-.log" dotnet "$portal" --urls "http://127.0.0.1:$port") >"$work/portal.out" 2>&1 &
portal_pid=$!
trap 'kill "$portal_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { hp_log "the portal did not start:"; tail -20 "$work/portal.out" >&2; exit 1; }
base="http://127.0.0.1:$port"

hp_log "signing in $patients accounts"
: >"$work/cookies.lst"
n=0
while read -r email password; do
  n=$((n + 1))
  jar="$work/jar-$n.txt"
  token="$(curl -s -c "$jar" -b "$jar" "$base/Account/Login" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')"
  code="$(curl -s -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$base/Account/Login" --data-urlencode "Input.Email=$email" \
    --data-urlencode "Input.Password=$password" --data-urlencode "__RequestVerificationToken=$token")"
  [ "$code" = 302 ] || { hp_log "sign-in $n failed (HTTP $code)"; exit 1; }
  cookie="$(sed 's/^#HttpOnly_//' "$jar" | awk '!/^#/ && NF >= 7 { printf "%s=%s; ", $6, $7 }')"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: $cookie" "$base/Record")" = 200 ] || { hp_log "account $n: /Record did not answer 200"; exit 1; }
  printf '%s\n' "$cookie" >>"$work/cookies.lst"
done <"$work/accounts.txt"
first="$(head -1 "$work/cookies.lst")"
next="$(curl -s -H "Cookie: $first" "$base/Record" | grep -o 'href="/Record?part=visits&amp;after=[^"]*"' | head -1 | sed 's/^href="//;s/"$//;s/&amp;/\&/g')"
[ -n "$next" ] || { hp_log "the record has no second page of visits"; exit 1; }

# Every request carries the next account's cookie: 50 sessions in turn, as 50 patients signed in at once.
{
  printf 'cookies = {\n'
  sed 's/\\/\\\\/g; s/"/\\"/g; s/^/  "/; s/$/",/' "$work/cookies.lst"
  printf '}\n'
  cat <<'LUA'
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", wrk.path, { ["Cookie"] = cookies[(counter % #cookies) + 1] })
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50=%.1f p95=%.1f p99=%.1f\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
} >"$work/rotate.lua"

measure() { # name path
  wrk -t1 -c"$connections" -d3s -s "$work/rotate.lua" "$base$2" >/dev/null 2>&1 # warm-up
  wrk -t1 -c"$connections" -d"${seconds}s" -s "$work/rotate.lua" "$base$2" >"$work/$1.wrk" 2>&1
  local line; line="$(grep '^RESULT' "$work/$1.wrk")"
  echo "$1 $2 $line" >>"$work/results.txt"
  hp_log "$1 ($2): ${line#RESULT }"
}
: >"$work/results.txt"
measure baseline /
measure record /Record
measure visits "$next"
measure record-again /Record
sessions="$(hp_psql $db -At -c "SELECT count(DISTINCT user_id) FROM audit.access_events WHERE resource_type = 'Record' AND details LIKE '%portal.record%'")"

python3 - "$work" "$patients" "$sessions" "$connections" "$seconds" "$counts" <<'PY'
import json, re, sys
work, patients, sessions, conns, secs, counts = sys.argv[1:]
encounters, observations, notes = (int(c) for c in counts.split())
rows = []
for line in open(f"{work}/results.txt"):
    name, path, rest = line.split(" ", 2)
    vals = dict(re.findall(r"(\w+)=([\d.]+)", rest))
    rows.append({"name": name, "path": path, **{k: float(v) for k, v in vals.items()}})
result = {"patients": int(patients), "accounts_that_read_the_record": int(sessions), "connections": int(conns), "seconds": int(secs),
          "record": {"encounters": encounters, "observations": observations, "notes": notes}, "pages": rows}
json.dump(result, open(f"{work}/results.json", "w"), indent=2)
print(f"the largest patient ({encounters} encounters, {observations} observations, {notes} notes); {patients} accounts signed in, "
      f"{sessions} of them read the record in the run; wrk, {conns} connections, {secs} s each, cookies rotated per request")
print("| page | path | requests | errors | p50 ms | p95 ms | p99 ms |")
print("|---|---|---|---|---|---|---|")
for r in rows:
    path = r['path'] if len(r['path']) < 40 else r['path'][:40] + '…'
    print(f"| {r['name']} | `{path}` | {int(r['requests'])} | {int(r['errors'])} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} |")
record = next(r for r in rows if r["name"] == "record")
ok = record["p95"] <= 100 and record["errors"] == 0
print(("PASS" if ok else "FAIL") + f": my record p95 {record['p95']:.1f} ms (goal <= 100 ms)")
sys.exit(0 if ok else 1)
PY
