# Thin verbs over the loader CLI (python -m loader) and dbt. Variables from the environment
# win over the defaults below (MONTH=2021-03 make load, or make load MONTH=2021-03).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TAXI ?= all
JOBS ?= 4

.PHONY: setup demo test bench load backfill sync build status purge lint clean

setup: $(VENV)/.installed

# Re-installs only when the pins change; fast when done.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(BIN)/python -m loader setup
	touch $@

demo: setup
	$(BIN)/python -m loader demo

test: setup
	$(BIN)/python -m pytest

bench: setup $(VENV)/.bench-installed
	$(BIN)/python -m bench.run

$(VENV)/.bench-installed: pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	touch $@

load: setup
	$(BIN)/python -m loader load --taxi $(TAXI) --month $(MONTH)

backfill: setup
	$(BIN)/python -m loader backfill --from $(FROM) --to $(TO) --taxi $(TAXI) --jobs $(JOBS)

sync: setup
	$(BIN)/python -m loader sync --taxi $(TAXI)

build: setup
	$(BIN)/python -m loader build $(DBT_ARGS)

status: setup
	$(BIN)/python -m loader status

purge: setup
	$(BIN)/python -m loader purge --taxi $(TAXI) --month $(MONTH) --yes

lint: setup
	$(BIN)/ruff check loader tests
	$(BIN)/ruff format --check loader tests

clean:
	rm -rf target logs demo
