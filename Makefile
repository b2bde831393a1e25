# TrialReach: `make help` lists what you can do.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := .venv/bin/python

# Catalogs and fonts are built by the set-up (decision 0025), never committed.
POT := shared/locale/messages.pot
PYBABEL := .venv/bin/pybabel

.PHONY: help venv i18n-extract i18n-update i18n-compile i18n-report fonts run test test-unit test-integration test-e2e lint typecheck bench clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# Bytecode compiled once here: with PYTHONDONTWRITEBYTECODE set (as on CI machines) every
# process would otherwise compile its imports again, about 3 s per service start.
venv: $(UV) ## Create .venv with the locked dependencies
	$(UV) sync --frozen --quiet --compile-bytecode
	@$(MAKE) --no-print-directory i18n-compile fonts

i18n-extract: ## Collect every marked patient-facing message into shared/locale/messages.pot
	PYTHONPATH=. $(PYBABEL) extract -F babel.cfg -k N_ --no-location --sort-output --omit-header -o $(POT) .

i18n-update: i18n-extract ## Merge messages.pot into each language's messages.po
	$(PYBABEL) update -i $(POT) -d shared/locale --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date --width 100

i18n-compile: ## Build the .mo catalogs the services read (not committed)
	@set -o pipefail; $(PYBABEL) compile -d shared/locale 2>&1 | { grep -v '^compiling catalog' || true; }

i18n-report: ## Per language: translated, fuzzy, missing and reviewed state
	$(PY) -m shared.i18n

fonts: ## Copy the Noto fonts the consent pages need from the system packages
	@$(PY) -m shared.web.fonts

run: venv ## Run the whole system locally (SQLite, filesystem bus, fake SMS, phone simulator)
	@bash deploy/local/run.sh

test: venv ## Run every test; starts PostgreSQL/RabbitMQ and installs Chromium where needed
	@bash tests/run.sh

test-unit: venv ## Run the unit tests only (no servers needed)
	$(PY) -m pytest tests/unit -q

test-integration: venv ## Run the integration tests (PostgreSQL and RabbitMQ)
	@bash tests/run.sh tests/integration

test-e2e: venv ## Run the end-to-end tests (services as processes, Chromium)
	@bash tests/run.sh tests/e2e

lint: venv ## ruff, mypy (strict on domains, service layers and shared), import contracts, file lengths
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy shared services bench tests
	.venv/bin/lint-imports
	$(PY) .ci/file_lengths.py

bench: venv ## Run the benchmarks (see bench/README.md)
	@bash tests/servers.sh
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || apt-get install -y -qq wrk >/dev/null
	$(PY) -m bench.bus
	$(PY) -m bench.classifier
	$(PY) -m bench.registry_import --rows 100000
	$(PY) -m bench.registry_import --rows 1000000
	$(PY) -m bench.cohort_preview --participants 1000000
	$(PY) -m bench.consent
	$(PY) -m bench.invitations
	$(PY) -m bench.sending throughput
	$(PY) -m bench.sending paced
	$(PY) -m bench.webhooks
	$(PY) -m bench.voice_calls
	$(PY) -m bench.idle_connections

clean: ## Remove local data (var/) and caches
	rm -rf var .pytest_cache .mypy_cache .ruff_cache test-artifacts
