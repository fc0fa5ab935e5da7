# Puerto: `make run` starts everything on embedded defaults; `make test` runs the suite,
# `make test-fast` all of it but the worker and browser tests.
# Both set up the virtualenv from the locked requirements on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/dev.lock pyproject.toml | cksum | cut -d' ' -f1)
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in emails point where `make run` serves (honcho gives each process its own PORT,
# so the worker cannot derive it from PORT itself).
BASE_URL ?= http://$(HOST):$(PORT)

CLIENTS := tests/calendar_clients

.PHONY: install translations calendar-clients messages run migrate demo test test-fast lint format bench bench-http bench-client mutation clean

install: $(STAMP)

$(STAMP): requirements/dev.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# Real calendar clients' parsers (ical.js, Thunderbird's) that the invitation tests run under
# Node; reinstalled from the lockfile whenever it changes.
calendar-clients: $(CLIENTS)/node_modules/.installed

$(CLIENTS)/node_modules/.installed: $(CLIENTS)/package.json $(CLIENTS)/package-lock.json
	npm ci --prefix $(CLIENTS) --no-audit --no-fund --loglevel=error
	touch $@

translations: install
	@if [ -d webapp/translations ]; then $(BIN)/pybabel compile -d webapp/translations; fi

# Re-extract the messages and merge them into the catalogs (no source locations, sorted by
# message id, so that two branches adding messages rarely touch the same lines).
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 \
		-k pgettext:1c,2 -k lazy_pgettext:1c,2 -k npgettext:1c,2,3 \
		-k deferred_gettext -k deferred_ngettext:1,2 \
		--no-location --sort-output -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations \
		--no-fuzzy-matching --ignore-obsolete
	rm -f webapp/translations/messages.pot

migrate: translations
	$(FLASK) db upgrade
	$(FLASK) reference load

demo: migrate
	$(FLASK) demo load

# The web server, a Celery worker and Celery beat together; Ctrl-C stops all three.
run: demo
	@echo
	@echo "  Puerto is starting at http://$(HOST):$(PORT)/  (Ctrl-C stops the web server, worker and beat)"
	@echo
	HOST=$(HOST) PORT=$(PORT) BASE_URL=$(BASE_URL) $(BIN)/honcho -f Procfile.dev start

test: translations calendar-clients
	$(BIN)/python -m pytest

# Everything but the tests that start Celery workers or drive a browser: the edit-test loop.
test-fast: translations calendar-clients
	$(BIN)/python -m pytest -m "not worker and not e2e"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The pages as browsers see them: gunicorn (2 workers) on PostgreSQL filled by
# `flask demo scale`, loaded by wrk against a bare control page; figures added to
# bench/RESULTS.md. BENCH_DATABASE_URL is wiped and refilled.
BENCH_DATABASE_URL ?= postgresql://127.0.0.1:5432/puerto_bench
BENCH_SECONDS ?= 10
BENCH_NOTE ?=

bench: bench-http bench-client

bench-http: translations
	DATABASE_URL=$(BENCH_DATABASE_URL) $(BIN)/python bench/bench_http.py --fill --record \
		--seconds $(BENCH_SECONDS) --note "$(BENCH_NOTE)"

# The test-client benchmarks, one request at a time, on temporary SQLite files.
bench-client: translations
	@for b in bench/bench_*.py; do [ $$b = bench/bench_http.py ] && continue; echo "== $$b"; \
		env -u DATABASE_URL $(BIN)/python $$b || exit 1; done

# Mutation testing of the rule modules ([tool.mutmut] in pyproject.toml) against the tests
# that specify them, then the score per module. Slow (about an hour): not part of CI.
# Record each run in tests/MUTATION.md.
mutation: translations
	$(BIN)/mutmut run
	$(BIN)/python tests/mutation_scores.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache mutants $(CLIENTS)/node_modules
