# Cetak: the two commands of the quick start are `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export CETAK_HOME ?= $(CURDIR)/var
export PREFECT_HOME ?= $(CETAK_HOME)/prefect
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
DEMO_RECORDS ?= 2000

.PHONY: install demo test test-fast bench lint clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(BIN)/cetak init --regency 33.10
	$(BIN)/cetak demo-feed --regency 33.10 --records $(DEMO_RECORDS) --out $(CETAK_HOME)/inbox --seed 7
	$(BIN)/cetak ingest $(CETAK_HOME)/inbox
	$(BIN)/cetak status

test: install
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: install
	$(BIN)/pytest -n 2 -m "not slow"

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) var .pytest_cache
