#!/usr/bin/env bash
# Smoke test of the production set-up (.ci/run): a throwaway PostgreSQL database prepared as
# `make serve` does (scripts/serve.sh --prepare) with the demo content, then two gunicorn
# servers with DEBUG off on two free ports, sharing PostgreSQL and Redis (a Redis database of
# its own, SMOKE_REDIS_DB, flushed). Checks, on each: the home page, a search, a fiche, a
# static file (hashed name), a handout (PDF), the admin's sign-in and /sante/. Then a fiche's
# title is changed through `manage.py shell` (a published revision) and both servers must show
# it at once: on the fiche page, in search and in its handout. Last, the backup drill: the
# database dumped (pg_dump) and restored into a new one (pg_restore), a third server on it serves
# the same sitemap, search results and fiche. Everything is removed at the end, whatever happens.
# Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PGHOST=${PGHOST:-127.0.0.1}
DB="reperes_smoke_$$"
REDIS_DB=${SMOKE_REDIS_DB:-12}
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  status=$?
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    # gunicorn stops its workers within graceful_timeout (30 s); then it is killed.
    timeout 40 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  done
  if [ "$status" -ne 0 ]; then
    for log in "$WORK"/gunicorn-*.log; do
      [ -f "$log" ] && { echo "--- $log (end)"; tail -n 30 "$log"; }
    done
  fi
  for name in "$DB" "${DB}_restored"; do
    psql -h "$PGHOST" -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
  redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # a timeout or ^C cleans up too

fail() {
  echo "SMOKE FAILED: $*" >&2
  exit 1
}

free_port() {
  $PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

export DATABASE_URL="postgres://postgres@$PGHOST:5432/$DB"
export REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export DJANGO_SECRET_KEY
DJANGO_SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_STATIC_ROOT="$WORK/static"
export DJANGO_MEDIA_ROOT="$WORK/media"
# HTTPS as behind the reverse proxy: every request says so in X-Forwarded-Proto (curl below).
export DJANGO_SECURE_SSL_REDIRECT=1
export GUNICORN_WORKERS=2
export REPERES_ALLOW_DEMO=1
redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null

echo "-- Production settings refuse the demo content without REPERES_ALLOW_DEMO=1"
if REPERES_ALLOW_DEMO= DJANGO_SETTINGS_MODULE=cms.settings.production $PY manage.py load_demo >"$WORK/demo.out" 2>&1; then
  fail "load_demo ran with the production settings and no REPERES_ALLOW_DEMO"
fi
grep -q "Le contenu de démonstration est désactivé ici" "$WORK/demo.out" || fail "load_demo: $(cat "$WORK/demo.out")"

echo "-- Database $DB: migrate, install_reperes, setup_site, load_demo, collectstatic (scripts/serve.sh)"
timeout 900 bash scripts/serve.sh --prepare >"$WORK/prepare.log" 2>&1 || {
  tail -n 40 "$WORK/prepare.log"
  fail "scripts/serve.sh --prepare"
}

start() { # start <port> <name>
  BIND="127.0.0.1:$1" DJANGO_SETTINGS_MODULE=cms.settings.production \
    .venv/bin/gunicorn -c gunicorn.conf.py >"$WORK/gunicorn-$2.log" 2>&1 &
  PIDS+=($!)
}

# fetch <url> <file>: prints the status code and content type; the body goes to <file>.
fetch() {
  curl -sS --max-time 60 -H "X-Forwarded-Proto: https" -o "$2" -w '%{http_code} %{content_type}' "$1"
}

expect() { # expect <url> <status> [content type prefix]: the body is left in $WORK/body
  local got
  got=$(fetch "$1" "$WORK/body") || fail "$1: no answer"
  [ "${got%% *}" = "$2" ] || fail "$1: $got, not $2"
  if [ -n "${3:-}" ]; then
    case "${got#* }" in "$3"*) ;; *) fail "$1: content type ${got#* }, not $3" ;; esac
  fi
  echo "   $1 $got"
}

PORT1=$(free_port)
start "$PORT1" 1
PORT2=$(free_port)
while [ "$PORT2" = "$PORT1" ]; do PORT2=$(free_port); done
start "$PORT2" 2

for port in "$PORT1" "$PORT2"; do
  for _ in $(seq 1 60); do
    [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/sante/")" = 200 ] && break
    sleep 1
  done
done

for port in "$PORT1" "$PORT2"; do
  site="http://127.0.0.1:$port"
  echo "-- gunicorn on $site (DEBUG off)"
  expect "$site/sante/" 200 application/json
  grep -q '"database": "ok", "cache": "ok"' "$WORK/body" || fail "/sante/: $(cat "$WORK/body")"
  expect "$site/" 200 text/html
  static=$(grep -oE '/static/css/reperes\.[0-9a-f]{12}\.css' "$WORK/body" | head -n 1)
  [ -n "$static" ] || fail "the home page links no hashed style sheet"
  expect "$site$static" 200 text/css
  expect "$site/recherche/?q=logement" 200 text/html
  grep -q 'href="/fiches/' "$WORK/body" || fail "a search for « logement » finds no fiche"
  expect "$site/sitemap.xml" 200
  fiche=$(grep -oE "<loc>[^<]*/fiches/[^/<]+/</loc>" "$WORK/body" | head -n 1 | sed -E 's#<loc>https?://[^/]+##; s#</loc>##')
  [ -n "$fiche" ] || fail "no fiche in the sitemap"
  expect "$site$fiche" 200 text/html
  handout=$(grep -oE '/imprimer/fiche/[0-9]+\.pdf' "$WORK/body" | head -n 1)
  [ -n "$handout" ] || fail "the fiche page $fiche links no handout"
  expect "$site$handout" 200 application/pdf
  expect "$site/admin/login/" 200 text/html
done

echo "-- A fiche published through manage.py shows at once on both servers"
# Both servers have the fiche page, a search and the handout in their caches before the change.
for port in "$PORT1" "$PORT2"; do
  fetch "http://127.0.0.1:$port$fiche" /dev/null >/dev/null
  fetch "http://127.0.0.1:$port/recherche/?q=zorglub" /dev/null >/dev/null
  fetch "http://127.0.0.1:$port$handout" /dev/null >/dev/null
done
TITLE="Aide zorglub au logement $$"
FICHE_PATH="$fiche" NEW_TITLE="$TITLE" DJANGO_SETTINGS_MODULE=cms.settings.production $PY manage.py shell -c '
import os
from wagtail.models import Page
page = Page.objects.get(url_path__endswith=os.environ["FICHE_PATH"]).specific
page.title = os.environ["NEW_TITLE"]
page.save_revision().publish()
' >"$WORK/publish.log" 2>&1 || { cat "$WORK/publish.log"; fail "publishing a new title through manage.py shell"; }
for port in "$PORT1" "$PORT2"; do
  site="http://127.0.0.1:$port"
  expect "$site$fiche" 200 text/html
  grep -q "$TITLE" "$WORK/body" || fail "$site$fiche does not show the new title"
  expect "$site/recherche/?q=zorglub" 200 text/html
  grep -q "$fiche" "$WORK/body" || fail "$site: a search for « zorglub » does not find the fiche"
  expect "$site$handout" 200 application/pdf
  pdftotext "$WORK/body" - | tr -s ' \n' ' ' | grep -q "$TITLE" || fail "$site$handout does not print the new title"
done
echo "-- Backup and restore drill: the dump restored into a new database serves the same site"
RESTORED="${DB}_restored"
timeout 300 pg_dump -h "$PGHOST" -U postgres -Fc -f "$WORK/reperes.dump" "$DB" || fail "pg_dump"
psql -h "$PGHOST" -U postgres -d postgres -qc "CREATE DATABASE $RESTORED" >/dev/null
timeout 300 pg_restore -h "$PGHOST" -U postgres --no-owner -d "$RESTORED" "$WORK/reperes.dump" || fail "pg_restore"
[ "$(psql -h "$PGHOST" -U postgres -d "$RESTORED" -Atc "SELECT count(*) FROM wagtailcore_page WHERE title = '$TITLE'")" = 1 ] \
  || fail "the restored database lacks the fiche published last"
PORT3=$(free_port)
# Its own cache keys: nothing it serves may come from what the first servers cached.
DATABASE_URL="postgres://postgres@$PGHOST:5432/$RESTORED" CACHE_KEY_PREFIX=restored BIND="127.0.0.1:$PORT3" \
  .venv/bin/gunicorn -c gunicorn.conf.py >"$WORK/gunicorn-3.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do
  [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT3/sante/")" = 200 ] && break
  sleep 1
done
for page in "/sitemap.xml" "/recherche/?q=logement" "/recherche/?q=zorglub" "$fiche"; do
  for port in "$PORT1" "$PORT3"; do
    expect "http://127.0.0.1:$port$page" 200
    # What a page says: its title, headings and links (not its CSRF token or request id).
    grep -oE '<title>[^<]*|<h[12][^>]*>[^<]*|href="/[^"]*"|<loc>[^<]*' "$WORK/body" \
      | sed -E 's#https?://[^/]+##' >"$WORK/page-$port"
  done
  [ -s "$WORK/page-$PORT1" ] || fail "$page: nothing to compare"
  cmp -s "$WORK/page-$PORT1" "$WORK/page-$PORT3" \
    || fail "$page differs once restored: $(diff "$WORK/page-$PORT1" "$WORK/page-$PORT3" | head -n 10)"
done
echo "-- Smoke test passed"
