# Every target sets up .venv (once, and again when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test check lint types typing-tests tests coverage bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

## The main job: the demo SDK against its embedded local server.
demo: $(STAMP)
	$(PY) -m examples.minillm tour

## Everything CI runs: lint, strict types, the suite under coverage with its floor.
test: lint types coverage

## The fast loop for development: lint, types, tests without the slow ones.
check: lint types
	$(PY) -m pytest -q -m "not slow" -x

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks examples
	$(VENV)/bin/ruff format --check src tests benchmarks examples

types: $(STAMP)
	$(VENV)/bin/mypy src tests/typing
	$(VENV)/bin/basedpyright src tests/typing

coverage: $(STAMP)
	rm -f .coverage .coverage.*
	$(PY) -m coverage run -m pytest -q
	$(PY) -m coverage combine --quiet || true
	$(PY) -m coverage report

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .coverage .coverage.* .mypy_cache .ruff_cache .pytest_cache
