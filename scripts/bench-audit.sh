#!/usr/bin/env bash
# Measures durable access-audit appends (1 and 8 concurrent writers, each append its own transaction) with
# BenchmarkDotNet on a fresh database of the local PostgreSQL. Prints BenchmarkDotNet's table; rows/s = 1 / Mean.
set -euo pipefail
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

hp_ensure_postgres
hp_psql postgres -c "DROP DATABASE IF EXISTS himportal_bench WITH (FORCE)" -c "CREATE DATABASE himportal_bench" >/dev/null
export HIMPORTAL_BENCH_DB
HIMPORTAL_BENCH_DB="$(hp_server_connection);Database=himportal_bench"

dotnet run -c Release --project tests/HimPortal.Benchmarks -- --filter '*AuditAppend*' \
  --artifacts "$HP_STATE/benchmarks" --job medium "$@"
