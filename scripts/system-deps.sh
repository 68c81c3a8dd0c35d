#!/usr/bin/env bash
# Debian packages Repères needs at run time (WeasyPrint) and for its tests (pdfinfo, pdftotext;
# with WITH_BROWSER=1, chromium and its WebDriver for the print, map and journey tests).
# Installs the missing ones when run as root; otherwise says exactly what to install.
set -euo pipefail
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils"
if [ "${WITH_BROWSER:-0}" = "1" ]; then PACKAGES="$PACKAGES chromium chromium-driver"; fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Système non Debian : installez l'équivalent de : $PACKAGES" >&2
  exit 0
fi
missing=""
for pkg in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = "0" ]; then
  echo "Installation des paquets système :$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "Paquets système manquants. Installez-les avec :" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
