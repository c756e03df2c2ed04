# The two commands of the README: `make book` builds the site, `make test` runs every test
# (`make quick`: only the quick tests, in seconds: no notebook runs, no browser, no full training run).
# Both create .venv from requirements.txt on first use (needs only Python 3.11 and make).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
JOBS ?= 2

.PHONY: book pdf test code check check-code colab strip bench bench-live serve clean i18n i18n-check

$(BIN)/activate: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(BIN)/activate

# The English site into _build/html, then the Chinese one into _build/html/zh (tools/i18n.py: same notebooks,
# same execution cache). A message left untranslated fails the zh build; `make book ZH=--draft` lets it pass.
ZH ?=
book: check-code
	$(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python tools/i18n.py build $(ZH)
	@if command -v chromium >/dev/null && command -v chromedriver >/dev/null || [ -n "$$CI" ]; then \
		$(MAKE) --no-print-directory pdf; \
	else echo "make book: no PDF of the book (it needs chromium and chromedriver; see make pdf)"; fi


# The book as one PDF, _build/html/microgpt.pdf, published with the site and linked from every page's download
# menu: Jupyter Book's single-page build (_build/singlehtml, from the same jupyter-cache: no chapter runs again)
# printed by headless Chromium (tools/pdf.py). `make book` ends with it; on a machine without chromium and
# chromedriver it says so and goes on, except under CI (which installs them), where the missing PDF fails.
pdf: $(BIN)/activate
	$(BIN)/jupyter-book build . --builder singlehtml -W -n --keep-going --quiet
	$(BIN)/python tools/pdf.py

# After an English edit: the English messages, fresh, into _build/gettext, then into the catalogs in locale/
# (new messages empty, changed ones fuzzy: translate them, then `make book` and `make test`).
i18n: $(BIN)/activate
	$(BIN)/python tools/i18n.py extract
	$(BIN)/sphinx-intl update -p _build/gettext -l zh_CN -d locale

# The catalogs against a fresh extraction: all translated, none fuzzy or stale, roles/code/math/links kept.
i18n-check: $(BIN)/activate
	$(BIN)/python tools/i18n.py extract
	$(BIN)/python tools/i18n.py check

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
