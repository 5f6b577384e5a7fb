# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# With HOST=0.0.0.0 the join QR code must encode an address phones can reach.
LAN_IP := $(shell hostname -I 2>/dev/null | awk '{print $$1}')
SITE_URL ?= $(if $(filter 0.0.0.0,$(HOST)),http://$(or $(LAN_IP),127.0.0.1):$(PORT),)

export DJANGO_DEBUG ?= 1

.PHONY: run test venv debian-packages migrate lint bench messages clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver $(HOST):$(PORT)

# Debian's Chromium for the browser tests (Playwright's own download does not work here),
# and nginx for the test that runs the deploy recipe of docs/deploy.md.
debian-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then sudo=""; else sudo=sudo; fi; \
	  $$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# axe-core for the accessibility audit (tests/browser/test_accessibility.py), from the npm registry.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: venv debian-packages $(AXE)
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# With REDIS_URL and a PostgreSQL DATABASE_URL set, the scale-out run follows (two daphne processes).
bench: venv
	$(PY) bench/run.py $(BENCH_ARGS)
	@if [ -n "$$REDIS_URL" ] && case "$$DATABASE_URL" in postgres*) true;; *) false;; esac; then \
	  $(PY) bench/run.py --scale-out $(BENCH_ARGS); fi

clean:
	rm -rf $(VENV) db.sqlite3 test_db.sqlite3*
