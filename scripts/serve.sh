#!/usr/bin/env bash
# `make serve`: the production settings on this machine's PostgreSQL and Redis, served by gunicorn
# (README, "Production"). Every variable below may be set beforehand; the defaults suit a laptop
# (plain HTTP on 127.0.0.1, so no HTTPS redirect). Creates the database when it is missing, then
# migrate, install_reperes, setup_site, load_demo when REPERES_ALLOW_DEMO=1, collectstatic, and
# gunicorn in the foreground. `--prepare` stops before gunicorn (scripts/smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

export DJANGO_SETTINGS_MODULE=cms.settings.production
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/reperes}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}
# A new key each start when none is given: sessions do not outlive the server then.
DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')}
export DJANGO_SECRET_KEY
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-0}
export PORT=${PORT:-8000}
export WAGTAILADMIN_BASE_URL=${WAGTAILADMIN_BASE_URL:-http://127.0.0.1:$PORT}

$PY - <<'PYTHON'
"""Creates the database named by DATABASE_URL when it does not exist."""
import os

import dj_database_url
import psycopg
from psycopg import sql

config = dj_database_url.parse(os.environ["DATABASE_URL"])
server = {
    "host": config["HOST"] or None,
    "port": config["PORT"] or 5432,
    "user": config["USER"] or None,
    "password": config["PASSWORD"] or None,
}
with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=10, **server) as connection:
    if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
        print(f"Base de données {config['NAME']} créée.")
PYTHON

$PY manage.py migrate --no-input -v 0
$PY manage.py install_reperes
$PY manage.py setup_site
if [ "${REPERES_ALLOW_DEMO:-}" = 1 ]; then
  $PY manage.py load_demo
fi
$PY manage.py collectstatic --no-input -v 0

if [ "${1:-}" = --prepare ]; then
  exit 0
fi
echo "Repères (réglages de production) : http://127.0.0.1:$PORT/"
exec .venv/bin/gunicorn -c gunicorn.conf.py
