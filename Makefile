# Gonghui: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs every check.
# Works from a fresh clone: the virtualenv, var/ and its keys are created on first use.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when pyproject.toml changes.
STAMP := $(VENV)/.installed-stamp
# The test DB plugin is loaded with -p from pyproject addopts, before pytest-django reads settings.
PYTEST := $(BIN)/pytest
# PYTEST_ARGS=... passes extra arguments to both pytest runs (e.g. PYTEST_ARGS="-x -k scope").
PYTEST_ARGS ?=
# Two xdist workers, one per core. The first worker migrates its test database (~40 s), the
# other copies it (gonghui/core/testing/db_plugin.py); the SQLite run takes ~3.5 min serially.
XDIST ?= -p xdist -n 2
HOST ?= 127.0.0.1:8000

.PHONY: help venv sysdeps run test test-pg test-sqlite lint format migrations-check bench

help:
	@echo "make run     start the demo site on http://$(HOST) (SQLite under var/, demo data)"
	@echo "make test    lint + migrations check + tests on PostgreSQL and SQLite"
	@echo "make lint    ruff check + ruff format --check"
	@echo "make format  ruff format + ruff check --fix"
	@echo "make bench   run every bench/*.py"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(STAMP)

sysdeps:
	@bash scripts/ensure-system-deps.sh

# The demo shows what production shows: debug off (Chinese error pages, hashed and
# compressed static files served by WhiteNoise), but plain http on localhost, so the
# HTTPS-only features (Secure cookies, HSTS, redirect to https) are off.
run: export GONGHUI_DEBUG ?= 0
run: export GONGHUI_HTTPS ?= 0
run: venv
	$(BIN)/gonghui migrate --no-input
	$(BIN)/gonghui collectstatic --no-input --verbosity 0
	$(BIN)/gonghui seed-demo
	@# The worker runs in its own process group (setsid) so that the trap stops it and its
	@# autoreloader child together whenever runserver ends (Ctrl-C included).
	@set -eu; \
	setsid $(BIN)/gonghui db_worker & worker=$$!; \
	trap 'kill -TERM -- -$$worker 2>/dev/null || true' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/gonghui runserver $(HOST)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: venv
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "gonghui makemigrations --check --dry-run"; \
	GONGHUI_VAR_DIR=$$tmp $(BIN)/gonghui makemigrations --check --dry-run

test-pg: venv
	GONGHUI_TEST_DB=postgres $(PYTEST) $(XDIST) $(PYTEST_ARGS)

test-sqlite: venv
	GONGHUI_TEST_DB=sqlite $(PYTEST) $(XDIST) -m "not browser" --database-tests-only $(PYTEST_ARGS)

test: sysdeps venv lint migrations-check test-pg test-sqlite

bench: venv
	@set -e; shopt -s nullglob; files=(bench/*.py); \
	if [ $${#files[@]} -eq 0 ]; then echo "no benchmarks in bench/"; fi; \
	for f in "$${files[@]}"; do echo "== $$f"; $(BIN)/python "$$f"; done
