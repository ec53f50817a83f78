# Two commands on a fresh machine:
#   make run    set up everything and serve the portal with demo data on http://127.0.0.1:8000
#   make test   set up everything and run the whole test suite (what CI runs)

VENV ?= .venv
PYTHON := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# The test suite talks to the real PostgreSQL and Redis on this machine.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# pytest-xdist processes: one per core of the 2-core machines (each gets its own test database
# and Redis database).
TEST_WORKERS ?= 2

.PHONY: run test lint check-compose check-messages venv system-deps services messages bench

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -e ".[test]"
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py seed_demo
	$(PYTHON) manage.py runserver $(HOST):$(PORT)

system-deps:
	bash scripts/system-deps.sh

services:
	bash scripts/services.sh

lint: venv
	$(PYTHON) -m ruff check .

check-compose:
	docker-compose -f docker-compose.yml config -q

test: venv system-deps services lint check-compose check-messages
	$(PYTHON) manage.py check --fail-level WARNING
	$(PYTHON) manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) $(PYTHON) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Rebuild the English catalogue after changing user-facing text (needs gettext).
MAKEMESSAGES := $(PYTHON) manage.py makemessages --locale en --no-location --no-obsolete \
	--ignore ".venv/*" --ignore "staticfiles/*" --ignore "tests/*" --ignore "bench/*"

messages: venv
	$(MAKEMESSAGES)
	$(PYTHON) manage.py compilemessages --locale en --ignore ".venv/*"

# Fails when a user-facing string was added or changed without updating the English catalogue.
check-messages: venv system-deps
	$(MAKEMESSAGES) >/dev/null
	git diff --exit-code -I "POT-Creation-Date" -- locale/ || \
		{ echo "locale/en is out of date: run 'make messages' and translate the new strings" >&2; exit 1; }

bench: venv system-deps services
	command -v wrk >/dev/null 2>&1 || bash scripts/system-deps.sh wrk
	$(PYTHON) bench/run.py
