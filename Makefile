# The two commands of the README: `make book` builds the site, `make test` runs every test.
# Both create .venv from requirements.txt on first use (needs only Python 3.11 and make).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JOBS ?= 2

.PHONY: book test code check strip bench serve clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(BIN)/activate

book: check
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(BIN)/activate
	$(BIN)/python -m pytest -n $(JOBS)

# Everything generated from the chapters: setup and recap cells, code/*.py, the block list in CONTRIBUTING.md,
# the ladder tables of chapters 2-7, the README's Colab links. `make code` rewrites it; `make check` only
# verifies it (one sentence per stale file).
code: $(BIN)/activate
	$(BIN)/python tools/tangle.py
	$(BIN)/python tools/ladder.py
	$(BIN)/python tools/colab_links.py --write

check: $(BIN)/activate
	$(BIN)/python tools/tangle.py --check
	$(BIN)/python tools/ladder.py --check
	$(BIN)/python tools/colab_links.py --check

strip: $(BIN)/activate
	$(BIN)/python tools/tangle.py --strip

bench: $(BIN)/activate
	$(BIN)/python tools/bench.py

serve:
	python3 -m http.server --directory _build/html 8000

clean:
	rm -rf _build
