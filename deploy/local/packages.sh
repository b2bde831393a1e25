#!/usr/bin/env bash
# Debian packages the services use at run time, installed where missing and we may (root
# with apt-get): Noto fonts for each script on the pages (decision 0025), Pango and
# HarfBuzz-subset for WeasyPrint's letters and signed copies (decisions 0029, 0031), and
# espeak-ng for the demo voice recordings (decision 0027). Elsewhere it says what to install.
set -uo pipefail

missing=""
[ -d /usr/share/fonts/truetype/noto ] || missing="$missing fonts-noto-core"
command -v espeak-ng >/dev/null 2>&1 || missing="$missing espeak-ng"
for lib in libpangoft2-1.0.so.0:libpangoft2-1.0-0 libharfbuzz-subset.so.0:libharfbuzz-subset0; do
  ldconfig -p 2>/dev/null | grep -q "${lib%%:*}" || missing="$missing ${lib##*:}"
done
# Only the tests read letters back (pdftotext) and decode their QR codes (zbarimg).
if [ "${1:-}" = "--with-test-tools" ]; then
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
  command -v zbarimg >/dev/null 2>&1 || missing="$missing zbar-tools"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing$missing (Debian packages)"
  # shellcheck disable=SC2086
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "missing Debian packages:$missing (install them with apt-get; letters, fonts or voice may not work without)"
fi
exit 0
