# The one task runner. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run demo test test-fast lint bench messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Migrate, build the deterministic demo province, serve it.
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo

# Everything: core, CLI, web, and the browser tests in headless Chromium.
test: install
	$(BIN)/python -m pytest -q

# The core alone: no database, about a second.
test-fast: install
	$(BIN)/python -m pytest -q tests/core tests/cli

lint: install
	$(BIN)/ruff check parindex tests bench
	$(BIN)/ruff format --check parindex tests bench
	$(BIN)/mypy parindex/core parindex/cli.py
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/bench_compute.py
	$(BIN)/python bench/bench_survey.py

# Recompile translations after editing parindex/locale/*/LC_MESSAGES/django.po.
messages: install
	cd parindex && ../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
