# Two commands on a fresh machine (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint check bench bench-smoke load load-pages system-deps clean translations compile-translations screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The interface's catalogues (engine/locale/<lang>/LC_MESSAGES/messages.po), compiled to .mo here
## and by setup.py on a package build: the binaries are never committed.
LOCALE := engine/locale
MO_FILES := $(patsubst %.po,%.mo,$(wildcard $(LOCALE)/*/LC_MESSAGES/messages.po))
$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -i $< -o $@ -l $*
compile-translations: $(MO_FILES)

## After changing interface words: extract them to messages.pot and update every .po from it
## (then translate what `pathway check` reports missing, and commit the .po files).
translations: $(STAMP)
	$(BIN)/python -m engine.analysis.interface_translations --write-template
	$(BIN)/pybabel -q update -i $(LOCALE)/messages.pot -d $(LOCALE) -D messages --no-fuzzy-matching --ignore-obsolete -w 100
	$(MAKE) compile-translations

## System packages: Graphviz's `dot`, Chromium for the browser tests, wrk; Pango and a font for the
## PDF decision record (WeasyPrint), poppler-utils (pdfinfo, pdftotext) to measure and read it in tests;
## fonts-noto-core for Arabic (Noto Sans Arabic: the pages, the PDF record, the tree's labels).
SYSTEM_PACKAGES := graphviz chromium wrk libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core poppler-utils
system-deps:
	@command -v dot >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1 && command -v wrk >/dev/null 2>&1 && \
	  command -v pdfinfo >/dev/null 2>&1 && dpkg -s libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-core >/dev/null 2>&1 || { \
	  echo "Installing $(SYSTEM_PACKAGES) (Debian packages)..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

## The main job: the web app on its embedded defaults (baseline profile, built-in knowledge).
run: $(STAMP) $(MO_FILES)
	$(BIN)/pathway serve

## The whole test suite (installs what it needs first).
test: $(STAMP) $(MO_FILES) system-deps
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/yamllint knowledge tests/fixtures
	$(BIN)/pathway check
	$(BIN)/pytest -q

## The README's screenshots (docs/screenshots/*.png), from the real app in Chromium.
screenshots: $(STAMP) $(MO_FILES) system-deps
	$(BIN)/python docs/screenshots/take.py

check: $(STAMP) $(MO_FILES)
	$(BIN)/pathway check

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/yamllint knowledge tests/fixtures

## Benchmark figures (docs/performance.md); never a timed test. CI runs bench-smoke only.
bench: $(STAMP)
	$(BIN)/pathway bench --cases 2000 --out bench-results/latest.json

bench-smoke: $(STAMP)
	$(BIN)/pathway bench --cases 10 --workers 1

## Load test (tests/load/run.py): gunicorn (production, gthread 2 x 4) over HTTPS on 127.0.0.1, locust
## journeys for 60 s with 32 users, one worker killed (SIGKILL) at 30 s; prints requests/s, p50/p99,
## errors (at the kill and outside it), 503s, journeys, worker pids and server memory.
## CI runs its 10-second form (tests/load/test_load.py, pytest -m load).
load: $(STAMP)
	$(BIN)/python -m tests.load.run --seconds 60 --users 32 --tls --kill-worker-at 30

## Question pages per second with wrk (Debian package) against gunicorn on 127.0.0.1.
load-pages: $(STAMP) system-deps
	bash tests/load/question_pages.sh

clean:
	rm -rf $(VENV) build *.egg-info
