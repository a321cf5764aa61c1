# Sourced by run.sh, test.sh and the benchmark scripts. Starts a PostgreSQL server for HimPortal and exports
#   HIMPORTAL_PG_HOST, HIMPORTAL_PG_PORT, HIMPORTAL_PG_SUPERUSER, HIMPORTAL_PG_PASSWORD
# With a running Docker engine it uses docker compose's `db` service; otherwise a local server whose data lives in
# .himportal/pg of this checkout (installing PostgreSQL from the OS packages when it is missing).

HP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HP_STATE="$HP_ROOT/.himportal"

hp_log() { printf '%s\n' "himportal: $*" >&2; }

hp_as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else
    hp_log "need root to run: $*"; return 1; fi
}

hp_random_secret() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

hp_port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

hp_free_port() {
  local port
  for port in "$@"; do
    if hp_port_free "$port"; then echo "$port"; return 0; fi
  done
  for port in $(seq 55433 55633); do
    if hp_port_free "$port"; then echo "$port"; return 0; fi
  done
  return 1
}

hp_pg_bindir() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ] && { pg_config --bindir; return 0; }
  return 1
}

hp_docker_postgres() {
  hp_log "starting PostgreSQL with docker compose"
  docker compose -f "$HP_ROOT/docker-compose.yml" up -d --wait db >&2
  export HIMPORTAL_PG_HOST=127.0.0.1
  export HIMPORTAL_PG_PORT="${HIMPORTAL_DB_PORT:-55432}"
  export HIMPORTAL_PG_SUPERUSER=postgres
  export HIMPORTAL_PG_PASSWORD="${HIMPORTAL_DB_PASSWORD:-himportal-dev-only}"
}

hp_local_postgres() {
  local bindir data run_as=()
  if ! bindir="$(hp_pg_bindir)"; then
    hp_log "installing PostgreSQL from the OS packages"
    hp_as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq postgresql postgresql-contrib >&2
    bindir="$(hp_pg_bindir)" || { hp_log "PostgreSQL did not install"; return 1; }
  fi

  mkdir -p "$HP_STATE/pg"
  data="$HP_STATE/pg/data"
  # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres account the package created.
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown postgres "$HP_STATE/pg"
    chmod 700 "$HP_STATE/pg"
    run_as=(runuser -u postgres --)
  fi

  if [ ! -f "$HP_STATE/pg/superuser.password" ]; then
    hp_random_secret > "$HP_STATE/pg/superuser.password"
    chmod 600 "$HP_STATE/pg/superuser.password"
  fi

  if [ ! -f "$data/PG_VERSION" ]; then
    hp_log "creating a local PostgreSQL cluster in $data"
    local pwfile="$HP_STATE/pg/initdb.pw"
    cp "$HP_STATE/pg/superuser.password" "$pwfile"
    [ ${#run_as[@]} -gt 0 ] && chown postgres "$pwfile"
    "${run_as[@]}" "$bindir/initdb" -D "$data" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
      --auth-local=scram-sha-256 --auth-host=scram-sha-256 >/dev/null
    rm -f "$pwfile"
    cat >> "$data/postgresql.conf" <<CONF
# HimPortal local development and test server
listen_addresses = '127.0.0.1'
max_connections = 300
shared_buffers = 256MB
unix_socket_directories = '$HP_STATE/pg'
CONF
  fi

  local port
  if "${run_as[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port="$(cat "$HP_STATE/pg/port")"
  else
    port="$(hp_free_port "$(cat "$HP_STATE/pg/port" 2>/dev/null || echo 55432)")"
    echo "$port" > "$HP_STATE/pg/port"
    hp_log "starting local PostgreSQL on 127.0.0.1:$port"
    "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$HP_STATE/pg/server.log" -o "-p $port" -w -t 60 start >/dev/null
  fi

  export HIMPORTAL_PG_HOST=127.0.0.1
  export HIMPORTAL_PG_PORT="$port"
  export HIMPORTAL_PG_SUPERUSER=postgres
  HIMPORTAL_PG_PASSWORD="$(cat "$HP_STATE/pg/superuser.password")"
  export HIMPORTAL_PG_PASSWORD
}

hp_ensure_postgres() {
  if [ "${HIMPORTAL_USE_DOCKER:-auto}" != "never" ] && command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    hp_docker_postgres
  else
    hp_local_postgres
  fi
}

# psql as the superuser against database $1 (default postgres); the SQL comes on standard input or as further arguments.
hp_psql() {
  local db="${1:-postgres}"; shift || true
  PGPASSWORD="$HIMPORTAL_PG_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h "$HIMPORTAL_PG_HOST" -p "$HIMPORTAL_PG_PORT" \
    -U "$HIMPORTAL_PG_SUPERUSER" -d "$db" "$@"
}

hp_server_connection() {
  echo "Host=$HIMPORTAL_PG_HOST;Port=$HIMPORTAL_PG_PORT;Username=$HIMPORTAL_PG_SUPERUSER;Password=$HIMPORTAL_PG_PASSWORD"
}
