# Two commands are all a newcomer needs:
#   make start   create .venv, install the pinned environment and course_utils, open JupyterLab
#   make test    the linter (ruff), then the whole test suite (what .ci/run runs)
# Everything else here is a building block of those two.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# compare50 (course report's similarity check) lives in its own venv: its pins clash with jupyter's
SIMILARITY := $(VENV)/compare50/.installed

.PHONY: start setup test release benchmark clean

# The venv goes first on PATH so that `course check` works in JupyterLab's terminal.
start: setup
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/jupyter lab --ServerApp.default_url=/lab/tree/notebooks

setup: $(STAMP) $(SIMILARITY)

$(STAMP): requirements.txt requirements-test.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (set PYTHON=...)"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-test.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

$(SIMILARITY): requirements-similarity.txt
	test -x $(VENV)/compare50/bin/python || $(PYTHON) -m venv $(VENV)/compare50
	$(VENV)/compare50/bin/python -m pip install --quiet -r requirements-similarity.txt
	touch $(SIMILARITY)

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup

release: setup
	$(BIN)/course release

benchmark: setup
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts benchmarks/results
