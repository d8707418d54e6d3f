# Two commands do all set-up on a fresh machine:
#   make run    the Defender Sport's headline card
#   make test   lint, type check and the test suite (validation included)

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-all lint typecheck browser bench fit-dyno clean

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

# The browser tests drive Debian's Chromium (Playwright never downloads a browser).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The default run skips tests marked slow; the validation suite always runs.
test: lint typecheck browser
	$(PY) -m pytest -m "not slow"

test-all: lint typecheck browser
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/vs_fastsim.py

fit-dyno: $(STAMP)
	$(PY) tools/fit_dyno.py ../shared/data/epa

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
