#!/usr/bin/env bash
# Measures the scanned-document pipeline (issue 15 item 9, first part): synthetic scanned pages (scanned PDFs, fine and
# standard G4 fax TIFFs, made from the repository's Synthea notes) are imported with `himportal documents import`, then
# split and rendered with `himportal documents render` (the documents.render jobs' work, in the foreground: one render
# worker process per file, ADR 0025). Prints, per set: pages, import seconds, render seconds, pages per second, the
# render command's peak RSS and the largest render worker's peak RSS (GNU time around each worker). The baseline of the
# same run is a set of 100 pages: pages per second should hold at 1,000, and a 500-page TIFF's worker should need about
# what a 10-page one needs (memory flat: pages are rendered and written one at a time).
#
#   HIMPORTAL_BENCH_PAGES=N   the large set (default 1000); the baseline is 100
#   HIMPORTAL_BENCH_LONG=N    pages of the long TIFF (default 500)
#   HIMPORTAL_SKIP_BUILD=1    use the CLI already published to .himportal/bench/cli
#
# OCR is not in these figures (tesseract reads a page in about a second or two; it runs after, in its own job).
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
source "$(dirname "$0")/lib/publish-cli.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
large="${HIMPORTAL_BENCH_PAGES:-1000}"
long="${HIMPORTAL_BENCH_LONG:-500}"

if [ ! -x /usr/bin/time ]; then
  hp_log "installing GNU time (/usr/bin/time measures peak memory)"
  hp_as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq time >&2
fi

hp_ensure_postgres
work="$HP_STATE/bench-documents"
mkdir -p "$work"
if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  rm -rf "$HP_STATE/bench/cli"
  hp_publish_cli "$HP_STATE/bench/cli" >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_STATE/bench/cli/himportal"
[ -x "$cli" ] || { hp_log "$cli is missing: publish it or unset HIMPORTAL_SKIP_BUILD"; exit 1; }

# The worker, wrapped so GNU time records each worker process's peak RSS (KiB) and wall time, one line per file.
worker_times="$work/worker.times"
cat >"$work/worker.sh" <<SH
#!/bin/sh
exec /usr/bin/time -a -o "$worker_times" -f '%M %e' "$cli" "\$@"
SH
chmod +x "$work/worker.sh"
export Documents__RenderWorkerPath="$work/worker.sh"

# --- The corpora, made outside any timing ----------------------------------------------------------------------------
corpus() { # name, then the synthetic command's options
  local name="$1"; shift
  if [ ! -f "$work/$name.done" ]; then
    rm -rf "${work:?}/$name"
    hp_log "writing the $name corpus"
    "$cli" documents synthetic --notes data/synthea-r4 --out "$work/$name" "$@" >&2
    touch "$work/$name.done"
  fi
}
corpus base --pages 100 --seed 1
corpus large --pages "$large" --seed 2
corpus short-tiff --one-tiff 10 --seed 3
corpus long-tiff --one-tiff "$long" --seed 4

quiet_psql() { PGOPTIONS='-c client_min_messages=warning' hp_psql "$@"; }
fresh_db() {
  quiet_psql postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1" >/dev/null
  ConnectionStrings__HimPortal="$(hp_server_connection);Database=$1" "$cli" migrate >"$work/migrate.out" 2>&1 \
    || { cat "$work/migrate.out" >&2; return 1; }
}

printf '%-10s %6s %9s %9s %9s %12s %12s\n' set pages import_s render_s pages/s render_rss_MB worker_rss_MB
measure() { # name
  local name="$1" db="himportal_bench_documents" import_wall render_wall render_rss pages worker_rss
  fresh_db "$db"
  export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
  : >"$worker_times"
  /usr/bin/time -f '%e %M' -o "$work/import.time" "$cli" documents import --source bench --json "$work/$name" >"$work/import-$name.json" 2>"$work/import-$name.err"
  read -r import_wall _ < <(tail -n 1 "$work/import.time")
  /usr/bin/time -f '%e %M' -o "$work/render.time" "$cli" documents render >"$work/render-$name.out" 2>"$work/render-$name.err"
  read -r render_wall render_rss < <(tail -n 1 "$work/render.time")
  pages="$(hp_psql "$db" -At -c "SELECT count(*) FROM documents.pages")"
  parked="$(hp_psql "$db" -At -c "SELECT count(*) FROM documents.received_files WHERE status <> 'split'")"
  worker_rss="$(awk 'BEGIN { m = 0 } /^[0-9]/ { if ($1 > m) m = $1 } END { printf "%.0f", m / 1024 }' "$worker_times")"
  printf '%-10s %6s %9s %9s %9.1f %12.0f %12s\n' "$name" "$pages" "$import_wall" "$render_wall" \
    "$(awk -v p="$pages" -v s="$render_wall" 'BEGIN { print p / s }')" "$(awk -v k="$render_rss" 'BEGIN { print k / 1024 }')" "$worker_rss"
  [ "$parked" = 0 ] || hp_log "$name: $parked file(s) not split (see $work/render-$name.err)"
}
measure base
measure large
measure short-tiff
measure long-tiff
