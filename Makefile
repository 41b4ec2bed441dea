# One place for the commands the README and CI use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install run test lint typecheck unit clean screenshots

# What the app needs (the dashboard, the commands, the embedded local cloud) ...
$(BIN)/.installed-app: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[local]'
	touch $@

# ... and, for the tests, the development tools and the official SDK too.
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,local]'
	touch $@ $(BIN)/.installed-app

install: $(BIN)/.installed

run: $(BIN)/.installed-app
	$(BIN)/pasqal-tui

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy --strict pasqal_tui

# Two processes (the tests mostly wait on servers, workers and the scheduler), a test file per
# process so that module-scoped servers start once; the snapshot tests run on their own after,
# in one process, where syrupy can still tell an unused snapshot.
test: lint
	$(BIN)/pytest -q -n 2 --dist loadfile --ignore=tests/snapshots
	$(BIN)/pytest -q tests/snapshots

# SVGs of every main screen from the deterministic demo (shown in the README).
screenshots: install
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The 0.12-series official SDK that users still run, in its own venv (its own dependencies),
# driven by tests/integration/localcloud/test_sdk012.py.
SDK012_VENV ?= .venv-sdk012

$(SDK012_VENV)/.installed:
	$(PYTHON) -m venv $(SDK012_VENV)
	$(SDK012_VENV)/bin/python -m pip install -q 'pasqal-cloud==0.12.*'
	touch $@

sdk012: $(SDK012_VENV)/.installed

test: sdk012

.PHONY: sdk012

# pulser-pasqal (its EmuMPSBackend, EmuSVBackend, EmuFreeBackendV2) pins an older pasqal-cloud
# than the dev extra, so it gets its own venv too, driven by
# tests/integration/localcloud/test_pulser_pasqal.py.
PULSER_PASQAL_VENV ?= .venv-pulser-pasqal

$(PULSER_PASQAL_VENV)/.installed:
	$(PYTHON) -m venv $(PULSER_PASQAL_VENV)
	$(PULSER_PASQAL_VENV)/bin/python -m pip install -q 'pulser-pasqal==0.24.*' 'pulser-core==1.9.*'
	touch $@

pulser-pasqal: $(PULSER_PASQAL_VENV)/.installed

test: pulser-pasqal

.PHONY: pulser-pasqal
