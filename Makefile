# make run  : the whole app (web, worker, scheduler) on SQLite with demo data
# make test : make lint, then the whole test suite against PostgreSQL, Redis and headless Chromium
# make lint : ruff and the import-linter contracts (.importlinter)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test venv lint clean translations-extract translations-update translations-compile translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

venv: $(VENV)/.installed-run

run: $(VENV)/.installed-run
	@mkdir -p instance
	$(BIN)/flask --app wsgi db upgrade
	@if [ ! -f instance/.demo-seeded ]; then $(BIN)/flask --app wsgi seed-demo && touch instance/.demo-seeded; \
	  else $(BIN)/flask --app wsgi seed-demo | head -1; fi
	@echo ">> Reelhouse: http://$(HOST):$(PORT)/  (Ctrl-C stops web, worker and scheduler)"
	PATH="$(CURDIR)/$(BIN):$$PATH" GUNICORN_BIND=$(HOST):$(PORT) .ci/services.sh run \
	  $(BIN)/honcho start -f Procfile web worker scheduler

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-logo

# Tests run in TEST_PROCESSES pytest-xdist processes (most wait on sockets, servers and Chromium);
# the stack-starting modules stay on one process each (tests/conftest.py, KEEP_TOGETHER).
TEST_PROCESSES ?= 2

test: lint
	PATH="$(CURDIR)/$(BIN):$$PATH" .ci/services.sh test $(BIN)/pytest -n $(TEST_PROCESSES) --dist loadgroup $(PYTEST_ARGS)

# Catalogues: webapp/translations/<locale>/LC_MESSAGES/messages.po, compiled .mo committed beside them.
# After changing strings: `make translations` (extract, merge into each .po, compile), translate the
# new entries in the .po files, then `make translations-compile`.
POT := webapp/translations/messages.pot

translations-extract: $(VENV)/.installed-run
	$(BIN)/pybabel -q extract -F babel.cfg --ignore-dirs ".*" -k _l -k lazy_gettext --no-location --sort-output --width 100 \
	  --project Reelhouse -o $(POT) .

translations-update: translations-extract
	$(BIN)/pybabel -q update -i $(POT) -d webapp/translations --no-fuzzy-matching --ignore-obsolete --width 100

translations-compile: $(VENV)/.installed-run
	$(BIN)/pybabel -q compile -d webapp/translations --statistics

translations: translations-update translations-compile

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
