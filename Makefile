# The few commands people type. CI (.ci/run) calls the same targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app backend
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
# Extra pytest arguments for both runs, e.g. make test PYTEST_ARGS='-k sync -x'.
PYTEST_ARGS ?=
# The PostgreSQL run skips the browser tests: they check the PWA, which does not care which
# database serves it, and they are slow. PG_PYTEST_ARGS= runs them there too.
PG_PYTEST_ARGS ?= -m "not browser"

# The PWA is optional until pwa/package.json exists. The install stamp lives in node_modules; the build's
# own index.html stands for the build, so deleting pwa/dist rebuilds it.
PWA := $(wildcard pwa/package.json)
PWA_INSTALLED := pwa/node_modules/.cadence-installed
PWA_BUILT := pwa/dist/index.html
PWA_SOURCES = $(shell find pwa -path pwa/node_modules -prune -o -path pwa/dist -prune -o -type f -print 2>/dev/null)

DEMO_LOGINS := admin@cadence.test mcl@cadence.test teacher@cadence.test other-admin@cadence.test

.PHONY: help install run test lint test-pwa test-sqlite test-postgres bench clean distclean \
	migration migration-check migration-initial

help:
	@echo "make install            virtualenv + Python deps; npm install and build of pwa/"
	@echo "make run                migrate, load rubrics, seed the demo school, serve on 127.0.0.1:\$$PORT"
	@echo "make test               lint, types, PWA unit tests, pytest on SQLite (and PostgreSQL with TEST_DATABASE_URL)"
	@echo "make lint               ruff and mypy"
	@echo "make bench              the benchmarks: sync (bench/sync.py) and the PWA (bench/pwa.py)"
	@echo "make migration m=...    a new revision from the models (next number, message m)"
	@echo "make migration-check    upgrade a scratch database to head; fail if the models differ"
	@echo "make migration-initial  regenerate 0001_initial_schema from the models (before the first release)"
	@echo "make clean / distclean  remove build output / also .venv and node_modules (never instance/)"

# ---- install -----------------------------------------------------------------------------------

install: $(VENV)/.cadence-installed $(if $(PWA),$(PWA_BUILT))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.cadence-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(PWA_INSTALLED): pwa/package.json $(wildcard pwa/package-lock.json)
	cd pwa && if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
	mkdir -p $(@D) && touch $@

$(PWA_BUILT): $(PWA_INSTALLED) $(PWA_SOURCES)
	cd pwa && npm run build
	touch $@

# ---- run ---------------------------------------------------------------------------------------

run: install
	$(FLASK) db upgrade
	$(FLASK) rubrics load
	$(FLASK) demo seed
	@echo
	@echo "Cadence: http://127.0.0.1:$(PORT)/"
	@echo "Demo logins (password: cadence-demo):"
	@for who in $(DEMO_LOGINS); do echo "  $$who"; done
	@echo
	HOST=127.0.0.1 PORT=$(PORT) exec $(BIN)/gunicorn -c gunicorn.conf.py backend.wsgi:app

# ---- checks ------------------------------------------------------------------------------------

# The steps run one after another (also under make -j), each reports its time, and a failing step
# does not hide the others' results: the run fails at the end, naming every step that failed.
test: install
	@failed=""; \
	for step in lint test-pwa test-sqlite test-postgres; do \
		start=$$(date +%s); \
		echo "==> $$step"; \
		$(MAKE) $$step || failed="$$failed $$step"; \
		echo "<== $$step: $$(( $$(date +%s) - start ))s"; \
	done; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed" >&2; exit 1; fi; \
	echo "All test steps passed."

lint: $(VENV)/.cadence-installed
	$(BIN)/ruff check .
	$(BIN)/mypy

test-pwa: install
ifneq ($(PWA),)
	cd pwa && CI=true npm test
else
	@echo "No pwa/package.json: no PWA unit tests to run."
endif

# Browser tests need Chromium: skipped (and said so) on a laptop without it, a failure under CI.
test-sqlite: $(VENV)/.cadence-installed
	@args=(); \
	if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$${CI:-}" = true ]; then \
			echo "ERROR: CI=true but $(CHROMIUM) is missing, so the browser tests cannot run." >&2; exit 1; \
		fi; \
		echo "NOTE: $(CHROMIUM) not found: SKIPPING the browser tests (apt-get install chromium to run them)."; \
		args=(-m "not browser"); \
	fi; \
	set -x; env -u TEST_DATABASE_URL $(BIN)/pytest "$${args[@]}" $(PYTEST_ARGS)

test-postgres: $(VENV)/.cadence-installed
	@if [ -z "$${TEST_DATABASE_URL:-}" ]; then \
		if [ "$${CI:-}" = true ]; then echo "ERROR: CI=true needs TEST_DATABASE_URL for the PostgreSQL run." >&2; exit 1; fi; \
		echo "NOTE: TEST_DATABASE_URL is not set: SKIPPING the PostgreSQL run."; exit 0; \
	fi; \
	set -x; $(BIN)/pytest $(PG_PYTEST_ARGS) $(PYTEST_ARGS)

bench: install bench/node_modules/.cadence-installed
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/pwa.py

# The peers and tools the benchmarks measure with (pouchdb-server, lighthouse); never needed by tests.
bench/node_modules/.cadence-installed: bench/package.json bench/package-lock.json
	npm ci --prefix bench --no-audit --no-fund
	touch $@

# ---- migrations --------------------------------------------------------------------------------
# Autogenerate against a scratch SQLite file brought to head, never against instance/.

migration: $(VENV)/.cadence-installed
	@test -n "$(m)" || { echo 'usage: make migration m="what changes"' >&2; exit 1; }
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	next=$$(printf '%04d' $$(( $$(ls migrations/versions | grep -c '^[0-9]\{4\}_') + 1 ))); \
	export DATABASE_URL="sqlite:///$$scratch/scratch.db"; \
	$(FLASK) db upgrade && $(FLASK) db migrate --rev-id "$$next" -m "$(m)"

migration-check: $(VENV)/.cadence-installed
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	export DATABASE_URL="sqlite:///$$scratch/scratch.db"; \
	$(FLASK) db upgrade && $(FLASK) db check

migration-initial: $(VENV)/.cadence-installed
	@test "$$(ls migrations/versions | grep -c '\.py$$')" -le 1 || { echo "more than one revision: use make migration" >&2; exit 1; }
	@scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; \
	rm -f migrations/versions/0001_initial_schema.py; \
	export DATABASE_URL="sqlite:///$$scratch/scratch.db"; \
	$(FLASK) db migrate --rev-id 0001 -m "initial schema"

# ---- clean -------------------------------------------------------------------------------------

clean:
	rm -rf pwa/dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
	find . -path ./.venv -prune -o -path ./pwa/node_modules -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf

distclean: clean
	rm -rf $(VENV) pwa/node_modules *.egg-info
