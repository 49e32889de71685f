# Everything installs from this repo's own files: uv (from PyPI) syncs .venv from uv.lock.
PYTHON ?= python3
UV := .tools/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced
NATIVE := $(VENV)/capex_native/built.json
CHROMIUM := /usr/bin/chromium
export DAGSTER_HOME ?= $(CURDIR)/data/dagster_home

.PHONY: setup run test lint ui defs evaluate bench bench-quick clean refresh-gold lexicons

setup: $(NATIVE)

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==0.13.8

# Debian's Chromium for the browser test (Playwright drives it; it never downloads a browser of its own).
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

$(STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)  # .pyc at install: runs import from bytecode
	touch $@

# The extractor's per-article modules compiled by mypyc (about 1.3x); without a C compiler the pure-Python code runs.
$(NATIVE): $(STAMP) $(wildcard capex_pipeline/extract/*.py) capex_pipeline/native.py
	$(VENV)/bin/python -m capex_pipeline.native > $(VENV)/capex_native.log 2>&1 \
		|| echo "capex: the compiled extractor was not built (see $(VENV)/capex_native.log); the pure-Python one runs"

run: setup  ## materialize the pipeline on the seeds into data/capex.duckdb and print a summary
	$(VENV)/bin/capex run

test: setup $(CHROMIUM)  ## lint, then the whole test suite (real DuckDB, Dagster, GX, ECB rates, Chromium)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

lint: setup
	$(VENV)/bin/ruff check .

HOST ?= 127.0.0.1
PORT ?= 3000
ui: setup  ## the Dagster UI on http://$(HOST):$(PORT) (same instance as `capex run`; make ui PORT=3001)
	mkdir -p $(DAGSTER_HOME)
	test -f $(DAGSTER_HOME)/dagster.yaml || cp assets/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dg dev -h $(HOST) -p $(PORT)

defs: setup  ## load and validate the Dagster definitions, then list them (dg check defs, dg list defs)
	mkdir -p $(DAGSTER_HOME)
	test -f $(DAGSTER_HOME)/dagster.yaml || cp assets/dagster.yaml $(DAGSTER_HOME)/dagster.yaml
	$(VENV)/bin/dg check defs
	$(VENV)/bin/dg list defs

evaluate: setup  ## extractor scores on the evaluation corpus (seeds, dev, dev2), read as `capex run` reads
	$(VENV)/bin/capex evaluate

bench: setup  ## 10k and 100k generated articles with the Recognizers-Text peer (work files in /tmp/capex_bench)
	$(UV) run --frozen --extra bench --python $(PYTHON) capex bench --e2e-timeout 900
	$(UV) sync --frozen --compile-bytecode --python $(PYTHON)  # .pyc at install: runs import from bytecode

bench-quick: setup  ## a small benchmark run (200 and 1000 articles, no peer)
	$(VENV)/bin/capex bench --quick --no-peer

clean:
	rm -rf data .pytest_cache

lexicons: setup  ## regenerate the CLDR language data (extract/lexicons/cldr/) and docs/languages.md
	$(VENV)/bin/python -m capex_pipeline.extract.cldr

refresh-gold:  ## copy the shared gold corpus (../shared/gold) into evaluation/ when it grows
	cp -R ../shared/gold/. evaluation/
	rm -f evaluation/*/*.py evaluation/*/verify_output.txt
