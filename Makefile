# Thin verbs over the loader CLI (python -m loader) and dbt. Variables from the environment
# win over the defaults below (MONTH=2021-03 make load, or make load MONTH=2021-03).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# bqemulator (the BigQuery lane of the tests) in a venv of its own: its pins clash with ours.
BQEMU_VENV ?= .venv-bqemu
JOBS ?= 4

.PHONY: help setup bqemu chromium orchestrate ui demo test bench load backfill sync build status report purge lint clean

help: ## the verbs
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  make %-9s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: $(VENV)/.installed ## create .venv with the pinned packages (offline set-up included)

# Re-installs only when the pins or the C value checker change; fast when done.
$(VENV)/.installed: pyproject.toml constraints.txt loader/checks/_scan.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	$(BIN)/python -m loader setup
	touch $@

bqemu: $(BQEMU_VENV)/.installed ## the BigQuery emulator the tests build against

$(BQEMU_VENV)/.installed: tests/bigquery/constraints-bqemu.txt
	$(PYTHON) -m venv $(BQEMU_VENV)
	$(BQEMU_VENV)/bin/python -m pip install --quiet --disable-pip-version-check \
		-c tests/bigquery/constraints-bqemu.txt bqemulator duckdb duckdb-extension-spatial numpy
	touch $@

orchestrate: $(VENV)/.orchestrate-installed ## setup, and the Dagster code location's packages

# What setup installs and the orchestrate extra in one resolution (make test and make ui).
$(VENV)/.orchestrate-installed: pyproject.toml constraints.txt loader/checks/_scan.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,orchestrate]'
	$(BIN)/python -m loader setup
	touch $(VENV)/.installed $@

# Dagster's UI and daemon (schedules, backfills) on 127.0.0.1; the instance in .dagster/.
ui: orchestrate ## Dagster: partitions, lineage, backfills, schedules [PORT=3000]
	mkdir -p .dagster && test -f .dagster/dagster.yaml || cp loader/orchestrate/dagster.yaml .dagster/
	DAGSTER_HOME=$(abspath .dagster) $(BIN)/dagster dev -m loader.orchestrate.definitions -h 127.0.0.1 -p $(or $(PORT),3000)

demo: setup ## offline: synthetic mirror -> load -> dbt build -> status (DuckDB)
	$(BIN)/python -m loader demo

# The report's test opens the page in headless Chromium (Debian's package; we run as root).
chromium: ## headless Chromium for the report's test (apt-get, if absent)
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)

# The suite's three set-ups run side by side (each is mostly waiting on pip or apt).
test: ## the whole suite, offline
	$(MAKE) --no-print-directory -j3 orchestrate bqemu chromium
	BQEMU_VENV=$(abspath $(BQEMU_VENV)) $(BIN)/python -m pytest

bench: setup $(VENV)/.bench-installed ## the benchmark (bench/RESULTS.md)
	$(BIN)/python -m bench.run

$(VENV)/.bench-installed: pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,bench]'
	touch $@

load: setup ## land a month: MONTH=YYYY-MM [TAXI=green|yellow|fhv|fhvhv|all]
	$(BIN)/python -m loader load --taxi "$(or $(TAXI),all)" --month "$(MONTH)"

backfill: setup ## land a range, then build: FROM=YYYY-MM TO=YYYY-MM [TAXI=] [JOBS=4] [SELECT=]
	$(BIN)/python -m loader backfill --from "$(FROM)" --to "$(TO)" --taxi "$(or $(TAXI),all)" --jobs $(JOBS) $(if $(SELECT),--select $(SELECT))

sync: setup ## the scheduled catch-up: every due month not landed yet, then build
	$(BIN)/python -m loader sync --taxi "$(or $(TAXI),all)"

build: setup ## dbt build with the loader's settings [DBT_ARGS=--full-refresh]
	$(BIN)/python -m loader build $(DBT_ARGS)

status: setup ## per landed file: rows landed, merged, duplicates, reconciled
	$(BIN)/python -m loader status

report: setup ## one self-contained HTML page of the warehouse [OUT=report/taxi-elt.html]
	$(BIN)/python -m loader report $(if $(OUT),--output "$(OUT)")

purge: setup ## remove a landed month: MONTH=YYYY-MM TAXI=<taxi> [FORMAT=csv|parquet|all]
	$(BIN)/python -m loader purge --taxi "$(TAXI)" --month "$(MONTH)" --format "$(or $(FORMAT),all)" --yes

lint: setup ## ruff (the tests run it too)
	$(BIN)/ruff check loader tests bench
	$(BIN)/ruff format --check loader tests bench

clean: ## dbt's and the demo's output (not the landing, not the warehouse)
	rm -rf target logs demo
