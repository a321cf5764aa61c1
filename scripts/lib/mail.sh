#!/usr/bin/env bash
# A real SMTP server on this machine for the demo (scripts/run.sh): Debian's aiosmtpd (python3-aiosmtpd), installed
# from the OS packages when missing, delivering every message into a Maildir (one file per message under DIR/new).
# HimPortal sends to it with MailKit exactly as it would to the hospital's relay (Mail:Host, Mail:Port, no TLS on loopback).
# Source after lib/postgres.sh (hp_log, hp_as_root, hp_free_port, hp_port_free).

# hp_start_mail_server DIR: starts the server in the background; sets HIMPORTAL_SMTP_PORT and HIMPORTAL_SMTP_PID.
hp_start_mail_server() {
  local dir="$1" python=/usr/bin/python3 i
  if ! "$python" -c 'import aiosmtpd' >/dev/null 2>&1; then
    hp_log "installing the demo's SMTP server (python3-aiosmtpd) from the OS packages"
    hp_as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq python3-aiosmtpd >&2
  fi
  # The Maildir's parent only: aiosmtpd makes the Maildir (with its new, cur and tmp) when it does not exist yet.
  local log; log="$(dirname "$dir")/smtp.log"
  mkdir -p "$(dirname "$dir")"
  HIMPORTAL_SMTP_PORT="$(hp_free_port "${HIMPORTAL_SMTP_PORT:-2525}" 2526 2527 2528 2529)"
  # -n: stay the user who started it (it would otherwise try to become nobody, who cannot write DIR).
  "$python" -m aiosmtpd -n -l "127.0.0.1:$HIMPORTAL_SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$dir" >"$log" 2>&1 &
  HIMPORTAL_SMTP_PID=$!
  for i in $(seq 1 50); do
    if ! hp_port_free "$HIMPORTAL_SMTP_PORT"; then export HIMPORTAL_SMTP_PORT HIMPORTAL_SMTP_PID; return 0; fi
    kill -0 "$HIMPORTAL_SMTP_PID" 2>/dev/null || break
    sleep 0.1
  done
  hp_log "the SMTP server did not start (see $log)"
  return 1
}
