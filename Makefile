# Developer commands. `make run` serves the site on a fresh clone; `make test` is what CI runs.
# Each step is done only when its inputs changed: a second `make run` starts in seconds.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
# Steps must run in the order written, even under `make -j`.
.NOTPARALLEL:

VENV := .venv
PYTHON := $(VENV)/bin/python
MANAGE := $(PYTHON) manage.py
RUFF := $(VENV)/bin/ruff
PYTEST := $(PYTHON) -m pytest
# Extra pytest arguments, e.g. `make test-sqlite PYTEST_ARGS="-k partner -x"`.
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2
INSTALLED := $(VENV)/.installed
LANGUAGES := sl sk cs de
LOAD_DATASET ?= $(MANAGE) load_dataset

DATASET_DIR ?= data
DATA_FILES := $(sort $(wildcard $(DATASET_DIR)/*.csv.gz $(DATASET_DIR)/curated/*.toml))
# What a loaded database depends on besides the data: the schema and the loader.
LOAD_INPUTS := $(DATA_FILES) $(sort $(wildcard atlas/*/migrations/*.py)) \
	$(wildcard atlas/dataset/management/commands/load_dataset.py)
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

# The database settings resolve to, as ENGINE|NAME|HOST|PORT|USER.
DB_IDENTITY = $(PYTHON) -c 'from atlas.settings import DATABASES; d = DATABASES["default"]; \
	print(*(d.get(k) or "" for k in ("ENGINE", "NAME", "HOST", "PORT", "USER")), sep="|")'

.PHONY: help run test lint format check translations messages test-sqlite test-postgres \
	database bench clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

$(PYTHON):
	@py=$$(command -v python3.11 || true); \
	if [ -z "$$py" ] && python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		2>/dev/null; then py=$$(command -v python3); fi; \
	if [ -z "$$py" ]; then \
		echo "Python 3.11 is needed: install python3.11 (or make python3 a 3.11)" >&2; exit 1; \
	fi; \
	echo "==> Creating $(VENV) with $$py"; \
	"$$py" -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PYTHON)
	@echo "==> Installing the project with the dev extra"
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Migrate always (a no-op when up to date), and make the database cache's table when the
# cache is the database (a no-op otherwise). Load the dataset only when the data, the
# migrations or the loader changed since the last successful load into this database, or
# when its SQLite file is gone. One stamp per database (keyed on what the settings resolve
# to, so switching DATABASE_URL works) holds the hash of what was loaded into it.
database: $(INSTALLED)
	@db=$$($(DB_IDENTITY)); \
	gone=; \
	case "$$db" in \
		*sqlite3\|*) file=$${db#*|}; file=$${file%%|*}; [ -e "$$file" ] || gone=1 ;; \
	esac; \
	stamp=$(VENV)/.dataset-loaded-$$(echo "$$db" | sha256sum | cut -c1-16); \
	inputs=$$(sha256sum /dev/null $(LOAD_INPUTS) | sha256sum | cut -c1-64); \
	echo "==> Migrating"; \
	$(MANAGE) migrate --noinput; \
	$(MANAGE) createcachetable; \
	if [ -z "$(DATA_FILES)" ]; then \
		echo "==> No dataset in $(DATASET_DIR)/: nothing to load"; \
	elif [ -z "$$gone" ] && [ "$$(cat "$$stamp" 2>/dev/null)" = "$$inputs" ]; then \
		echo "==> Dataset already loaded (data, migrations and loader unchanged)"; \
	else \
		echo "==> Loading the dataset from $(DATASET_DIR)/"; \
		rm -f "$$stamp"; \
		$(LOAD_DATASET); \
		echo "$$inputs" >"$$stamp"; \
	fi

run: $(INSTALLED) translations database ## Install, migrate, load the dataset, serve on :8000 with the worker
	@echo "==> Writing the full exports (a no-op when they match the data)"
	$(MANAGE) export_data
	@echo "==> Serving on http://127.0.0.1:8000/, with the worker for mail and periodic jobs"
	@# The worker runs beside the server and ends with it (Ctrl+C, or the server stopping).
	@$(MANAGE) run_worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT; \
	$(MANAGE) runserver 127.0.0.1:8000

test: lint check translations test-sqlite test-postgres ## Lint, check, and test on SQLite, PostgreSQL and Redis

lint: $(INSTALLED) ## Check formatting and lint with ruff, check types with mypy
	@echo "==> ruff format --check"
	$(RUFF) format --check .
	@echo "==> ruff check"
	$(RUFF) check .
	@echo "==> mypy"
	$(VENV)/bin/mypy atlas bench

format: $(INSTALLED) ## Format and fix what ruff can fix
	@echo "==> ruff format"
	$(RUFF) format .
	@echo "==> ruff check --fix"
	$(RUFF) check --fix .

check: $(INSTALLED) ## Django system checks and no missing migrations
	@echo "==> manage.py check"
	$(MANAGE) check
	@echo "==> manage.py makemigrations --check"
	$(MANAGE) makemigrations --check --dry-run

# The settings pick SQLite unless DATABASE_URL or DB_NAME is set: unset them here. The tests
# cache in memory unless CACHE_URL is set (see conftest.py); a throwaway Redis server
# (scripts/with-redis) serves the tests of Redis itself.
test-sqlite: $(INSTALLED) translations ## Run the tests on SQLite
	@echo "==> pytest on SQLite"
	env -u DATABASE_URL -u DB_NAME -u CACHE_URL scripts/with-redis \
		$(PYTEST) -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# The whole suite again on PostgreSQL, with Redis as the site's cache, as across machines.
test-postgres: $(INSTALLED) translations ## Run the tests on throwaway PostgreSQL and Redis servers
	@echo "==> pytest on PostgreSQL with Redis as the cache"
	scripts/with-postgres scripts/with-redis --cache $(PYTEST) -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

translations: $(MO_FILES) ## Compile translations (locale/*.po to .mo)
	@[ -n "$(PO_FILES)" ] || echo "==> No translations (locale/*/LC_MESSAGES/*.po) to compile"

ifneq ($(PO_FILES),)
$(MO_FILES) &: $(PO_FILES) | $(INSTALLED)
	@command -v msgfmt >/dev/null || { \
		echo "msgfmt not found: install GNU gettext (Debian/Ubuntu: apt-get install gettext)" >&2; \
		exit 1; }
	@echo "==> Compiling translations"
	$(MANAGE) compilemessages --ignore=.venv --ignore=.git --ignore=staticfiles
	@touch $(MO_FILES)
endif

messages: $(INSTALLED) ## Extract messages into locale/<lang>/LC_MESSAGES/django.po
	@echo "==> makemessages for $(LANGUAGES)"
	@mkdir -p locale
	$(MANAGE) makemessages $(addprefix -l ,$(LANGUAGES)) --no-obsolete --no-location \
		--ignore=staticfiles --ignore=data

# Each database gets a fresh copy of the full dataset; the figures go to docs/benchmarks.md.
# The load test (50 connections, 30 s of pages, then 30 s of a static file) runs on
# PostgreSQL only, the database of a real deployment.
BENCH_DIR := .tmp/bench
bench: $(INSTALLED) translations ## Measure map data, search, the map in Chromium, and the site under load
	@rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR)
	@echo "==> Benchmark on SQLite"
	env -u DATABASE_URL -u DB_NAME SQLITE_PATH=$(BENCH_DIR)/atlas.sqlite3 \
		$(PYTHON) -m bench.benchmark measure --label SQLite --out $(BENCH_DIR)/1-sqlite.json
	@echo "==> Benchmark on PostgreSQL"
	scripts/with-postgres $(PYTHON) -m bench.benchmark measure --label PostgreSQL --load \
		--out $(BENCH_DIR)/2-postgresql.json
	$(PYTHON) -m bench.benchmark report $(BENCH_DIR)/*.json --write docs/benchmarks.md

clean: ## Remove the virtualenv, caches, collected static files and compiled translations
	@echo "==> Cleaning (db.sqlite3 is kept)"
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find locale -name '*.mo' -delete 2>/dev/null || true
