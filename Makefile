# prep: two commands. `make run` serves the app on SQLite; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/prep db upgrade
	$(BIN)/prep decks load
	@echo "prep is serving on http://$(HOST):$(PORT)"
	$(BIN)/prep run --host $(HOST) --port $(PORT)

# Production: gunicorn with WEB_CONCURRENCY workers against DATABASE_URL (see prep/serving.py).
serve: $(STAMP)
	$(BIN)/prep db upgrade
	$(BIN)/prep serve

lint: $(STAMP)
	$(BIN)/ruff check prep tests benchmarks migrations wsgi.py
	$(BIN)/prep decks check
	$(BIN)/prep decks lint

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) instance .pytest_cache
