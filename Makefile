# interlink-kg — the two commands a newcomer needs:
#   make serve   set up, load the bundled catalogue into the embedded store, serve it
#   make test    set up, lint, type-check and run every test
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8080
STAMP := $(VENV)/.installed

.PHONY: setup chromium virtuoso serve test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	@# The SPARQL and validation workers seal themselves off the network with libseccomp.
	@ldconfig -p | grep -q 'libseccomp\.so\.2' || { command -v apt-get >/dev/null && \
		(apt-get update -qq && apt-get install -y -qq libseccomp2) ; } || \
		echo "warning: libseccomp2 is missing: the public SPARQL endpoint will answer 503"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The browser tests drive Debian's Chromium (never a browser downloaded by a test).
chromium:
	@command -v chromium >/dev/null || { command -v apt-get >/dev/null && \
		(apt-get update -qq && apt-get install -y -qq chromium) ; } || \
		echo "warning: no chromium: the browser tests will fail (install Debian's chromium)"

# The remote store's tests run on a second SPARQL server besides Oxigraph: Virtuoso 7, its
# binaries only (Debian's virtuoso-opensource-7-bin: no service, no password asked; the tests
# start it on loopback with a database folder of their own).
virtuoso:
	@command -v virtuoso-t >/dev/null || { command -v apt-get >/dev/null && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		 apt-get install -y -qq virtuoso-opensource-7-bin) ; } || \
		echo "warning: no virtuoso-t: the Virtuoso tests will be skipped (install Debian's virtuoso-opensource-7-bin)"

# IRIs are minted under the address served (override with INTERLINK_KG_BASE_IRI=https://...).
BASE_IRI ?= $(or $(INTERLINK_KG_BASE_IRI),http://$(HOST):$(PORT)/)

serve: $(STAMP)
	$(BIN)/interlink-kg load --base-iri $(BASE_IRI)
	$(BIN)/interlink-kg serve --host $(HOST) --port $(PORT) --base-iri $(BASE_IRI)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench api
	$(BIN)/ruff format --check src tests bench api

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) chromium virtuoso
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/recommend_bench.py
	$(BIN)/python bench/sparql_bench.py
	$(BIN)/python bench/load_bench.py
	$(BIN)/python bench/catalogue_bench.py
	$(BIN)/python bench/bulk_bench.py
	$(BIN)/python bench/concurrency_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
