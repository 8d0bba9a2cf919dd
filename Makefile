# CoE Hub — one entry point for setting up, running and testing.
#   make run    set up and start web + worker + beat on http://127.0.0.1:8000 with demo data
#   make test   set up and run the whole suite (lint, checks, migrations, pytest)
#   make bench  benchmarks (one "BENCH <name> ..." line each)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
WEB_PORT ?= 8000

.PHONY: run test bench lint check migrate demo assets chromium services clean help

help:
	@sed -n 's/^#   //p' Makefile

$(VENV)/.run-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.run-installed
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed

# Debian's Chromium for the browser tests (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else echo "chromium is missing: run 'sudo apt-get install chromium' (browser tests need /usr/bin/chromium)." >&2; exit 1; fi; }

run: $(VENV)/.run-installed assets
	mkdir -p "$${VAR_DIR:-var}"
	DEBUG=$${DEBUG:-true} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo
	@echo "Starting web (http://127.0.0.1:$(WEB_PORT)/), Celery worker and Celery beat — Ctrl-C stops all three."
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" DEBUG=$${DEBUG:-true} WEB_PORT=$(WEB_PORT) $(VENV)/bin/honcho start -f Procfile

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check: $(VENV)/.dev-installed assets
	DJANGO_SETTINGS_MODULE=coe.settings_test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=coe.settings_test $(PY) manage.py makemigrations --check --dry-run

test: $(VENV)/.dev-installed assets chromium lint check
	$(PY) -m pytest $(PYTEST_ARGS)

# Benchmarks measure Postgres and Redis, as CI tests on them (set DATABASE_URL/REDIS_URL to use others).
bench: $(VENV)/.dev-installed assets
	scripts/ensure-services.sh
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coehub} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/15} $(PY) -m benchmarks

clean:
	rm -rf var staticfiles .pytest_cache
