# Linli: `make demo` runs the demo on SQLite; `make test` runs the whole suite
# (on SQLite, and on PostgreSQL too when one is reachable). The browser tests (browser/, Playwright
# driving Debian's Chromium) run in the SQLite pass when $(CHROMIUM) exists; `make test-browser`
# runs only them. See docs/browser-tests.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/linli
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium

.PHONY: demo test test-sqlite test-postgres test-browser venv lint audit-deps messages check-deploy clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

demo: venv
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: venv
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ] || $(BIN)/python scripts/pg_available.py "$(PG_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	elif [ -n "$$REQUIRE_POSTGRES" ]; then \
		echo "PostgreSQL is required (REQUIRE_POSTGRES is set) but $(PG_URL) is not reachable"; exit 1; \
	else \
		echo "PostgreSQL not reachable at $(PG_URL): ran the suite on SQLite only"; \
	fi

test-sqlite: venv
	@echo "== test suite on SQLite =="
	@if [ -x "$(CHROMIUM)" ]; then echo "Chromium found at $(CHROMIUM): the browser tests run too (screenshots in var/browser-artifacts/)"; \
	else echo "Chromium not found at $(CHROMIUM): browser tests (browser/) not run; apt-get install chromium fonts-noto-cjk to run them"; fi
	env -u DATABASE_URL LINLI_CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: venv
	@echo "== test suite on PostgreSQL (browser tests ran in the SQLite pass) =="
	DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: venv
	@test -x "$(CHROMIUM)" || { echo "Chromium not found at $(CHROMIUM): apt-get install chromium fonts-noto-cjk"; exit 1; }
	@echo "== browser tests on SQLite (screenshots in var/browser-artifacts/) =="
	env -u DATABASE_URL LINLI_CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest browser $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r .

# Known vulnerabilities in the pinned dependencies (pip-audit against PyPI's vulnerability data).
audit-deps: venv
	$(BIN)/python scripts/audit_deps.py

messages: venv
	cd $(CURDIR) && DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=staticfiles --ignore='*/tests/*' --ignore=browser --ignore=var
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

check-deploy: venv
	DJANGO_SECRET_KEY=check-deploy-$$(head -c 32 /dev/urandom | base64 | tr -dc a-zA-Z0-9) \
	LINLI_FIELD_KEYS=$$(head -c 32 /dev/urandom | base64) LINLI_BLIND_INDEX_KEY=$$(head -c 32 /dev/urandom | base64) \
	DJANGO_ALLOWED_HOSTS=linli.example.cn $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) var staticfiles
