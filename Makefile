# kaohe — two commands: `make demo` and `make test`. Everything else is plumbing.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
LOCK := requirements/dev.lock
STAMP := $(VENV)/.installed

.PHONY: install demo test test-sqlite test-postgres lint check lock clean bench openapi

install: $(STAMP)

# Idempotent: re-runs only when the lock file changes.
$(STAMP): $(LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip sync -q --python $(BIN)/python $(LOCK)
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# The demo is served with DEBUG off so users meet kaohe's own error pages, never a traceback
# (WhiteNoise still serves static files from the apps). KAOHE_DEBUG=true make demo to debug.
demo: install
	KAOHE_DEBUG=$${KAOHE_DEBUG:-false} $(BIN)/kaohe demo --serve

test: install
	@$(BIN)/python scripts/run_tests.py

lint: install
	$(BIN)/ruff check kaohe tests benchmarks scripts

# The committed OpenAPI snapshot (docs/openapi.json), diffed in the tests: regenerate after changing a route.
openapi: install
	$(BIN)/kaohe openapi --write

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements/dev.lock -q
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -o requirements/prod.lock -q

bench: install
	@for b in benchmarks/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) var/test-output
