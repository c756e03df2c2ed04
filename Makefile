# The two commands of the README: `make book` builds the site, `make test` runs every test.
# Both create .venv from requirements.txt on first use (needs only Python 3.11 and make).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JOBS ?= 2

.PHONY: book test code strip bench bench-live serve clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(BIN)/activate

book: $(BIN)/activate
	$(BIN)/python tools/tangle.py --check
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(BIN)/activate
	$(BIN)/python -m pytest -n $(JOBS)

code:
	python3 tools/tangle.py

strip:
	python3 tools/tangle.py --strip

bench: $(BIN)/activate
	$(BIN)/python tools/bench.py

bench-live: $(BIN)/activate   # ms per training step in the browser (Pyodide) and in native CPython; needs `make book`
	$(BIN)/python tools/bench_live.py

serve:
	python3 -m http.server --directory _build/html 8000

clean:
	rm -rf _build
