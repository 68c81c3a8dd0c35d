#!/usr/bin/env bash
# Debian packages Repères needs at run time (WeasyPrint) and for its tests (pdfinfo, pdftotext,
# msgfmt for the catalogue check;
# with WITH_BROWSER=1, chromium and its WebDriver for the print, map and journey tests, and npm
# for axe-core, which scripts/axe-core.sh then installs into .axe/).
# Installs the missing ones when run as root; otherwise says exactly what to install.
set -euo pipefail
PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils gettext"
if [ "${WITH_BROWSER:-0}" = "1" ]; then PACKAGES="$PACKAGES chromium chromium-driver"; command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"; fi
axe() { if [ "${WITH_BROWSER:-0}" = "1" ]; then bash "$(dirname "$0")/axe-core.sh"; fi; }
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Système non Debian : installez l'équivalent de : $PACKAGES" >&2
  exit 0
fi
missing=""
for pkg in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
if [ -z "$missing" ]; then axe; exit 0; fi
if [ "$(id -u)" = "0" ]; then
  echo "Installation des paquets système :$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  axe
else
  echo "Paquets système manquants. Installez-les avec :" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
