# The two commands of the README: `make book` builds the site, `make test` runs every test.
# Both create .venv from requirements.txt on first use (needs only Python 3.11 and make).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JOBS ?= 2

.PHONY: book test code colab strip bench serve clean

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

colab: $(BIN)/activate
	$(BIN)/python tools/colab.py   # colab/*.ipynb from book/*.ipynb and the numbers of the last `make book`

strip:
	python3 tools/tangle.py --strip

bench: $(BIN)/activate
	$(BIN)/python tools/bench.py

serve:
	python3 -m http.server --directory _build/html 8000

clean:
	rm -rf _build
