# Two commands from a fresh clone:
#   make run    set up .venv (CPU torch first) and serve the API on the bundled models
#   make test   set up .venv with the test extras, lint, type-check and run every test
#               (the model and ../shared ones too; plain `pytest` runs the fast ones only)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# torch first, pinned: a bare torch requirement would pull a multi-GB CUDA build.
TORCH ?= torch==2.13.0

.PHONY: run test lint setup setup-test bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.torch: | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(TORCH)
	touch $@

setup: $(VENV)/.torch
	$(BIN)/python -m pip install --quiet -e '.[serve]'

setup-test: $(VENV)/.torch
	$(BIN)/python -m pip install --quiet -e '.[serve,test]'

run: setup
	$(BIN)/attribution serve --host $(HOST) --port $(PORT)

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -m ""

bench: setup-test
	$(BIN)/python benchmarks/bench_parser.py
	$(BIN)/python benchmarks/bench_repair.py

eval: setup-test
	$(BIN)/python -m evaluation.repair
	$(BIN)/python -m evaluation.seed
	$(BIN)/python -m evaluation.polnear

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
