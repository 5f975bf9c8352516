# Everyday commands. `make run` serves the demo site, `make test` runs every test.
SHELL := /bin/bash

# The first Python 3.11+ on the PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install run demo migrate serve worker backup restore test lint format browser clean bench wrk quality

help:
	@echo "make run     set up, load demo content and serve on http://$(HOST):$(PORT)/"
	@echo "make serve   production: check, collectstatic, migrate, gunicorn on $(HOST):$(PORT) and the job worker (docs/DEPLOY.md)"
	@echo "make worker  the background-job worker alone, restarted if it dies (with NEWSROOM_SERVE_JOBS=false)"
	@echo "make backup  the database and the media in one archive under ./backups (BACKUP_DIR=...)"
	@echo "make restore BACKUP=backups/newsroom-....tar   put a backup back (asks first)"
	@echo "make test    run the whole test suite (installs Debian's chromium if missing)"
	@echo "make lint    ruff check + format check"
	@echo "make bench   the production server at two data sizes against the targets (docs/PERFORMANCE.md)"
	@echo "make quality Lighthouse scores and page weight of home and an article"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Newsroom needs Python 3.11 or newer on the PATH." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo_content

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/, the admin at http://$(HOST):$(PORT)/admin/ (Ctrl-C to stop)."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production (docs/DEPLOY.md): DJANGO_ENV=production and the variables in README.md.
serve: install
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m newsroom.serve

# The job worker as its own process, for servers that run make serve with NEWSROOM_SERVE_JOBS=false.
worker: install
	$(BIN)/python -m newsroom.worker

# Backups (docs/DEPLOY.md): with the same environment as the site (DATABASE_URL, ...).
BACKUP_DIR ?= backups
backup: install
	$(BIN)/python manage.py backup --output $(BACKUP_DIR)

restore: install
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=path/to/newsroom-....tar" >&2; exit 1; }
	$(BIN)/python manage.py restore $(BACKUP)

# Browser tests are required, never skipped: make sure the browser is there.
browser:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "Installing Debian's chromium for the browser tests..."; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		command -v apt-get >/dev/null || { echo "No $(CHROMIUM) and no apt-get: install Chromium and set CHROMIUM=/path/to/chromium." >&2; exit 1; }; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi

# One worker process per core (pytest-xdist, see pyproject.toml), the tests of a file in one
# worker, in pytest-django's order (tests/conftest.py, pytest_xdist_make_scheduler);
# PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= auto
test: install browser
	CHROMIUM=$(CHROMIUM) $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache

# Benchmarks (docs/PERFORMANCE.md): PostgreSQL and Redis on 127.0.0.1, wrk, and for quality
# Chromium and npx.
BENCH_SIZES ?= 10000,100000
BENCH_ARGS ?=
QUALITY_ARGS ?=

# wrk (Debian's) loads the server; installed here as the browser is for the tests.
wrk:
	@if ! command -v wrk >/dev/null; then \
		echo "Installing Debian's wrk for the benchmark..."; \
		SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
		command -v apt-get >/dev/null || { echo "No wrk and no apt-get: install wrk." >&2; exit 1; }; \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; \
	fi

bench: install wrk
	$(BIN)/python benchmarks/bench.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)

quality: install
	CHROME_PATH=$(CHROMIUM) $(BIN)/python benchmarks/quality.py $(QUALITY_ARGS)
