# Every target sets up .venv (once, and again when pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# basedpyright finds the installed packages through the python on PATH: the venv's.
BASEDPYRIGHT := PATH="$(abspath $(BIN)):$$PATH" $(BIN)/basedpyright

.PHONY: demo test test-aiohttp check lint types docs coverage dist bench gen-check example-sdk clean

# editable_mode=compat installs sdkcore as a plain path entry (.pth), which type
# checkers follow; setuptools' import-hook editable installs are invisible to them.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev,docs]" --config-settings editable_mode=compat
	touch $(STAMP)

## The main job: the demo SDK against its embedded local server.
demo: $(STAMP)
	$(PY) -m examples.minillm tour

## Everything CI runs: lint, strict types and type completeness, the docs (strict: a
## broken reference or a stale example fails), the suite under branch coverage with its
## floor (fail_under in pyproject.toml), in two pytest-xdist workers. Stops at the first
## failure.
test: lint types docs coverage

## The fast loop for development: lint, types, tests without the slow ones.
check: lint types
	$(PY) -m pytest -q -m "not slow" -x

## The async suite again with sdkcore.AiohttpClient under every AsyncAPIClient (asyncio).
test-aiohttp: $(STAMP)
	$(PY) -m pytest -q -n 2 -p tests.aiohttp_suite tests -k "asyncio or aiohttp"

lint: $(STAMP)
	$(BIN)/ruff check src tests examples tools benchmarks docs
	$(BIN)/ruff format --check src tests examples tools benchmarks docs

## Strict types: the package and the typing samples (mypy and pyright), the example SDK
## (mypy; its generated package also under pyright), and type completeness.
types: $(STAMP)
	$(BIN)/mypy src tests/typing
	$(BIN)/mypy examples/minillm
	$(BASEDPYRIGHT) src tests/typing examples/minillm/sdk
	$(PY) tools/verifytypes.py

## The documentation site, into site/: the pages in docs/ and the API reference from
## the docstrings. --strict turns every warning into a failure.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

coverage: $(STAMP)
	rm -f .coverage .coverage.*
	$(PY) -m coverage run -m pytest -q -n 2
	$(PY) -m coverage combine --quiet
	$(PY) -m coverage report

## The sdist and the wheel, into dist/ (built in isolated environments, as pip would).
dist: $(STAMP)
	rm -rf dist
	$(PY) -m build --outdir dist .

## sdkcore-gen on a real OpenAPI document (SPEC=path/to/openapi.yaml): generation, mypy
## --strict and pyright on the package, import/build/first-call times, and calls through
## a Prism mock server (npm's @stoplight/prism-cli, installed into a temporary directory).
gen-check: $(STAMP)
	test -n "$(SPEC)" || (echo "usage: make gen-check SPEC=path/to/openapi.yaml" && exit 2)
	$(PY) tools/gen_check.py $(SPEC)

## The example's SDK, written again by sdkcore-gen from examples/minillm/openapi.yaml
## (with openapi.sdkcore.yaml beside it) into examples/minillm/sdk/; commit the result
## (tests/test_demo_generated.py fails while the two differ).
example-sdk: $(STAMP)
	$(PY) -m sdkcore.gen generate examples/minillm/openapi.yaml --package sdk --out examples/minillm

bench: $(STAMP)
	$(PY) -m pip install --quiet -e ".[bench]" --config-settings editable_mode=compat
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .coverage .coverage.* .mypy_cache .ruff_cache .pytest_cache site dist
