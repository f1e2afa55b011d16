# GovPortal: everything a fresh machine needs goes through these targets.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: demo test lint format serve clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[test]"
	touch $@

demo: $(BIN)/.installed  ## set up, prepare the demo data, serve on http://127.0.0.1:8000/
	$(BIN)/govportal demo

test: $(BIN)/.installed  ## set up, lint, run the whole suite (on DATABASE_URL if set, else SQLite)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

serve: $(BIN)/.installed
	$(BIN)/govportal serve

clean:
	rm -rf $(VENV) var .pytest_cache
