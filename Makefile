# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test setup install migrate demo-data test-sqlite test-postgres lint bench lock clean

# The exact versions, each file checked against its hash: requirements/test.txt (the product and its test
# tools; requirements/production.txt is the product alone), made from pyproject.toml by `make lock`.
# --no-compile: the packages' bytecode is compiled by tools/run-tests.sh on both cores (or, for `make run`,
# as each module is first imported), not one file after another by pip (about 8 s of one core).
$(STAMP): pyproject.toml requirements/test.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-compile --require-hashes -r requirements/test.txt
	$(PY) -m pip install --quiet --no-deps -e .
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

## make lock: pin every dependency, with its hashes, after a change
## to pyproject.toml; Dependabot proposes the same changes as pull requests (.github/dependabot.yml).
LOCK_OPTIONS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: install
	$(PY) -m pip install --quiet pip-tools
	$(PY) -m piptools compile $(LOCK_OPTIONS) -o requirements/production.txt pyproject.toml
	$(PY) -m piptools compile $(LOCK_OPTIONS) --extra test -o requirements/test.txt pyproject.toml

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
