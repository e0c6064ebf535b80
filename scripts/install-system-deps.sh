#!/usr/bin/env bash
# Installs the Debian packages Facteur's tests and benchmarks run against, when missing:
# chromium (UI end-to-end tests), dovecot (real IMAP/POP3 for diagnostics), nginx (autoconfig benchmark
# reference), poppler-utils (PDF text extraction), openssl (test certificates), swaks (diagnostics
# benchmark reference), postfix (smtp-source/smtp-sink: sending benchmark reference). Safe to re-run.
set -euo pipefail
packages=(chromium dovecot-imapd dovecot-pop3d nginx poppler-utils openssl swaks postfix)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    echo "Paquets manquants / missing packages: ${missing[*]} (install them with apt-get as root)" >&2
    exit 1
  fi
  echo "Installing ${missing[*]}…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# PostgreSQL must answer for the storage tests (they never skip): start the local cluster if it is down.
if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
fi
