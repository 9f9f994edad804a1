# Thin verbs over the loader CLI (python -m loader) and dbt. Variables from the environment
# win over the defaults below (MONTH=2021-03 make load, or make load MONTH=2021-03).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
TAXI ?= all

.PHONY: setup demo test load build status lint clean

setup: $(VENV)/.installed profiles.yml

# Re-installs only when the pins change; fast when done.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

profiles.yml:
	cp profiles.example.yml profiles.yml

demo: setup
	$(BIN)/python -m loader demo

test: setup
	$(BIN)/python -m pytest

load: setup
	$(BIN)/python -m loader load --taxi $(TAXI) --month $(MONTH)

build: setup
	$(BIN)/dbt build

status: setup
	$(BIN)/python -m loader status

lint: setup
	$(BIN)/ruff check loader tests
	$(BIN)/ruff format --check loader tests

clean:
	rm -rf target logs demo
