# The two commands a newcomer needs: `make run` and `make test`.
# Both create or reuse .venv and install the pinned dependencies first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
HOST   ?= 127.0.0.1

# The test suite runs on PostgreSQL (DATABASE_URL, else the embedded server) and Redis.
TEST_BROKER_URL ?= redis://127.0.0.1:6379/0

.PHONY: run test install install-test browser lint lock clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.lock
	$(BIN)/python -m pip install --quiet -r requirements.lock
	touch $@

$(VENV)/.test: $(VENV)/.runtime requirements-test.lock
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	touch $@

install: $(VENV)/.runtime

install-test: $(VENV)/.test browser

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: install the 'chromium' package (sudo apt-get install chromium)"; exit 1; \
	  fi; \
	fi

# Without DATABASE_URL, tracker.embedded starts the embedded PostgreSQL (var/postgres) first and
# stops it after the rest.
run: install
	@mkdir -p var
	@echo "Tracker starting on http://$(HOST):$(PORT)/  (Ctrl-C stops web, worker, beat and the embedded database)"
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m tracker.embedded \
	  sh -c '$(BIN)/python manage.py bootstrap && exec honcho start -f Procfile -p $(PORT)' || true

test: install-test
	$(BIN)/lint-imports
	CELERY_BROKER_URL=$${CELERY_BROKER_URL:-$(TEST_BROKER_URL)} \
	SECRET_KEY=$${SECRET_KEY:-insecure-key-used-only-by-the-test-suite-0123456789} \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Re-pin after changing pyproject.toml: resolve in a scratch venv and freeze.
lock:
	rm -rf var/lockenv && $(PYTHON) -m venv var/lockenv
	var/lockenv/bin/pip install --quiet '.[test]'
	var/lockenv/bin/pip freeze --exclude security-guarantee-tracker > var/lock.txt
	@echo "Review var/lock.txt and split it into requirements.lock and requirements-test.lock"

clean:
	rm -rf $(VENV) var/broker
