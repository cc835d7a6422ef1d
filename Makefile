# Zijin CRM — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test install migrate demo lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo $(if $(DEMO_PASSWORD),--password $(DEMO_PASSWORD))

## Set up, migrate, load the demo world, and start web + Celery worker + beat (Ctrl-C stops all).
run: demo
	@PY=$(PY) bin/run-all

## Run the whole test suite (SQLite by default; PostgreSQL and Redis when DATABASE_URL / CELERY_BROKER_URL are set).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) manage.py makemigrations --check --dry-run

## Benchmarks (not tests): the reminder sweep at 10,000 and 200,000 open requests, the reports and policy
## matching (below), on PostgreSQL
## (DATABASE_URL=postgres://...; it creates and drops a database of its own).
bench: install bench-reports bench-matching bench-admin
	$(PY) bench/reminders_bench.py

clean:
	rm -rf var/ .pytest_cache

## Benchmark of the manager reports (not a test): 10,000 projects on SQLite (a temporary file), then — with
## DATABASE_URL=postgres://... — 1,000 and 100,000 projects with 1,000,000 follow-ups and stage changes and
## 200,000 service requests on PostgreSQL (a database of its own, created and dropped). Prints each selector
## against hand-written SQL, the pipeline from the summary tables beside the raw rows, each whole page against its
## floor page, the summary rebuild's time, and the queries per page.
.PHONY: bench-reports
bench-reports: install
	$(PY) bench/reports_bench.py sqlite
	@case "$$DATABASE_URL" in postgres*) $(PY) bench/reports_bench.py ;; \
	  *) echo "bench-reports: PostgreSQL part skipped (set DATABASE_URL=postgres://...)" ;; esac

## Benchmark (not a test): policy matching for one project against 500 clauses and for all 10,000 enterprises at
## once, with query counts, on PostgreSQL (DATABASE_URL=postgres://...; it creates and drops a database of its own):
## an old criterion mix (8 kinds) and a new one (13, with the yearly figures), side by side.
.PHONY: bench-matching
bench-matching: install
	$(PY) bench/matching_bench.py

## Benchmark (not a test): the officer's admin pages — the project list and page against Django's own pages of the
## same rows, and the query counts of the list, page, request queue, workbench and kanban — at 1,000 and 10,000
## projects, on SQLite (a file of its own) and, when DATABASE_URL is postgres://..., on PostgreSQL (a database of its own).
.PHONY: bench-admin
bench-admin: install
	$(PY) bench/admin_bench.py sqlite
	@case "$$DATABASE_URL" in postgres*) $(PY) bench/admin_bench.py postgres ;; \
	  *) echo "(PostgreSQL skipped: set DATABASE_URL=postgres://user@host:5432/db)" ;; esac

## Benchmark (not a test): the 撞单 check of one name against 10,000 active projects, with its query plan — on
## PostgreSQL with DATABASE_URL=postgres://... (a database of its own, dropped after), else on a temporary SQLite.
.PHONY: bench-collisions
bench-collisions: install
	$(PY) bench/collisions_bench.py

## Translations: collect every product string into locale/en/LC_MESSAGES/django.po (Chinese msgids, English
## msgstr), then compile the .mo files, which are committed (a fresh machine may lack the gettext tools).
## After it: translate the new empty msgstr and any "fuzzy" entry in the .po, then run it again.
.PHONY: messages
messages: install
	$(PY) manage.py makemessages -l en --no-obsolete --add-location=file --ignore=.venv --ignore=var \
	  --ignore=tests --ignore=bench --ignore=static/vendor
	$(PY) manage.py compilemessages -l en -l zh_Hans --ignore=.venv

## Benchmark (not a test): the onboarding import (数据导入) of 1,000 then 10,000 enterprise rows on SQLite (a temporary
## file per size, removed after): the check, the import, a re-import, and peak memory at each size.
.PHONY: bench-import
bench-import: install
	$(PY) bench/import_bench.py
