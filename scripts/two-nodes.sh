#!/usr/bin/env bash
# Two HimPortal web nodes behind nginx on this machine, as a hospital deploys them: nginx terminates TLS (a self-signed
# certificate made here) and is the only trusted proxy; both nodes share one PostgreSQL, one data-protection
# certificate and nothing else. The script checks, and exits non-zero when any check fails:
#   1. a session cookie made on one node is honoured by the other (server-side sessions and data-protection keys shared);
#   2. a login form fetched from one node is accepted by the other (anti-forgery tokens);
#   3. under load through nginx (physicians reading a chart), stopping one node (SIGTERM) costs at most its in-flight
#      requests: nginx sends the rest to the other node;
#   4. every chart view served wrote its audit row; the nodes wrote signed checkpoints of the audit while serving, and
#      `himportal audit verify` finds the chain intact and agreeing with every checkpoint;
#   5. the clustered schedules and the one job queue go on when a node stops, each due time fired once.
#
#   HIMPORTAL_TWO_NODES_SECONDS  seconds of load (default 20; the node is stopped at a third of it)
#   HIMPORTAL_SKIP_BUILD=1       use the Release builds already there
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

seconds="${HIMPORTAL_TWO_NODES_SECONDS:-20}"
users=4
need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
if [ ${#need[@]} -gt 0 ]; then
  hp_log "installing ${need[*]} from the OS packages"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq "${need[@]}" >&2
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

hp_ensure_postgres
work="$HP_STATE/two-nodes"
rm -rf "$work"; mkdir -p "$work"
failures=0
check() { if [ "$1" = ok ]; then hp_log "ok: $2"; else hp_log "FAILED: $2"; failures=$((failures + 1)); fi; }

if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the web app and the CLI (Release)"
  { dotnet build src/HimPortal.Web -c Release -v quiet -nologo && dotnet build src/HimPortal.Cli -c Release -v quiet -nologo; } \
    >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
web="$HP_ROOT/src/HimPortal.Web/bin/Release/net10.0/HimPortal.Web.dll"

db=himportal_two_nodes
PGOPTIONS='-c client_min_messages=warning' hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
unset ConnectionStrings__HimPortalAdmin
himportal() { dotnet "$cli" "$@"; }
# The audit's signed checkpoints (ADR 0020), written by whichever node fires the schedule, checked by every verify.
(umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/checkpoint-key.pem" 2>/dev/null)
export Audit__Checkpoints__KeyFile="$work/checkpoint-key.pem" Audit__Checkpoints__Directory="$work/checkpoints"
himportal migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
himportal import data/synthea-r4 >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
patient_id="$(hp_psql $db -At -c "SELECT p.id FROM clinical.patients p ORDER BY (SELECT count(*) FROM clinical.encounters e WHERE e.patient_id = p.id) DESC, p.id LIMIT 1")"

# Physicians assigned to the patient, as HIM staff record it.
: >"$work/users.txt"
for i in $(seq 1 $users); do
  email="node.physician$i@two-nodes.himportal.test"
  out="$(himportal users add --email "$email" --role Physician --name "Two-node Physician $i" --no-password-change 2>&1)"
  echo "$email $(echo "$out" | sed -n 's/^Password: //p')" >>"$work/users.txt"
  hp_psql $db -c "INSERT INTO access.treatment_assignments (id, patient_id, user_id, reason, assigned_at)
    SELECT gen_random_uuid(), '$patient_id', id, 'two-node check', now() FROM identity.users WHERE email = '$email'" >/dev/null
done

# TLS at the proxy: a self-signed certificate for 127.0.0.1, made for this run.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
  -keyout "$work/tls.key" -out "$work/tls.crt" >/dev/null 2>&1
port_a="$(hp_free_port 5101 5102 5103)"
port_b="$(hp_free_port 5111 5112 5113)"
port_tls="$(hp_free_port 5443 5444 5445)"
base="https://127.0.0.1:$port_tls"

start_node() { # name port
  (cd src/HimPortal.Web && exec env ASPNETCORE_ENVIRONMENT=Production \
    Security__RequireHttps=true Security__TrustedProxies__0=127.0.0.1 \
    DataProtection__CertificatePath="$work/dataprotection.pfx" DataProtection__CreateIfMissing=true \
    Jobs__Schedules__audit-partitions__Every=00:00:03 Jobs__Schedules__audit-checkpoints__Every=00:00:05 \
    Jobs__Schedules__privacy-monitoring__Enabled=false \
    Logs__Path="$work/$1-.log" dotnet "$web" --urls "http://127.0.0.1:$2") >"$work/$1.out" 2>&1 &
  echo $!
}
# The first node makes the data-protection certificate; the second starts once it is there, so both share it.
pid_a="$(start_node node-a "$port_a")"
for _ in $(seq 1 240); do [ -f "$work/dataprotection.pfx" ] && break; sleep 0.5; done
pid_b="$(start_node node-b "$port_b")"

cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  fastcgi_temp_path $work/nginx-fastcgi;
  uwsgi_temp_path $work/nginx-uwsgi;
  scgi_temp_path $work/nginx-scgi;
  upstream himportal {
    server 127.0.0.1:$port_a max_fails=1 fail_timeout=10s;
    server 127.0.0.1:$port_b max_fails=1 fail_timeout=10s;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$port_tls ssl;
    ssl_certificate $work/tls.crt;
    ssl_certificate_key $work/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 256m;
    location / {
      proxy_pass http://himportal;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      # Replaces whatever the client sent: the nodes believe this header from this proxy only.
      proxy_set_header X-Forwarded-For \$remote_addr;
      proxy_set_header X-Forwarded-Proto \$scheme;
      # A node that is going away refuses connections; idempotent requests go to the other node.
      proxy_next_upstream error timeout http_502 http_503;
    }
  }
}
NGINX
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  kill "$pid_a" "$pid_b" 2>/dev/null || true
}
trap cleanup EXIT
"$nginx_bin" -c "$work/nginx.conf" -p "$work" -e "$work/nginx-error.log"

for port in "$port_a" "$port_b"; do
  for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { hp_log "a node did not start:"; tail -20 "$work"/node-*.out >&2; exit 1; }
done
hp_log "two nodes on :$port_a and :$port_b behind nginx at $base"

# A node addressed directly, as the proxy does (from the trusted address, saying the client came over TLS).
node() { local port="$1"; shift; curl -s -H "X-Forwarded-Proto: https" "$@" "http://127.0.0.1:$port${REQ_PATH}"; }
token_of() { grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }

# 2. The login form from node A, posted to node B.
read -r email password <"$work/users.txt"
jar="$work/cross.jar"
token="$(REQ_PATH=/Account/Login node "$port_a" -c "$jar" -b "$jar" | token_of)"
code="$(REQ_PATH=/Account/Login node "$port_b" -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
  --data-urlencode "Input.Email=$email" --data-urlencode "Input.Password=$password" --data-urlencode "__RequestVerificationToken=$token")"
session="$(awk '$6 == "himportal.session" { print $7 }' "$jar")"
[ "$code" = 302 ] && [ -n "$session" ] && check ok "a login form from node A signs in on node B" || check no "a login form from node A signs in on node B (HTTP $code)"

# 1. The session made on node B opens the chart on both nodes.
for port in "$port_a" "$port_b"; do
  code="$(REQ_PATH=/Charts/Chart/$patient_id node "$port" -o /dev/null -w '%{http_code}' -b "himportal.session=$session")"
  [ "$code" = 200 ] && check ok "the session opens the chart on the node at :$port" || check no "the session opens the chart on the node at :$port (HTTP $code)"
done

# Sessions for the load, signed in through nginx over TLS.
cookies=()
while read -r email password; do
  jar="$work/$email.jar"
  token="$(curl -ks -c "$jar" -b "$jar" "$base/Account/Login" | token_of)"
  curl -ks -o /dev/null -c "$jar" -b "$jar" "$base/Account/Login" --data-urlencode "Input.Email=$email" \
    --data-urlencode "Input.Password=$password" --data-urlencode "__RequestVerificationToken=$token"
  cookie="$(awk '$6 == "himportal.session" { print $7 }' "$jar")"
  [ -n "$cookie" ] || { hp_log "$email did not sign in through nginx"; exit 1; }
  cookies+=("$cookie")
done <"$work/users.txt"
audited_ip="$(hp_psql $db -At -c "SELECT client_ip FROM audit.access_events WHERE action = 'login' ORDER BY occurred_at DESC LIMIT 1")"
[ "$audited_ip" = 127.0.0.1 ] && check ok "the audit names the client's address as nginx forwarded it" || check no "audited address through nginx: $audited_ip"

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
  io.write(string.format("RESULT %d %d %d %d %d %d %.3f %.3f\n", summary.requests, summary.errors.status,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
LUA

# 3. Load through nginx; node A is stopped a third of the way in.
views() { hp_psql $db -At -c "SELECT count(*) FROM audit.access_events WHERE resource_type = 'Chart' AND action = 'view' AND outcome = 'success'"; }
views_before="$(views)"
hp_log "load: $users physicians for $seconds s through nginx; node A stops after $((seconds / 3)) s"
wrk -t $users -c $users -d "${seconds}s" -s "$work/chart.lua" "$base/Charts/Chart/$patient_id" >"$work/wrk.txt" 2>&1 &
wrk_pid=$!
sleep $((seconds / 3))
stopped_at="$(date -u +%FT%T.%NZ)"
kill -TERM "$pid_a"
wait "$pid_a" 2>/dev/null || true
hp_log "node A stopped (SIGTERM); node B serves on"
wait "$wrk_pid"
read -r _ requests bad_status connect_errors read_errors write_errors timeouts p50 p95 < <(grep '^RESULT' "$work/wrk.txt")
lost=$((bad_status + connect_errors + read_errors + write_errors + timeouts))
hp_log "$requests chart views, p50 $p50 ms, p95 $p95 ms; failed: $bad_status by status, $connect_errors connect, $read_errors read, $write_errors write, $timeouts timeout"
[ "$lost" -le "$users" ] && check ok "stopping a node under load cost $lost request(s) (at most its $users in flight)" \
  || check no "stopping a node under load cost $lost requests (more than the $users in flight)"

# 4. Every view served has its audit row; the chain is intact.
served=$((requests - lost))
audited=$(( $(views) - views_before ))
[ "$audited" -ge "$served" ] && check ok "$audited audit rows for $served chart views served" || check no "$audited audit rows for $served chart views served"
checkpoints="$(find "$work/checkpoints" -type f 2>/dev/null | wc -l)"
[ "$checkpoints" -ge 2 ] && check ok "$checkpoints signed checkpoints written by the nodes during the run" || check no "$checkpoints signed checkpoints written during the run"
himportal audit verify >"$work/verify.txt" 2>&1 && check ok "audit verify against the chain and every checkpoint: $(head -1 "$work/verify.txt")" \
  || check no "audit verify: $(head -3 "$work/verify.txt")"

# 5. The one job queue and the clustered schedules: the audit-partition upkeep, due every 3 s here, keeps running as
# jobs after node A has gone.
for _ in $(seq 1 60); do
  [ "$(hp_psql $db -At -c "SELECT count(*) FROM jobs.jobs WHERE kind = 'audit.ensure-partitions' AND status = 'succeeded' AND finished_at > '$stopped_at'")" -gt 0 ] && break
  sleep 0.5
done
after="$(hp_psql $db -At -c "SELECT count(*) FROM jobs.jobs WHERE kind = 'audit.ensure-partitions' AND status = 'succeeded' AND finished_at > '$stopped_at'")"
duplicates="$(hp_psql $db -At -c "SELECT count(*) - count(DISTINCT payload->>'scheduledFor') FROM jobs.jobs WHERE kind = 'audit.ensure-partitions'")"
[ "$after" -gt 0 ] && [ "$duplicates" = 0 ] && check ok "scheduled jobs go on after node A stopped ($after since), each due time fired once" \
  || check no "scheduled jobs: $after after node A stopped, $duplicates due time(s) fired twice"

if [ "$failures" -eq 0 ]; then hp_log "two nodes: all checks passed"; else hp_log "two nodes: $failures check(s) failed (logs in $work)"; fi
exit $((failures > 0))
