# The two commands of the README: `make book` builds the site, `make test` runs every test
# (`make quick`: only the quick tests, in seconds: no notebook runs, no browser, no full training run).
# Both create .venv from requirements.txt on first use (needs only Python 3.11 and make).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JOBS ?= 2

.PHONY: book test code check check-code colab strip bench bench-live serve clean

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(BIN)/activate

book: check-code
	$(BIN)/jupyter-book build . -W -n --keep-going

test: $(BIN)/activate
	$(BIN)/python -m pytest -n $(JOBS)

.PHONY: quick
quick: $(BIN)/activate
	$(BIN)/python -m pytest -m "not notebook and not browser and not slow"

# Everything generated from the chapters: setup and recap cells, code/*.py, the block list in CONTRIBUTING.md,
# the ladder tables of chapters 2-7, the README's Colab links, and (from the numbers of the last `make book`) the
# Colab edition in colab/ and its Chinese edition in colab/zh/ (from the translations in locale/zh_CN/). `make code` rewrites it all or nothing (tools/make_code.py; colab/ only when the last
# build ran every chapter as it is now). `make check` verifies it without a build, one sentence per stale file:
# the Colab edition with every glued number as a placeholder, or with the build's numbers where the build is
# current. `make book` needs only the first three checks: the Colab edition is made from its numbers.
code: $(BIN)/activate
	$(BIN)/python tools/make_code.py

check: check-code
	$(BIN)/python tools/colab.py --check

check-code: $(BIN)/activate
	$(BIN)/python tools/tangle.py --check
	$(BIN)/python tools/ladder.py --check
	$(BIN)/python tools/colab_links.py --check

colab: $(BIN)/activate
	$(BIN)/python tools/colab.py   # colab/ and colab/zh/ from book/*.ipynb, locale/zh_CN/ and the last build

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
