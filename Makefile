# One place for the commands the README and CI use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test lint typecheck unit clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,local]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/pasqal-tui

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy --strict pasqal_tui/cloud

test: lint
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
