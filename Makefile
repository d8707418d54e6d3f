# Two commands do all set-up on a fresh machine:
#   make run    the Defender Sport's headline card
#   make test   lint, type check and the test suite (validation included)

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-all lint typecheck bench fit-dyno clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/evtwin report

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks tools
	$(VENV)/bin/ruff format --check src tests benchmarks tools

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# The default run skips tests marked slow; the validation suite always runs.
test: lint typecheck
	$(PY) -m pytest -m "not slow"

test-all: lint typecheck
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/vs_fastsim.py

fit-dyno: $(STAMP)
	$(PY) tools/fit_dyno.py ../shared/data/epa

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
