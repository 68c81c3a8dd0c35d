#!/usr/bin/env bash
# axe-core (Deque, MPL-2.0), the accessibility engine the browser tests inject into each page
# (tests/journeys/test_first_hour.py), installed from the npm registry into .axe/ (gitignored):
# not vendored, not shipped with the site. Pinned; skipped when already there.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.11.4
TARGET=.axe/node_modules/axe-core/axe.min.js
if [ -f "$TARGET" ] && grep -q "\"version\": \"$VERSION\"" .axe/node_modules/axe-core/package.json; then exit 0; fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm absent : installez Node.js (paquet Debian « npm ») pour les tests d’accessibilité." >&2
  exit 1
fi
npm install --no-save --no-audit --no-fund --prefix .axe "axe-core@$VERSION" >/dev/null
echo "axe-core $VERSION installé dans .axe/"
