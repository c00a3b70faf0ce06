#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for the browser tests, Dovecot for the
# IMAP tests, gettext for the translation check, poppler-utils to read PDFs back, Pango for WeasyPrint. Installed when missing.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || need+=(libpango-1.0-0 libpangoft2-1.0-0)
# Statements are rendered to PDF with a real font, and read back in the tests.
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
# makemessages/compilemessages, and the test that every message has its Swedish translation.
command -v msgmerge >/dev/null 2>&1 || need+=(gettext)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "Installing system packages: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
