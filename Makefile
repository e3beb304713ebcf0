# The two commands: `make run` and `make test`. Everything else is a helper.
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SCREENSHOTS := test-artifacts/screenshots
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-future coverage js-clients lint fmt migrations-check check-deploy install install-dev system-libs demo serve bench load audit clean messages messages-check compile-messages gettext

run: install compile-messages ## Set up (venv, migrations, gazetteer, demo data) and serve on http://127.0.0.1:8000
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py setup_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install-dev js-clients lint migrations-check compile-messages ## Lint, then the whole suite including browser tests
	@mkdir -p $(SCREENSHOTS)
	@echo "Browser test screenshots go to $(CURDIR)/$(SCREENSHOTS)"
	DJANGO_DEBUG=1 SCREENSHOT_DIR=$(SCREENSHOTS) $(PY) -m pytest $(PYTEST_ARGS)
	@echo "Screenshots of every page the browser tests reached: $(CURDIR)/$(SCREENSHOTS)"

# The suite again with the clock moved years ahead (time-machine, ticking): a test or code that
# reads the real date instead of the `now` it is given fails today, not on some later day.
# Browser and fault tests are left out: the browser and the servers they start keep real time.
TEST_CLOCK ?= 2031-03-09T12:00:00+00:00
test-future: install-dev compile-messages
	DJANGO_DEBUG=1 TEST_CLOCK=$(TEST_CLOCK) $(PY) -m pytest -m "not e2e and not faults" -q $(PYTEST_ARGS)

# Line coverage of the application code (accounts, dbtselfhelp, groups, lessons, outbox; not the
# migrations, nor the commands that only make demo or benchmark data: see [tool.coverage] in
# pyproject.toml) under the non-browser, non-fault suite. Fails under COVERAGE_MIN percent.
COVERAGE_MIN ?= 95
coverage: install-dev compile-messages
	rm -f .coverage .coverage.*
	DJANGO_DEBUG=1 $(PY) -m coverage run -m pytest -m "not e2e and not faults" -q $(PYTEST_ARGS)
	$(PY) -m coverage combine -q
	$(PY) -m coverage report --sort=cover --fail-under=$(COVERAGE_MIN)

# ruff for style, mypy (django-stubs) for the modules listed in pyproject.toml's [tool.mypy].
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(VENV)/bin/mypy

fmt: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	env -u DATABASE_URL DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# `check --deploy` with production variables: must print no warning.
check-deploy: install
	DJANGO_DEBUG=0 SECRET_KEY=ci-only-$$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n') \
	ALLOWED_HOSTS=example.org $(PY) manage.py check --deploy --fail-level WARNING

# Translations (README: Languages). gettext's tools come from Debian's package; `make messages`
# gathers every marked string into locale/<code>/LC_MESSAGES/django.po (run it after changing one,
# then translate what it adds), `make messages-check` fails on a string untranslated or fuzzy in any
# language, and compile-messages turns the catalogues into the .mo files Django reads.
LOCALES := $(notdir $(wildcard locale/*))
MESSAGES_IGNORE := --ignore=.venv --ignore=tests --ignore=bench --ignore=staticfiles --ignore=test-artifacts \
  --ignore=node_modules --ignore=.make
gettext:
	@command -v msgfmt >/dev/null || { echo "Installing Debian's gettext (msgfmt, xgettext)"; \
	  apt-get install -y -qq gettext >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }; }
messages: install gettext
	DJANGO_DEBUG=1 $(PY) manage.py makemessages $(addprefix -l ,$(LOCALES)) --no-obsolete $(MESSAGES_IGNORE)
	@$(MAKE) --no-print-directory messages-check
messages-check: install-dev gettext
	$(PY) bin/check-translations $(LOCALES)
compile-messages: install gettext
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages $(MESSAGES_IGNORE) -v0

# Production-like serving on http://127.0.0.1:$(PORT) (8000): gunicorn, WhiteNoise, no debug, and beside
# it the task worker that sends e-mail (bin/serve). Uses DATABASE_URL, CACHE_URL and EMAIL_URL when set.
# A local secret key is made once in .make/secret_key.
WORKERS ?= $(shell echo $$(( $$(nproc) * 2 + 1 )))
PORT ?= 8000
serve: install compile-messages
	@mkdir -p .make staticfiles
	@test -s .make/secret_key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > .make/secret_key
	DJANGO_DEBUG=0 SECRET_KEY_FILE=.make/secret_key ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 \
	  $(PY) manage.py collectstatic --no-input -v0
	DJANGO_DEBUG=0 SECRET_KEY_FILE=.make/secret_key ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 \
	  $(PY) manage.py migrate --no-input -v0
	DJANGO_DEBUG=0 SECRET_KEY_FILE=.make/secret_key ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=0 \
	  REQUEST_LOG_LEVEL=$${REQUEST_LOG_LEVEL:-INFO} \
	  bin/serve $(PY) $(VENV)/bin/gunicorn dbtselfhelp.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --timeout 30 \
	  --max-requests 5000 --max-requests-jitter 500 --no-control-socket

# Load test against the production stack (gunicorn, PostgreSQL, Redis) with wrk: see bench/load.py.
# Default: 100,000 groups in the database dbtsh_load, 50 connections, 2 minutes, then ceilings.
load: install
	@command -v wrk >/dev/null || { echo "Installing Debian's wrk"; apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/load.py $(LOAD_ARGS)

# Known vulnerabilities in every installed dependency (pip-audit, in a venv of its own). It first
# audits a release known to be vulnerable: if that finds nothing, the vulnerability service is out
# of reach and the audit says so instead of passing silently (set AUDIT_REQUIRED=1 to fail then).
AUDIT := .make/audit/bin/pip-audit
audit: install
	@mkdir -p .make
	@test -x $(AUDIT) || { $(PY) -m venv .make/audit && .make/audit/bin/pip install --quiet pip-audit==2.10.1; }
	@printf 'Django==3.2.0\n' > .make/audit-probe.txt
	@$(PIP) freeze --exclude-editable > .make/audit-requirements.txt
	@if $(AUDIT) --disable-pip --no-deps --progress-spinner off -r .make/audit-probe.txt 2>/dev/null \
	    | grep -Eq 'PYSEC|GHSA|CVE'; then \
	  $(AUDIT) --strict --disable-pip --no-deps --progress-spinner off -r .make/audit-requirements.txt; \
	else \
	  echo "Dependency audit NOT RUN: the vulnerability service cannot be reached from this machine"; \
	  echo "(a release known to be vulnerable, Django 3.2.0, came back clean)."; \
	  test -z "$(AUDIT_REQUIRED)"; \
	fi

$(PY):
	"$$(bin/find-python)" -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PIP) install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

install: system-libs $(VENV)/.installed
install-dev: system-libs $(VENV)/.installed-dev

# WeasyPrint (the PDF downloads of printed lists and flyers) loads Debian's Pango at run time.
# Installed when missing and apt-get is there; without it the site runs and PDFs say they are off.
PDF_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core
system-libs:
	@ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || { \
	  command -v apt-get >/dev/null && echo "Installing Debian's Pango for PDF downloads: $(PDF_LIBS)" && \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS) >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_LIBS) >/dev/null; }; }; \
	} || echo "Pango not found: PDF downloads are off until you run apt-get install $(PDF_LIBS)"

# The real calendar clients (ical.js, node-ical) the tests read the site's .ics files with,
# pinned by tests/js/package-lock.json and installed into tests/js/node_modules.
JS_CLIENTS := tests/js/node_modules/.installed
$(JS_CLIENTS): tests/js/package.json tests/js/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the calendar client tests (apt-get install npm)"; exit 1; }
	npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
	@touch $@
js-clients: $(JS_CLIENTS)

clean:
	rm -rf $(VENV) test-artifacts staticfiles
