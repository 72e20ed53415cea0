# ecoenforce — the two commands that matter: `make up` (run the product) and `make test` (run the whole suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
export PYTHONPATH := src
export DJANGO_SETTINGS_MODULE := ecoenforce.settings

.PHONY: up test venv assets system-deps messages test-sqlite test-postgres lint check clean

up: venv assets messages
	$(VENV)/bin/ecoenforce up

test: venv assets system-deps messages check test-sqlite test-postgres

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: node_modules/.installed
	$(PY) scripts/copy_assets.py

# Debian packages the browser tests need (Chromium, CJK fonts for screenshots and PDFs, gettext).
system-deps:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v msgfmt >/dev/null; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null; \
	fi

messages: venv
	$(PY) scripts/compile_messages.py

check: venv
	$(PY) -m django check --fail-level WARNING
	$(PY) -m django makemigrations --check --dry-run
	$(VENV)/bin/ruff check src tests bench scripts

test-sqlite: venv
	$(PY) -m pytest -q -p no:cacheprovider

test-postgres: venv
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -q -p no:cacheprovider --database-tests-only

lint: venv
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts

clean:
	rm -rf $(VENV) node_modules src/ecoenforce/static/vendor var
