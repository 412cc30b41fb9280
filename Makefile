# prep: two commands. `make run` serves the app on SQLite; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two installs: what the app needs to run (make run, make serve), and that plus the test,
# lint, browser and benchmark tools (make test, lint, bench).
RUNTIME := $(VENV)/.installed
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 5000
# What the whole test suite talks to (see README): PostgreSQL, Redis and Debian's Chromium.
CHROMIUM ?= /usr/bin/chromium
PREP_TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PREP_TEST_REDIS_URL ?= redis://127.0.0.1:6379/0
export PREP_TEST_POSTGRES_URL PREP_TEST_REDIS_URL
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run serve anki-server test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(RUNTIME)
	$(BIN)/prep db upgrade
	$(BIN)/prep decks load
	@echo "prep is starting on http://$(HOST):$(PORT) (another port: make run PORT=5001)"
	$(BIN)/prep run --host $(HOST) --port $(PORT)

# Production: gunicorn with WEB_CONCURRENCY workers against DATABASE_URL (see prep/serving.py),
# rate-limit counts in Redis, shared by every worker (prep refuses to start without it).
PREP_RATELIMIT_STORAGE_URL ?= redis://127.0.0.1:6379/0
serve: $(RUNTIME)
	$(BIN)/prep db upgrade
	PREP_RATELIMIT_STORAGE_URL=$(PREP_RATELIMIT_STORAGE_URL) $(BIN)/prep serve

# Anki's own sync server for phones and prep (README "Anki sync"): accounts from
# instance/anki-accounts (name:password per line), data in instance/anki-server.
ANKI_HOST ?= 127.0.0.1
ANKI_PORT ?= 8080
anki-server: $(STAMP)
	$(BIN)/prep anki server --host $(ANKI_HOST) --port $(ANKI_PORT)

lint: $(STAMP)
	$(BIN)/ruff check prep tests benchmarks migrations wsgi.py
	$(BIN)/mypy
	$(BIN)/prep decks check
	$(BIN)/prep decks lint

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null

test: lint $(CHROMIUM)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) instance .pytest_cache
