# Caseline: every command a developer or CI runs. `make dev` and `make test` are the README's two commands.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
SAM_VENV := .venv-sam
CHECKOV_VENV := .venv-checkov
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)/layers/core:$(CURDIR)/infra/local
# Byte code goes to one cache outside the source tree (ignored by git), written by the first process that
# imports a module and read by every later one: without it each test worker, local stack and function
# environment compiled moto, botocore and the layer from source again (seconds a process).
export PYTHONPYCACHEPREFIX := $(CURDIR)/.cache/pycache
unexport PYTHONDONTWRITEBYTECODE

help: ## List the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

# Each environment is installed from its lock by uv (pinned in requirements/uv.txt, itself installed with pip
# into .venv): the same pinned set as pip would install, in seconds rather than minutes.
UV := $(VENV)/bin/uv

$(VENV)/.installed: requirements/dev.txt requirements/uv.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/uv.txt
	$(UV) pip install --quiet --python $(VENV)/bin/python -r requirements/dev.txt
	touch $@

$(SAM_VENV)/.installed: requirements/sam.txt | $(VENV)/.installed
	$(PYTHON) -m venv $(SAM_VENV)
	$(UV) pip install --quiet --python $(SAM_VENV)/bin/python -r requirements/sam.txt
	touch $@

$(CHECKOV_VENV)/.installed: requirements/checkov.txt | $(VENV)/.installed
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(UV) pip install --quiet --python $(CHECKOV_VENV)/bin/python -r requirements/checkov.txt
	touch $@

setup: $(VENV)/.installed ## Create the virtual environment from the pinned lock

setup-sam: $(SAM_VENV)/.installed ## aws-sam-cli in its own environment (its pins clash with the runtime set)

browser: ## Debian's Chromium for the browser tests (installed with apt-get when missing and running as root)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Install Chromium first: sudo apt-get install chromium" >&2; exit 1; fi; }

portal/node_modules/.installed: portal/package.json portal/package-lock.json
	cd portal && npm ci --no-audit --no-fund --loglevel=error
	touch $@

portal: portal/node_modules/.installed ## Build the victim portal into portal/dist/ (GOV.UK Frontend from npm, pages, modules, articles)
	cd portal && node build.mjs

PORT ?= 8080

dev: setup portal ## Run the local stack with demo data for both forces (Ctrl-C stops it; PORT=8080 by default)
	$(PY) -m caseline_local up --port $(PORT)

FORCE ?= thames-valley

demo-event: setup ## Post a new signed "crime recorded" event to the running local stack (FORCE=hampshire too)
	$(PY) -m caseline_local post-demo --force $(FORCE)

sent: setup ## Show the emails and SMS the running local stack has "sent" (TO=an address or number, SINCE=a message number)
	$(PY) -m caseline_local sent $(if $(TO),--to '$(TO)') $(if $(SINCE),--since '$(SINCE)')

faults: setup ## Fault injection in the running local stack: FAULTS='<json>' sets it, FAULTS=clear clears it, none shows it
	@if [ -z '$(FAULTS)' ]; then $(PY) -m caseline_local faults show; \
	elif [ '$(FAULTS)' = clear ]; then $(PY) -m caseline_local faults clear; \
	else $(PY) -m caseline_local faults set '$(FAULTS)'; fi

compliance: setup ## Victims' Code duties per force, right and tier in the running local stack: due, met on time, late, missed, open
	$(PY) -m caseline_local compliance

staff-token: setup ## A demo analyst's ID token for the running local stack's insights API (FORCE=hampshire too; this run's password from .local-stack/state.json)
	$(PY) -m caseline_local staff-token --force $(FORCE)

lint: setup ## ruff, ruff format --check and the import contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: setup ## mypy (strict on the layer)
	$(VENV)/bin/mypy

cfn: setup setup-sam ## cfn-lint and sam validate --lint
	$(VENV)/bin/cfn-lint template.yaml infra/force.yaml infra/portal.yaml
	$(VENV)/bin/cfn-lint infra/portal-waf.yaml --regions us-east-1
	$(SAM_VENV)/bin/sam validate --lint --template template.yaml --region eu-west-2
	$(SAM_VENV)/bin/sam validate --lint --template infra/force.yaml --region eu-west-2
	$(SAM_VENV)/bin/sam validate --lint --template infra/portal.yaml --region eu-west-2
	$(SAM_VENV)/bin/sam validate --lint --template infra/portal-waf.yaml --region us-east-1

checkov: $(CHECKOV_VENV)/.installed ## checkov on the four templates (.checkov.yaml; each skip justified in the template)
	$(CHECKOV_VENV)/bin/checkov --config-file .checkov.yaml \
	  -f template.yaml -f infra/force.yaml -f infra/portal.yaml -f infra/portal-waf.yaml

# Unit and functional tests run on every core (pytest-xdist; an idle worker takes tests from a busy one, so
# one long file does not end the run alone); the end-to-end tests run in
# E2E_WORKERS processes, a module at a time, each with its own local stack and browser (they mostly wait).
WORKERS ?= auto
E2E_WORKERS ?= 3

unit: setup ## Unit tests: in-memory fakes, sockets disabled
	$(VENV)/bin/pytest -n $(WORKERS) --dist worksteal tests/unit

functional: setup ## Functional tests: moto, tables built from template.yaml
	$(VENV)/bin/pytest -n $(WORKERS) --dist worksteal tests/functional

e2e: setup browser portal ## End-to-end: the local stack over HTTP and in a real browser
	$(VENV)/bin/pytest -n $(E2E_WORKERS) --dist loadfile tests/e2e

fuzz: setup portal ## The OpenAPI fuzz and the hostile bodies, deeper and drawn afresh: FUZZ_EXAMPLES (300) a route
	FUZZ_EXAMPLES=$(or $(FUZZ_EXAMPLES),300) $(VENV)/bin/pytest -n 2 --dist loadfile tests/e2e/test_openapi_fuzz.py tests/e2e/test_hostile_bodies.py

test: setup setup-sam $(CHECKOV_VENV)/.installed browser portal ## The whole suite: every gate CI runs
	VENV=$(VENV) WORKERS=$(WORKERS) E2E_WORKERS=$(E2E_WORKERS) tools/test_suite.sh

build: setup-sam ## sam build (arm64 wheels and compiled .pyc for the layer; needs python3.12 on PATH)
	PATH="$$(PYENV_VERSION=3.12.1 pyenv prefix 2>/dev/null || true)/bin:$$PATH" $(SAM_VENV)/bin/sam build --template template.yaml

bench: setup ## Cold-start benchmark: each function's import-and-init cost against a reference handler
	$(PY) tests/bench/cold_start.py

openapi: setup ## Regenerate docs/openapi.json from the handlers
	$(PY) -m caseline_local openapi > docs/openapi.json
	cp docs/openapi.json layers/core/caseline/content/openapi.json

articles: setup ## Check every article Markdown file and rebuild the article index the API serves (reports what changed)
	PYTHONPATH=$(PYTHONPATH):$(CURDIR) $(PY) tools/build_articles.py

articles-relevance: setup ## Score the article ranking against tests/relevance/article_contexts.json (precision@3, nDCG@5)
	PYTHONPATH=$(PYTHONPATH):$(CURDIR) $(PY) tools/score_articles.py

event-schemas: setup ## Regenerate docs/events/schemas/ (JSON Schema of every force event) from the models
	$(PY) -m caseline_local event-schemas

force-event: setup ## Post one signed event to the running local stack (FORCE=… TYPE=officer.assigned CASE=TVP-123 SEQ=2)
	$(PY) -m caseline_local.force_sim event --force $(FORCE) --type $(TYPE) --case $(CASE) --sequence $(SEQ)

force-lifecycle: setup ## Post a scripted case, crime recorded to case closed, to the running local stack (FORCE=…)
	$(PY) -m caseline_local.force_sim lifecycle --force $(FORCE)

force-month: setup ## A month of life (crimes, victims, reports, bounces) on the running local stack's clock (FORCE=…)
	$(PY) -m caseline_local.force_sim month --force $(FORCE) --days $(or $(DAYS),30) --seed $(or $(SEED),0)

force-burst: setup ## Randomised burst with duplicates and late events against the running local stack (FORCE=…)
	$(PY) -m caseline_local.force_sim burst --force $(FORCE) --cases 20 --events-per-case 10 --duplicates 0.1 --shuffle 0.2 --concurrency 4 --seed 1

force-inbox: setup ## Receive Caseline's outbound events on port 8095 (SECRET=the force's outbound secret)
	$(if $(SECRET),,$(error Give the force's outbound secret: make force-inbox SECRET=… (docs/force-integration.md, the force simulator, says where the local stack keeps it)))
	$(PY) -m caseline_local.force_sim receive --port 8095 --secret '$(SECRET)'

templates: setup ## Every SMS template's segments with sample values and at the contract's limits (PORTAL_URL=… for yours)
	$(PY) tools/template_report.py

event-examples: setup ## Regenerate the worked examples in docs/events/ from the force simulator
	PYTHONPATH=$(PYTHONPATH):$(CURDIR) $(PY) tools/event_examples.py docs/events/examples --outbound docs/events/outbound

bench-window: setup ## The crash-after-send window: recording a send against a plain PutItem, on moto
	$(PY) tests/bench/send_window.py

bench-linking: setup ## The five kinds of link refusal timed against each other (moto): medians, noise, ratios
	$(PY) tests/bench/link_refusals.py

bench-burst: setup ## Webhook burst benchmark: 1,000 signed events through the local stack against a GET baseline
	$(PY) tests/bench/webhook_burst.py

soak: setup ## Soak benchmark: 30 minutes (SOAK_MINUTES=…) of force events and signed-in victims through a fault schedule
	$(PY) tests/bench/soak.py $(if $(SOAK_MINUTES),--minutes '$(SOAK_MINUTES)')

lock: ## Re-resolve requirements/dev.txt from a clean environment (review the diff!)
	rm -rf /tmp/caseline-lock && $(PYTHON) -m venv /tmp/caseline-lock
	/tmp/caseline-lock/bin/pip install --quiet -r requirements/dev.in
	/tmp/caseline-lock/bin/pip freeze --all --exclude pip --exclude setuptools > requirements/dev.txt

lock-layer: setup ## Re-resolve layers/core/requirements.txt (arm64, python3.12, hashes) from requirements.in within dev.txt's pins
	cd layers/core && $(CURDIR)/$(UV) pip compile requirements.in -c ../../requirements/dev.txt \
	  --python-platform aarch64-manylinux2014 --python-version 3.12 --generate-hashes --no-header --quiet -o requirements.lock
	cd layers/core && { sed -n '1,3p' requirements.txt; cat requirements.lock; } > requirements.new && rm requirements.lock \
	  && mv requirements.new requirements.txt

clean: ## Remove virtual environments and caches
	rm -rf $(VENV) $(SAM_VENV) $(CHECKOV_VENV) .cache .pytest_cache .mypy_cache .ruff_cache .local-stack

.PHONY: portal articles articles-relevance help setup setup-sam browser build compliance event-schemas force-event force-lifecycle force-month force-burst force-inbox event-examples templates bench-burst bench-window bench-linking soak dev demo-event sent faults staff-token lint typecheck cfn checkov unit functional e2e fuzz test bench openapi lock lock-layer clean
