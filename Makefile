# Two commands set up everything on a fresh machine with Python 3.11+:
#   make demo   - create .venv, install, render the embedded Buton example
#   make test   - create .venv, install, run the tests
# The development environment is exactly requirements-dev.txt (versions and hashes); `make lock`
# refreshes it from the ranges in pyproject.toml and re-checks the test oracles against it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
LOCK := requirements-dev.txt

.PHONY: demo serve test test-fast lint check lock wheel bench templates preview schema-doc i18n clean

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q workflow cli.py  # as pip does for installed packages: start-up reads .pyc
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/mou demo

# The demo, then the web application over it with three accounts (their logins are printed first):
# open http://127.0.0.1:8000/ and sign in. MOU_PORT=8080 make serve for another port.
serve: demo
	$(BIN)/python -m workflow.web.demo mou-demo/agreements
	$(BIN)/mou --root mou-demo/agreements serve --port $${MOU_PORT:-8000}

test: $(STAMP)
	$(BIN)/pytest -q

# The suite without the slow harnesses (LibreOffice, Chromium, kill and race harnesses): the inner loop.
test-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

# Re-resolve requirements-dev.txt (newest versions within pyproject.toml's ranges, every platform,
# with hashes), install it, and check that the test oracles still give their known answers.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes \
		--upgrade --quiet --custom-compile-command "make lock" -o $(LOCK)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(BIN)/pytest -q -m oracle
	@touch $(STAMP)

# The wheel and sdist under dist/ (templates, processes and the example inside the wheel).
wheel: $(STAMP)
	rm -rf dist build
	$(BIN)/python -m build --no-isolation --outdir dist

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint test

# Our paths beside stock docxtpl and LibreOffice in one run (5 to 9 minutes, by machine); writes docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python -m compileall -q workflow cli.py
	$(BIN)/python -m bench --out docs/benchmarks.md

templates: $(STAMP)
	$(BIN)/python tools/build_templates.py

# The message catalogs: extract every marked message (the code, the click help texts, click's own
# strings) into workflow/locale/mou.pot with Babel, update the id and en catalogs (no fuzzy matching,
# obsolete entries dropped), compile them to the .mo files the wheel ships. Then translate what
# tests/test_i18n.py names as untranslated in workflow/locale/id/LC_MESSAGES/mou.po and run it again.
i18n: $(STAMP)
	$(BIN)/python tools/i18n.py

# The schema reference in both languages: docs/schema.md in Indonesian (the users'), docs/schema.en.md in English.
schema-doc: $(STAMP)
	MOU_LANG=id $(BIN)/mou schema > docs/schema.md
	MOU_LANG=en $(BIN)/mou schema > docs/schema.en.md

# Render the demo, convert every document to PDF and every page to PNG under mou-demo/preview/.
preview: demo
	$(BIN)/python tools/preview.py mou-demo

clean:
	rm -rf $(VENV) mou-demo dist build .pytest_cache .mypy_cache .ruff_cache
