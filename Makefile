# OneWindow: `make run` serves the demo on http://127.0.0.1:8000, `make test` runs the suite
# on SQLite and PostgreSQL. Both set everything up first; see README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ONEWINDOW_VAR_DIR ?= $(CURDIR)/var

.PHONY: run test setup setup-dev sysdeps-run sysdeps-test lint format demo bench bench-check clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) || { scripts/apt-install python3-venv && $(PYTHON) -m venv $(VENV); }

$(VENV)/.base-installed: requirements/base.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e . 2>/dev/null || $(BIN)/pip install --quiet --no-deps -e .
	@touch $@

$(VENV)/.dev-installed: requirements/dev.lock $(VENV)/.base-installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	@touch $@

setup: $(VENV)/.base-installed sysdeps-run
setup-dev: $(VENV)/.dev-installed sysdeps-test

sysdeps-run:
	@scripts/apt-install fonts-wqy-zenhei

sysdeps-test: sysdeps-run
	@scripts/apt-install chromium

run: setup
	$(BIN)/onewindow migrate --no-input -v0
	$(BIN)/onewindow collectstatic --no-input -v0
	$(BIN)/onewindow demo
	$(BIN)/onewindow serve

demo: setup
	$(BIN)/onewindow migrate --no-input -v0
	$(BIN)/onewindow demo

test: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@# PYTHONDONTWRITEBYTECODE may be set (it is on this machine kind): without bytecode written
	@# once, every test process, server and command would compile the project's modules again,
	@# and every test process rewrite the test modules and pytest's plugins (tests/precompile.py).
	@# makemigrations beside it: each is mostly one core.
	$(BIN)/onewindow makemigrations --check --dry-run -v0 & check=$$!; \
		$(BIN)/python tests/precompile.py; compiled=$$?; wait $$check && exit $$compiled
	scripts/run-tests

# Every page of every role against its recorded cost (bench/check.py): on a 10,000-case SQLite
# county under var/, built once (bench/dataset.py; the stamp says it was built to the end).
BENCH_DB := $(ONEWINDOW_VAR_DIR)/bench-pages-10000.sqlite3
bench-check: setup
	@test -f "$(BENCH_DB).built" || { rm -f "$(BENCH_DB)" "$(BENCH_DB)-wal" "$(BENCH_DB)-shm" && \
		DATABASE_URL=sqlite:///$(BENCH_DB) $(BIN)/python bench/dataset.py 10000 && \
		touch "$(BENCH_DB).built"; }
	DATABASE_URL=sqlite:///$(BENCH_DB) $(BIN)/python bench/check.py

lint:
	$(BIN)/ruff check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .pytest_cache
