#!/usr/bin/env bash
# Runs HimPortal locally: starts PostgreSQL, creates the database and its two roles (schema owner, application login),
# migrates, loads the Synthea patients of data/synthea-r4, creates one demo user per role, starts a local SMTP server
# for the mail HimPortal sends (password-reset links), starts the staff app and the patient portal (issue 19), prints
# both URLs, the demo sign-ins and where mail goes, and serves until Ctrl+C.
set -euo pipefail
source "$(dirname "$0")/lib/postgres.sh"
source "$(dirname "$0")/lib/mail.sh"
cd "$HP_ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

hp_ensure_postgres

secrets="$HP_STATE/secrets.env"
if [ ! -f "$secrets" ]; then
  umask 077
  { echo "OWNER_PASSWORD=$(hp_random_secret)"; echo "APP_PASSWORD=$(hp_random_secret)"; } > "$secrets"
fi
# shellcheck disable=SC1090
source "$secrets"

hp_psql postgres -v owner_pw="$OWNER_PASSWORD" -v app_pw="$APP_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE himportal LOGIN PASSWORD %L', :'owner_pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'himportal') \gexec
SELECT format('CREATE ROLE himportal_app LOGIN PASSWORD %L', :'app_pw') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'himportal_app') \gexec
SELECT 'CREATE DATABASE himportal OWNER himportal' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'himportal') \gexec
SQL

base="Host=$HIMPORTAL_PG_HOST;Port=$HIMPORTAL_PG_PORT;Database=himportal"
# The owner's connection is given to `migrate` alone, never exported: the web app and the console's everyday commands
# run as the application login, which cannot disable the audit's triggers (docs/adr/0020).
owner_connection="$base;Username=himportal;Password=$OWNER_PASSWORD"
export ConnectionStrings__HimPortal="$base;Username=himportal_app;Password=$APP_PASSWORD"

# The audit's signed checkpoints (docs/adr/0020): a development signing key, generated once, and the folder they go to,
# both under .himportal/ and outside PostgreSQL's data directory. Production keeps the key and the folder off the
# database's host (write-once storage), and may also send each checkpoint to syslog (Audit__Checkpoints__Syslog).
checkpoint_key="$HP_STATE/audit-checkpoint-key.pem"
if [ ! -f "$checkpoint_key" ]; then
  (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$checkpoint_key" 2>/dev/null)
fi
export Audit__Checkpoints__KeyFile="$checkpoint_key"
export Audit__Checkpoints__Directory="$HP_STATE/audit-checkpoints"

hp_log "building"
dotnet build src/HimPortal.Web/HimPortal.Web.csproj -c Release -v quiet -nologo >&2
dotnet build src/HimPortal.Portal/HimPortal.Portal.csproj -c Release -v quiet -nologo >&2
dotnet build src/HimPortal.Cli/HimPortal.Cli.csproj -c Release -v quiet -nologo >&2
himportal() { dotnet "$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll" "$@"; }

ConnectionStrings__HimPortalAdmin="$owner_connection" himportal migrate >&2
himportal audit checkpoint >&2 || hp_log "the audit no longer agrees with its last checkpoint: run himportal audit verify"

# The 40 synthetic Synthea patients and their master data (data/synthea-r4, gzip-compressed, which the import reads as
# it is; a few seconds): importing again changes nothing, so this runs every time.
hp_log "loading the Synthea patients (data/synthea-r4)"
himportal import data/synthea-r4 >&2

# One demo user per role; each password is generated once and kept (with the database) under .himportal/.
demo="$HP_STATE/demo-users.txt"
touch "$demo"; chmod 600 "$demo"
# The demo physician is linked (by NPI) to the practitioner who saw the most of these patients, so their charts open
# on a treatment relationship; for the others the physician breaks the glass.
demo_npi="$(hp_psql himportal -At -c "SELECT pr.npi FROM clinical.encounter_participants ep
  JOIN clinical.practitioners pr ON pr.id = ep.practitioner_id WHERE pr.npi IS NOT NULL
  GROUP BY pr.npi ORDER BY count(DISTINCT ep.patient_id) DESC, count(*) DESC, pr.npi LIMIT 1")"
for role in Administrator HimManager HimClerk RoiSpecialist Physician ComplianceOfficer Patient; do
  email="$(echo "$role" | tr '[:upper:]' '[:lower:]')@demo.himportal.test"
  grep -q "^$email " "$demo" && continue
  extra=()
  [ "$role" = Physician ] && [ -n "$demo_npi" ] && extra=(--practitioner-npi "$demo_npi")
  if out="$(himportal users add --email "$email" --role "$role" --name "Demo $role" --no-password-change "${extra[@]}" 2>&1)"; then
    echo "$email $(echo "$out" | sed -n 's/^Password: //p') $role" >> "$demo"
  else
    hp_log "$email: $out"
  fi
done

# The indexing queue's demo documents (issue 15 item 8): synthetic scans and faxes made from these patients' notes,
# labelled SYNTHETIC, kept under .himportal/ and captured as from the fax server; a second run queues nothing again.
hp_log "making the demo's synthetic scanned documents"
himportal documents demo --synthea data/synthea-r4 --out "$HP_STATE/demo-documents" >&2 || hp_log "the demo documents were not all captured"

# Chart completion's demo stays (issue 18 item 5): recent synthetic stays of these patients (labelled SYNTHETIC), the
# demo physician attending or operating in about half, so their inbox and the HIM manager's numbers are real. The same
# day writes the same bundles, so a second run the same day imports nothing new; each new day adds that day's stays.
hp_log "making the chart-completion demo stays"
if himportal completion demo --synthea data/synthea-r4 --out "$HP_STATE/demo-stays" ${demo_npi:+--physician-npi "$demo_npi"} >&2; then
  himportal import "$HP_STATE/demo-stays" >&2 || hp_log "the demo stays were not all imported"
  # Analyse them now, so the inbox and the numbers are there at the first page (the analysis job would, once the web host runs).
  himportal completion analyse >&2 || hp_log "the demo stays' analysis failed"
fi

port="$(hp_free_port "${HIMPORTAL_PORT:-5080}" 5081 5082 5083)"
url="http://127.0.0.1:$port"
# The patient portal, the internet-facing host (issue 19), on a port of its own; its address goes in activation letters
# and in the links mailed to patients, so both hosts are told it.
portal_port="$(hp_free_port "${HIMPORTAL_PORTAL_PORT:-5090}" 5091 5092 5093)"
portal_url="http://127.0.0.1:$portal_port"
export Portal__PublicUrl="$portal_url"

# Mail (the "Forgot your password?" links) goes through a real SMTP server on loopback into a Maildir here.
mail_dir="$HP_STATE/mail"
hp_start_mail_server "$mail_dir"
trap 'kill "$HIMPORTAL_SMTP_PID" 2>/dev/null || true; [ -z "${portal_pid:-}" ] || kill "$portal_pid" 2>/dev/null || true' EXIT
export Mail__Host=127.0.0.1 Mail__Port="$HIMPORTAL_SMTP_PORT" Mail__UseTls=false \
  Mail__From=himportal@demo.himportal.test Mail__PublicUrl="$url"

echo
echo "HimPortal (staff app) is starting at $url"
echo "The patient portal is starting at   $portal_url"
echo
echo "Demo sign-ins (one per role):"
awk '{ printf "  %-19s %-42s %s\n", $3, $1, $2 }' "$demo"
echo "(Administrator and ComplianceOfficer set up an authenticator app at their first sign-in: two-step sign-in is required of them.)"
echo "(Patient signs in to the patient portal only, and sets up an authenticator app first; a clerk issues real patients'"
echo " activation letters under Portal accounts in the staff app, to be used at $portal_url/Account/Activate.)"
echo
echo "Mail HimPortal sends (password-reset links) is delivered by a local SMTP server (127.0.0.1:$HIMPORTAL_SMTP_PORT)"
echo "into $mail_dir/new, one file per message:  ls -t $mail_dir/new | head -1"
echo
cd src/HimPortal.Web
# Production, as a hospital runs it: Development would show any exception's stack trace (and the request's cookies) on
# the developer exception page. Set ASPNETCORE_ENVIRONMENT=Development yourself to ask for that page.
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
# Plain HTTP on the loopback address only, for this machine's browser.
export Security__RequireHttps=false
# The data-protection keys (they sign session cookies) are encrypted in the database with this certificate, made on the
# first run and kept beside the database under .himportal/.
export DataProtection__CertificatePath="$HP_STATE/dataprotection.pfx" DataProtection__CreateIfMissing=true
# The web app holds the application login only, never the schema owner's (migrations ran above).
unset ConnectionStrings__HimPortalAdmin
# Scanned pages are rendered by the console built above, run as a worker process with limits (ADR 0025). OCR uses
# Debian's tesseract when installed (apt-get install tesseract-ocr tesseract-ocr-eng); without it pages have no text.
export Documents__RenderWorkerPath="$HP_ROOT/src/HimPortal.Cli/bin/Release/net10.0/himportal.dll"
command -v tesseract >/dev/null 2>&1 || hp_log "tesseract is not installed: scanned pages will have no OCR text (apt-get install tesseract-ocr tesseract-ocr-eng)"
# The portal in the background, with the same settings (it runs no jobs: the staff app's job runner sends its mail).
(cd "$HP_ROOT/src/HimPortal.Portal" && exec dotnet bin/Release/net10.0/HimPortal.Portal.dll --urls "$portal_url") &
portal_pid=$!
# Not exec: the SMTP server and the portal stop with the web app (the trap above).
dotnet bin/Release/net10.0/HimPortal.Web.dll --urls "$url"
