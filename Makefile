# Buurtkompas. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12 or newer; the machine's default python3 may be older, and
# pyenv shims may exist without working. Take the first interpreter that really runs.
PYENV_ROOT ?= $(HOME)/.pyenv
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d $(PYENV_ROOT)/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p || echo $$p; } && break; done)

# The commands docker-compose.yml runs; a test checks that both stay the same.
WEB_COMMAND := gunicorn config.wsgi --bind 0.0.0.0:8000 --workers 3 --access-logfile -
WORKER_COMMAND := celery -A config worker --loglevel INFO
BEAT_COMMAND := celery -A config beat --loglevel INFO

.PHONY: help run test lint setup system-packages messages lock worker beat web benchmark-seed benchmark-seed-audit benchmark clean

help:
	@echo "make run    set up and start Buurtkompas on http://$(HOST):$(PORT) with demo data"
	@echo "make test   set up and run the whole test suite"
	@echo "make lint   ruff, migrations check and the production deploy check"

$(BIN)/activate:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed
	mkdir -p var

system-packages:
	bin/install-system-packages

run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo --size small
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) runserver $(HOST):$(PORT)

# bin/run-tests: the suite in parallel, the tests that must share one process, and the
# tests that compare names once more with awkward names. TEST_WORKERS=0 runs it in one
# process, for a debugger.
test: setup system-packages
	@bin/run-tests $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.production \
	DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=buurtkompas.example REDIS_URL=redis://127.0.0.1:6379/0 \
	DATABASE_URL=postgres://buurtkompas@db.example:5432/buurtkompas \
	EMAIL_URL=smtp://mail.example:587 \
	MFA_ENCRYPTION_KEY="$$($(BIN)/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

messages: setup
	$(MANAGE) makemessages --locale nl --no-obsolete --ignore ".venv/*" --ignore "node_modules/*" --ignore "var/*"
	$(MANAGE) compilemessages --locale nl --ignore ".venv/*" --ignore "node_modules/*"

lock: setup
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.13 -o requirements.txt
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.13 --extra dev -o requirements-dev.txt
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.13 --extra benchmark -o requirements-benchmark.txt

# Production-style processes: the commands of docker-compose.yml, on this machine. They use
# the local settings unless DJANGO_SETTINGS_MODULE says otherwise, so they run on the
# embedded default (SQLite in var/, no broker) and on PostgreSQL and Redis when DATABASE_URL
# and REDIS_URL are set. web first does what compose's migrate step does, and listens on
# $(HOST):$(PORT) instead of every address. Without REDIS_URL there is no broker: tasks run
# inside the web process, so worker and beat explain that and stop.
web worker beat: export DJANGO_SETTINGS_MODULE ?= config.settings.local

web: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_instruments
	$(BIN)/$(subst 0.0.0.0:8000,$(HOST):$(PORT),$(WEB_COMMAND))

worker: setup
	@if [ -z "$$REDIS_URL" ]; then \
		echo "No REDIS_URL, so no broker: background tasks run inside the web process as soon as they are queued, and a worker has nothing to do."; \
		echo "For a separate worker, give make web and make worker the same REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make worker"; \
		exit 0; \
	fi; \
	$(BIN)/$(WORKER_COMMAND)

beat: setup
	@if [ -z "$$REDIS_URL" ]; then \
		echo "No REDIS_URL, so no broker and no beat: the nightly tasks (access-log and dossier retention, geocoding) do not run on their own."; \
		echo "Run them with make web, make worker and make beat sharing one REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make beat"; \
		exit 0; \
	fi; \
	$(BIN)/$(BEAT_COMMAND)

# The large demo set and the benchmark on it (benchmarks/README.md), in a PostgreSQL
# database of its own; DATABASE_URL is not used, so no other database gets the data.
BENCHMARK_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bk_large

benchmark-seed: setup
	BENCHMARK_DATABASE_URL="$(BENCHMARK_DATABASE_URL)" $(BIN)/python -m benchmarks.createdb
	DATABASE_URL="$(BENCHMARK_DATABASE_URL)" $(MANAGE) migrate --noinput
	DATABASE_URL="$(BENCHMARK_DATABASE_URL)" $(MANAGE) seed_demo --size large

# The access log at the scale of years: realistic rows over five years, added to the
# benchmark database with set-based SQL (20 million: about 15 minutes, 12 GB on disk).
AUDIT_BULK_ROWS ?= 20000000

benchmark-seed-audit: setup
	DATABASE_URL="$(BENCHMARK_DATABASE_URL)" $(MANAGE) audit_bulk_fill --rows $(AUDIT_BULK_ROWS)

$(VENV)/.benchmark-installed: $(VENV)/.installed requirements-benchmark.txt
	$(BIN)/python -m pip install --quiet -r requirements-benchmark.txt
	touch $@

benchmark: setup $(VENV)/.benchmark-installed
	BENCHMARK_DATABASE_URL="$(BENCHMARK_DATABASE_URL)" $(BIN)/python -m benchmarks.run $(BENCHMARK_ARGS)

clean:
	rm -rf $(VENV) node_modules var/static
