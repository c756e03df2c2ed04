# The two commands of the README: `make book` builds the site, `make test` runs every test
# (`make quick`: only the quick tests, in seconds: no notebook runs, no browser, no full training run).
# Both create .venv from requirements.txt on first use (needs only Python 3.11 and make).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JOBS ?= 2

.PHONY: book test code check colab strip bench bench-live serve clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(BIN)/activate

book: check
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(BIN)/activate
	$(BIN)/python -m pytest -n $(JOBS)

.PHONY: quick
quick: $(BIN)/activate
	$(BIN)/python -m pytest -m "not notebook and not browser and not slow"

# Everything generated from the chapters: setup and recap cells, code/*.py, the block list in CONTRIBUTING.md,
# the ladder tables of chapters 2-7, the README's Colab links, and (from the numbers of the last `make book`) the Colab edition in colab/.
# `make code` rewrites it; `make check` verifies what needs no build (one sentence per stale file); the Colab
# edition is checked by tests/test_colab_rendition.py, after the build.
code: $(BIN)/activate
	$(BIN)/python tools/tangle.py
	$(BIN)/python tools/ladder.py
	$(BIN)/python tools/colab_links.py --write
	@if [ -d _build/jupyter_execute ]; then $(BIN)/python tools/colab.py; \
	else echo "colab/ not regenerated: it needs the numbers of a build (make book, then make colab)."; fi

check: $(BIN)/activate
	$(BIN)/python tools/tangle.py --check
	$(BIN)/python tools/ladder.py --check
	$(BIN)/python tools/colab_links.py --check

colab: $(BIN)/activate
	$(BIN)/python tools/colab.py   # colab/*.ipynb from book/*.ipynb and the numbers of the last `make book`

strip: $(BIN)/activate
	$(BIN)/python tools/tangle.py --strip

bench: $(BIN)/activate
	$(BIN)/python tools/bench.py

bench-live: $(BIN)/activate   # ms per training step in the browser (Pyodide) and in native CPython; needs `make book`
	$(BIN)/python tools/bench_live.py

serve:
	python3 -m http.server --directory _build/html 8000

clean:
	rm -rf _build
