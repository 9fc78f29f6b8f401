# The one task runner. `make run` and `make test` work from a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo and the development server ask for debug explicitly (the settings default to off and
# then need PARINDEX_SECRET_KEY); links printed or mailed by the demo use the address served.
DEV_ENV := PARINDEX_DEBUG=1 PARINDEX_SITE_URL=http://$(HOST):$(PORT)

.PHONY: install run demo test test-fast lint bench messages clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Migrate, build the deterministic demo province, serve it (e.g. `make run HOST=0.0.0.0 PORT=8080`)
# with a task worker beside the server (survey imports, aggregation) that stops when it stops.
run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py demo
	@echo "Development server with PARINDEX_DEBUG=1: not for production."
	@echo "Serving http://$(HOST):$(PORT)/"
	$(DEV_ENV) $(BIN)/python manage.py db_worker --no-reload --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

demo: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py demo

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
