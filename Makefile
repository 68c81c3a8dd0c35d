# Repères — every target works from a fresh clone; `make run` and `make test` are the two
# commands of the README.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.requirements-installed

.PHONY: setup run serve test check lint bench bench-demo bench-import bench-relevance system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

system-deps:
	bash scripts/system-deps.sh

setup: system-deps $(STAMP)
	$(MANAGE) migrate --no-input -v 0
	$(MANAGE) install_reperes
	$(MANAGE) setup_site
	$(MANAGE) load_demo

run: setup
	@echo "Repères : http://127.0.0.1:8000/  (administration : http://127.0.0.1:8000/admin/)"
	$(MANAGE) runserver 127.0.0.1:8000

# The production settings with gunicorn on this machine's PostgreSQL and Redis (scripts/serve.sh:
# the `reperes` database created when missing, migrate, reference data, site tree, collectstatic).
serve: $(STAMP)
	bash scripts/serve.sh

test: system-deps $(STAMP)
	$(PY) -m pytest -q -n 2

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: lint
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest -q -n 2

# Search and navigation at 1,000 / 10,000 / 100,000 fiches (BENCH_DATABASE=postgres for
# PostgreSQL); each size's database is built once and kept. Then the data·inclusion import of
# 25,000 services (bench-import).
bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/datainclusion.py

# import_datainclusion on a synthetic feed of BENCH_IMPORT_SIZE (25,000) services placed in the
# real communes; a fresh database each run. Prints `bench import_datainclusion <n> seconds=<s>`.
bench-import: $(STAMP)
	$(PY) bench/datainclusion.py

# The relevance suite (bench/relevance.toml) on the demo content, on PostgreSQL and on SQLite
# (their own databases, built when missing); prints `relevance good=<n>/<total> ndcg5=<x>` for each.
bench-relevance: $(STAMP)
	$(PY) bench/relevance.py

# Pages and handouts on the demo database (make setup first).
bench-demo: $(STAMP)
	$(PY) bench/demo.py

clean:
	rm -rf $(VENV) db.sqlite3 media .test-media .pytest_cache bench/.data
