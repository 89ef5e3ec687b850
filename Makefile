# dockui: `make run` to use it, `make test` to test it.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test test-unit lint screenshots bench engine clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## the venv, with dockui installed (editable)

engine: ## find a Docker engine, or start one
	@PYTHON=$(PY) bash scripts/ensure_engine.sh

run: install engine ## start dockui on this folder (or PROJECT=path)
	$(BIN)/dockui $(or $(PROJECT),.)

test: install ## the whole suite, real engine included
	@DOCKUI_TEST_TOOLS=1 PYTHON=$(PY) bash scripts/ensure_engine.sh
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q -p no:cacheprovider

test-unit: install
	$(BIN)/pytest -q tests/unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

screenshots: install engine ## regenerate screenshots/*.svg from the real app
	$(BIN)/python scripts/screenshots.py

bench: install engine ## speed against docker CLI and lazydocker (minutes)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
