# The one task runner. `make run` and `make test` work from a fresh clone (`make test` also needs
# Debian's chromium and pango: the system packages .ci/run installs).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench
LOCK := requirements.lock
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo and the development server ask for debug explicitly (the settings default to off and
# then need PARINDEX_SECRET_KEY); links printed or mailed by the demo use the address served.
DEV_ENV := PARINDEX_DEBUG=1 PARINDEX_SITE_URL=http://$(HOST):$(PORT)

.PHONY: install lock run demo test test-fast lint bench messages clean

# The app, the tests and the linters at the versions pinned in requirements.lock (runs again when
# pyproject.toml or the lock changes).
install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	touch $(STAMP)

# Refresh requirements.lock after changing the dependencies in pyproject.toml: resolves every
# runtime, dev and bench dependency in a clean temporary environment and pins what it installed.
lock:
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip; \
	"$$tmp/venv/bin/python" -m pip install --quiet -e '.[dev,bench]'; \
	{ echo "# Every dependency of pyproject.toml (runtime, dev and bench extras)" \
	    "at a pinned version:"; \
	  echo "# \`make install\` installs with -c $(LOCK); \`make lock\` writes it again from a clean"; \
	  echo "# environment ($$("$$tmp/venv/bin/python" --version), $$(uname -sm) this time)."; \
	  "$$tmp/venv/bin/python" -m pip freeze --exclude-editable; } > "$$tmp/lock"; \
	mv "$$tmp/lock" $(LOCK)

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

# Everything: core, CLI, web, and the browser tests in headless Chromium, one worker per CPU
# (pytest-xdist; a test file stays on one worker, so a module's fixtures are built once).
# About 12 minutes on 2 cores, against 18 in one process.
test: install
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# The core and the CLI (about 1,450 tests), no database: 20-30 s on 2 cores (the CPU time is 20 s).
test-fast: install
	$(BIN)/python -m pytest -q tests/core tests/cli

lint: install
	$(BIN)/ruff check parindex tests bench
	$(BIN)/ruff format --check parindex tests bench
	$(BIN)/mypy parindex
	$(BIN)/lint-imports

# pyarrow (the baseline of bench_survey.py) is installed here only: 170 MB nothing else needs.
# bench_load.py runs gunicorn and a throwaway PostgreSQL (its server binaries, as for
# scripts/with-postgres); its demo of 5,000 units is built once and kept under var/bench/.
bench: $(BENCH_STAMP)
	$(BIN)/python bench/bench_compute.py
	$(BIN)/python bench/bench_survey.py
	$(BIN)/python bench/bench_live_totals.py
	$(BIN)/python bench/bench_uncertainty.py
	$(BIN)/python bench/bench_load.py

# Recompile the translations after editing a catalogue, parindex/locale/vi/LC_MESSAGES/django.po
# or parindex/<app>/locale/vi/LC_MESSAGES/django.po (every one under parindex/).
messages: install
	cd parindex && ../$(BIN)/django-admin compilemessages

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev,bench]'
	touch $(BENCH_STAMP)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
