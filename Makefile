# bibdebitor: the two commands a newcomer needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO_ADDR ?= 127.0.0.1:8000
DEMO_SIZE ?= small
DEMO_DIR  := var/demo

STATIC_STAMP := var/static/.collected

.PHONY: demo test bench lint format messages clean static deploy-check

$(STAMP): pyproject.toml
	scripts/ensure-pango
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Det Fælles Designsystem from npm (package-lock.json), then every process's static files
# collected into var/static, which WhiteNoise serves.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(STATIC_STAMP): $(STAMP) node_modules/.package-lock.json $(shell find src/bibdebitor -path '*/static/*' -type f)
	$(BIN)/bibdebitor collectstatic --noinput --clear -v 0 -i scss -i '*.map' -i '*.md' -i eot -i ttf -i otf -i split
	touch $(STATIC_STAMP)

static: $(STATIC_STAMP)

# A fresh demo every time: its own data directory under var/demo.
demo: $(STAMP) static
	scripts/ensure-pango >/dev/null
	rm -rf $(DEMO_DIR)
	BIBDEBITOR_DATA_DIR=$(DEMO_DIR) $(BIN)/bibdebitor migrate --noinput >/dev/null
	BIBDEBITOR_DATA_DIR=$(DEMO_DIR) $(BIN)/bibdebitor demo --addr $(DEMO_ADDR) --size $(DEMO_SIZE)

# Every benchmark on SQLite and PostgreSQL, one table (BENCH_SIZE=quick: 10 times smaller).
BENCH_SIZE ?= full
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py --size $(BENCH_SIZE)

# Lint: ruff, the layers' import contract (docs/architecture.md), the type checker, and every
# model change has its migration (each process's own apps).
MIGRATIONS_CHECK := makemigrations --check --dry-run -v 1
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	BIBDEBITOR_DATA_DIR=var/lint $(BIN)/mypy
	BIBDEBITOR_DATA_DIR=var/lint $(BIN)/bibdebitor $(MIGRATIONS_CHECK)
	BIBDEBITOR_DATA_DIR=var/lint $(BIN)/bibdebitor-debtor $(MIGRATIONS_CHECK)
	BIBDEBITOR_DATA_DIR=var/lint $(BIN)/bibdebitor-broker $(MIGRATIONS_CHECK)

# The three processes' suites on SQLite, then every database test again on a throw-away
# PostgreSQL cluster (the debtor system's and the service platform's own tests run with their
# own settings). Browser tests drive Debian's chromium, installed by scripts/ensure-chromium.
DEBTOR_TESTS := $(BIN)/pytest --ds=bibdebitor.settings.debtor tests/debtor
BROKER_TESTS := $(BIN)/pytest --ds=bibdebitor.settings.broker tests/broker

# Each process's production settings (behind TLS) pass Django's deployment checks.
DEPLOY_CHECK := env -u BIBDEBITOR_DEBUG BIBDEBITOR_TLS=1 BIBDEBITOR_TRUSTED_PROXY=127.0.0.1 \
    BIBDEBITOR_DATA_DIR=var/deploy-check
deploy-check: $(STAMP) node_modules/.package-lock.json
	$(DEPLOY_CHECK) $(BIN)/bibdebitor check --deploy --fail-level WARNING
	$(DEPLOY_CHECK) $(BIN)/bibdebitor-debtor check --deploy --fail-level WARNING
	$(DEPLOY_CHECK) $(BIN)/bibdebitor-broker check --deploy --fail-level WARNING

test: lint static deploy-check
	scripts/ensure-pango >/dev/null
	scripts/ensure-chromium >/dev/null
	$(BIN)/pytest
	$(DEBTOR_TESTS)
	$(BROKER_TESTS)
	scripts/with-postgres sh -c '$(BIN)/pytest -m django_db && \
	    BIBDEBITOR_DEBTOR_DATABASE_URL="$$DATABASE_URL" $(DEBTOR_TESTS) -m django_db && \
	    BIBDEBITOR_BROKER_DATABASE_URL="$$DATABASE_URL" $(BROKER_TESTS) -m django_db'

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: $(STAMP)
	cd src/bibdebitor && ../../$(BIN)/bibdebitor makemessages -l da --no-obsolete
	cd src/bibdebitor && ../../$(BIN)/bibdebitor compilemessages -l da

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache .hypothesis
