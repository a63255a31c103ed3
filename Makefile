# Two commands set up everything on a fresh machine with Python 3.11+:
#   make demo   - create .venv, install, render the embedded Buton example
#   make test   - create .venv, install, run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint check bench templates preview schema-doc clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m compileall -q workflow cli.py  # as pip does for installed packages: start-up reads .pyc
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mou demo

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint test

# Our paths beside stock docxtpl and LibreOffice in one run (about 9 minutes); writes docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python -m compileall -q workflow cli.py
	$(BIN)/python -m bench --out docs/benchmarks.md

templates: $(STAMP)
	$(BIN)/python tools/build_templates.py

schema-doc: $(STAMP)
	$(BIN)/mou schema > docs/schema.md

# Render the demo, convert every document to PDF and every page to PNG under mou-demo/preview/.
preview: demo
	$(BIN)/python tools/preview.py mou-demo

clean:
	rm -rf $(VENV) mou-demo .pytest_cache .mypy_cache .ruff_cache
