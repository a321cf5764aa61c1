#!/usr/bin/env bash
# Run by docker-compose.yml's `db-roles` service before `migrate`: creates the compose stack's database and its two
# login roles (schema owner, application login) in the `db` server, and sets their passwords from the environment.
# Idempotent, and run on every `docker compose up`, so it also works on a `db` volume that already exists (for example
# one first initialised by scripts/run.sh) and a changed password takes effect on the next start.
# Connects as the superuser through the standard PGHOST, PGUSER and PGPASSWORD variables.
set -euo pipefail

: "${HIMPORTAL_DATABASE:?}" "${HIMPORTAL_OWNER_ROLE:?}" "${HIMPORTAL_APP_ROLE:?}"
: "${HIMPORTAL_OWNER_PASSWORD:?set HIMPORTAL_OWNER_PASSWORD}" "${HIMPORTAL_APP_PASSWORD:?set HIMPORTAL_APP_PASSWORD}"

psql -X -q -v ON_ERROR_STOP=1 -d postgres \
  -v db="$HIMPORTAL_DATABASE" \
  -v owner="$HIMPORTAL_OWNER_ROLE" -v owner_pw="$HIMPORTAL_OWNER_PASSWORD" \
  -v app="$HIMPORTAL_APP_ROLE" -v app_pw="$HIMPORTAL_APP_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I', :'owner') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'app') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- Neither role is a superuser: the owner could then bypass everything, and the application role must not own or alter
-- anything (its grants come from `himportal migrate`: DML on working tables; on the audit, SELECT and appends through audit.append only).
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'owner', :'owner_pw') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD %L', :'app', :'app_pw') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL

echo "db-roles: database $HIMPORTAL_DATABASE, owner $HIMPORTAL_OWNER_ROLE, application login $HIMPORTAL_APP_ROLE are ready"
