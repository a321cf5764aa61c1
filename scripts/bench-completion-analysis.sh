#!/usr/bin/env bash
# Chart-completion analysis at scale (issue 18 item 6): HIMPORTAL_BENCH_STAYS discharged stays (default 100,000) of the
# repository's 40 Synthea patients generated set-based in SQL into the clinical tables (benchmark data only, written as
# the test superuser: every row tagged SYNTHETIC-BENCH), with a realistic mix: H&P present in 85 % (signed in 70 %),
# discharge summary in 75 %, one or two progress notes, an appendectomy in 20 % (operative report in 70 % of them), one
# order (verbal or telephone in 30 %). Then:
#   analysis    every stay queued, `himportal completion analyse --json` drains the queue     goal: <= 60 s
#   baseline    one SQL pass over the same facts (what any analysis must at least read)
#   re-analysis HIMPORTAL_BENCH_SINGLE stays (default 300) each get a new unsigned discharge summary, then each is queued
#               and analysed alone (`himportal completion bench-reanalyse`), with a SELECT 1 round trip as baseline
#                                                                                                 goal: p95 <= 50 ms
# Results: .himportal/bench/completion/ and a table on stdout (copied into docs/benchmarks/completion.md).
#   HIMPORTAL_SKIP_BUILD=1   use the CLI already in bin/Release
set -euo pipefail
shopt -s inherit_errexit
source "$(dirname "$0")/lib/postgres.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

stays="${HIMPORTAL_BENCH_STAYS:-100000}"
single="${HIMPORTAL_BENCH_SINGLE:-300}"
work="$HP_STATE/bench/completion"
rm -rf "$work"; mkdir -p "$work"
hp_ensure_postgres
if [ "${HIMPORTAL_SKIP_BUILD:-0}" != 1 ]; then
  hp_log "building the CLI (Release)"
  dotnet build src/HimPortal.Cli -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
cli="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
himportal() { dotnet "$cli" "$@"; }

db=himportal_bench_completion
PGOPTIONS='-c client_min_messages=warning' hp_psql postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" >/dev/null
export ConnectionStrings__HimPortal="$(hp_server_connection);Database=$db"
unset ConnectionStrings__HimPortalAdmin
himportal migrate >"$work/migrate.log" 2>&1 || { cat "$work/migrate.log" >&2; exit 1; }
himportal import data/synthea-r4 >"$work/import.log" 2>&1 || { cat "$work/import.log" >&2; exit 1; }
himportal completion analyse >"$work/analyse-import.log" 2>&1

hp_log "generating $stays discharged stays, set-based"
t0=$(date +%s.%N)
hp_psql $db -v n="$stays" >"$work/generate.log" <<'SQL'
SET client_min_messages = warning;
CREATE TEMP TABLE bench_stays AS
WITH patients AS (SELECT array_agg(id ORDER BY id) AS ids FROM clinical.patients),
     doctors AS (SELECT array_agg(id ORDER BY id) AS ids FROM clinical.practitioners WHERE npi IS NOT NULL)
SELECT gen_random_uuid() AS id, g AS n,
       p.ids[1 + (g % cardinality(p.ids))] AS patient_id,
       CASE WHEN g % 10 < 8 THEN 'IMP' WHEN g % 10 = 8 THEN 'OBSENC' ELSE 'SS' END AS class,
       d.ids[1 + (g % cardinality(d.ids))] AS attending,
       d.ids[1 + ((g * 7 + 3) % cardinality(d.ids))] AS other,
       date_trunc('minute', now() - make_interval(days => 1 + (g % 300), hours => g % 24)) AS admitted,
       random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
FROM generate_series(1, :n) g, patients p, doctors d;
ALTER TABLE bench_stays ADD COLUMN discharged timestamptz;
UPDATE bench_stays SET discharged = admitted + make_interval(days => 1 + (n % 6));
INSERT INTO clinical.encounters (id, patient_id, status, class, period_start, period_end, fhir_id, resource, source_hash, imported_at)
SELECT id, patient_id, 'finished', class, admitted, discharged, 'bench-' || id, '{"resourceType":"Encounter","meta":{"tag":[{"code":"SYNTHETIC-BENCH"}]}}', '\x00', now()
FROM bench_stays;
INSERT INTO clinical.encounter_participants (parent_id, ordinal, patient_id, practitioner_id, type_code)
SELECT id, 0, patient_id, attending, 'ATND' FROM bench_stays
UNION ALL SELECT id, 1, patient_id, other, 'ADM' FROM bench_stays WHERE r1 < 0.5
UNION ALL SELECT id, 2, patient_id, other, 'DIS' FROM bench_stays WHERE r2 < 0.5;
INSERT INTO clinical.clinical_notes (id, status, type_code, type_display, date, author_id, authenticator_id, doc_status, text, fhir_id, resource, source_hash, imported_at, patient_id, encounter_id)
SELECT gen_random_uuid(), 'current', t.code, t.display, s.admitted + t.offset_, s.attending,
       CASE WHEN t.signed THEN s.attending END, CASE WHEN t.signed THEN 'final' ELSE 'preliminary' END, 'SYNTHETIC-BENCH',
       'bench-' || gen_random_uuid(), '{"resourceType":"DocumentReference"}', '\x00', now(), s.patient_id, s.id
FROM bench_stays s
CROSS JOIN LATERAL (VALUES
    ('34117-2', 'History and physical note', interval '3 hours', s.r3 < 0.7, s.r1 < 0.85),
    ('18842-5', 'Discharge summary', s.discharged - s.admitted, s.r4 < 0.7, s.r2 < 0.75),
    ('11506-3', 'Progress note', interval '20 hours', s.r5 < 0.7, true),
    ('11506-3', 'Progress note', interval '40 hours', s.r5 < 0.4, s.r5 < 0.5)) AS t(code, display, offset_, signed, present)
WHERE t.present;
INSERT INTO clinical.procedures (id, status, code, display, performed_start, performed_end, performer_id, fhir_id, resource, source_hash, imported_at, patient_id, encounter_id)
SELECT gen_random_uuid(), 'completed', '80146002', 'Appendectomy', admitted + interval '5 hours', admitted + interval '6 hours', other,
       'bench-' || gen_random_uuid(), '{"resourceType":"Procedure"}', '\x00', now(), patient_id, id
FROM bench_stays WHERE r3 < 0.2;
INSERT INTO clinical.clinical_notes (id, status, type_code, type_display, date, author_id, authenticator_id, doc_status, text, fhir_id, resource, source_hash, imported_at, patient_id, encounter_id)
SELECT gen_random_uuid(), 'current', '11504-8', 'Surgical operation note', admitted + interval '7 hours', other, other, 'final', 'SYNTHETIC-BENCH',
       'bench-' || gen_random_uuid(), '{"resourceType":"DocumentReference"}', '\x00', now(), patient_id, id
FROM bench_stays WHERE r3 < 0.14;
INSERT INTO clinical.medication_requests (id, status, intent, medication_code, medication_display, authored_on, requester_id, mode_codes, fhir_id, resource, source_hash, imported_at, patient_id, encounter_id)
SELECT gen_random_uuid(), 'active', 'order', '313782', 'Acetaminophen 325 MG Oral Tablet', admitted + interval '1 hour', attending,
       CASE WHEN r4 < 0.3 THEN ARRAY['http://terminology.hl7.org/CodeSystem/v3-ParticipationMode|' || CASE WHEN r5 < 0.5 THEN 'VERBAL' ELSE 'PHONE' END] ELSE '{}' END,
       'bench-' || gen_random_uuid(), '{"resourceType":"MedicationRequest"}', '\x00', now(), patient_id, id
FROM bench_stays;
INSERT INTO completion.analysis_queue (encounter_id, queued_at) SELECT id, now() FROM bench_stays;
ANALYZE;
SQL
t1=$(date +%s.%N)
generate=$(echo "$t1 - $t0" | bc)
counts=$(hp_psql $db -At -c "SELECT (SELECT count(*) FROM completion.analysis_queue) || ' stays, ' || (SELECT count(*) FROM clinical.clinical_notes WHERE text = 'SYNTHETIC-BENCH') || ' notes, ' || (SELECT count(*) FROM clinical.procedures WHERE fhir_id LIKE 'bench-%') || ' procedures, ' || (SELECT count(*) FROM clinical.medication_requests WHERE fhir_id LIKE 'bench-%') || ' orders'")
hp_log "generated in ${generate}s: $counts"

hp_log "baseline: one SQL pass over the queued stays' facts"
t0=$(date +%s.%N)
hp_psql $db -At >"$work/baseline.log" <<'SQL'
SELECT count(*), count(n.id), count(p.id), count(m.id)
FROM completion.analysis_queue q JOIN clinical.encounters e ON e.id = q.encounter_id
LEFT JOIN clinical.clinical_notes n ON n.encounter_id = e.id
LEFT JOIN clinical.procedures p ON p.encounter_id = e.id
LEFT JOIN clinical.medication_requests m ON m.encounter_id = e.id;
SQL
t1=$(date +%s.%N)
baseline=$(echo "$t1 - $t0" | bc)

hp_log "analysing every queued stay"
t0=$(date +%s.%N)
himportal completion analyse --json >"$work/analyse.json"
t1=$(date +%s.%N)
wall=$(echo "$t1 - $t0" | bc)
cat "$work/analyse.json" >&2
summary=$(hp_psql $db -At -c "SELECT count(*) || ' stays, ' || sum(open_deficiencies) || ' open deficiencies, ' || count(*) FILTER (WHERE status = 'ready') || ' ready' FROM completion.stays")

hp_log "re-analysis of single stays: $single get a new unsigned discharge summary"
hp_psql $db -At -v n="$single" >"$work/single.txt" <<'SQL'
SET client_min_messages = warning;
WITH picked AS (SELECT s.encounter_id AS id, s.patient_id, s.discharged_at FROM completion.stays s JOIN clinical.encounters e ON e.id = s.encounter_id
                WHERE e.fhir_id LIKE 'bench-%' ORDER BY random() LIMIT :n),
     added AS (
         INSERT INTO clinical.clinical_notes (id, status, type_code, type_display, date, author_id, doc_status, text, fhir_id, resource, source_hash, imported_at, patient_id, encounter_id)
         SELECT gen_random_uuid(), 'current', '18842-5', 'Discharge summary', p.discharged_at + interval '1 day', NULL, 'preliminary', 'SYNTHETIC-BENCH',
                'bench-' || gen_random_uuid(), '{"resourceType":"DocumentReference"}', '\x00', now(), p.patient_id, p.id
         FROM picked p RETURNING encounter_id)
SELECT encounter_id FROM added;
SQL
himportal completion bench-reanalyse --encounters "$work/single.txt" >"$work/reanalyse.json"
cat "$work/reanalyse.json" >&2

secs=$(jq -r .seconds "$work/analyse.json")
cat <<EOF2 | tee "$work/results.md"
| measurement | result | goal |
|---|---|---|
| data | $counts (generated in ${generate} s) | |
| baseline: one SQL pass over the stays' facts | ${baseline} s | |
| analysis of every stay (handler, in process) | ${secs} s ($(jq -r .stays "$work/analyse.json") stays, $(jq -r .created "$work/analyse.json") deficiencies created) | <= 60 s |
| analysis, whole command (process start included) | ${wall} s | |
| outcome | $summary | |
| baseline: SELECT 1 round trip | p50 $(jq -r .baseline.p50_ms "$work/reanalyse.json") ms, p95 $(jq -r .baseline.p95_ms "$work/reanalyse.json") ms | |
| re-analysis of one stay after a document arrives | p50 $(jq -r .reanalysis.p50_ms "$work/reanalyse.json") ms, p95 $(jq -r .reanalysis.p95_ms "$work/reanalyse.json") ms, max $(jq -r .reanalysis.max_ms "$work/reanalyse.json") ms ($(jq -r .stays "$work/reanalyse.json") stays) | p95 <= 50 ms |
EOF2
