#!/usr/bin/env bash
# Installs the Debian packages Vanthu and its test suite use, when they are missing.
#   poppler-utils   pdftotext (search index, placement of the number/date/signature in drafts), pdftoppm
#   libreoffice-writer-nogui  soffice --headless: DOCX/ODT drafts converted to PDF (documents/convert.py)
#   fonts-liberation2 Liberation Serif 2 (Times-compatible, with Vietnamese glyphs) for generated PDFs;
#                     fonts-dejavu-core is the fallback the PDF code accepts
#   chromium        browser tests (Playwright drives Debian's Chromium; no browser download)
#   gettext         msgfmt for the English translation catalogue
#   postgresql-contrib  the unaccent extension for PostgreSQL search
#   softhsm2, opensc, libnss3-tools  PKCS#11 token in tests (SoftHSM2), pkcs11-tool, certutil for pdfsig's NSS trust store
set -euo pipefail
want=(poppler-utils fonts-liberation2 fonts-dejavu-core gettext libreoffice-writer-nogui)
if [ "${1:-}" = "--test" ]; then
  want+=(chromium softhsm2 opensc libnss3-tools)
fi
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if command -v pg_lsclusters >/dev/null 2>&1; then
  ver=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1}')
  if [ -n "$ver" ] && [ ! -f "/usr/share/postgresql/$ver/extension/unaccent.control" ]; then
    missing+=(postgresql-contrib)
  fi
fi
[ ${#missing[@]} -eq 0 ] && exit 0
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Please install: apt-get install ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
