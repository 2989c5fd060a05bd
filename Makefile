# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test setup install migrate demo-data test-sqlite test-postgres lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

demo-data: migrate
	$(PY) manage.py load_sefton
	$(PY) manage.py create_demo_users

setup: demo-data

## make run: set everything up and serve the product on http://127.0.0.1:8000 (SQLite), with the
## outbox worker (emails printed here) and the PDF worker (manage.py make_papers) beside it, all
## stopped by Ctrl-C.
run: setup
	@echo "Serving on http://127.0.0.1:8000 — sign in with a demo user from the README."
	$(PY) manage.py send_outbox & outbox=$$!; $(PY) manage.py make_papers & papers=$$!; \
	trap 'kill $$outbox $$papers 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: ruff, then the whole suite on SQLite, then on a throwaway PostgreSQL server, with browser tests.
test: install
	bash tools/run-tests.sh

lint: install
	$(PY) -m ruff check .

bench: install
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
