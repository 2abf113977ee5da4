# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# glibc malloc for the workers (see factcheck/worker.py): two arenas, freed memory handed back.
export MALLOC_ARENA_MAX ?= 2
export MALLOC_TRIM_THRESHOLD_ ?= 131072

.PHONY: install system-deps run web worker test lint format bench train-claims clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Debian packages for PDF reports (pango), browser tests (chromium) and PDF previews (poppler).
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils chromium
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Rendered captures need Chromium; without it the render queue is left out and HTTP captures work.
CHROMIUM := /usr/bin/chromium
comma := ,
RUN_QUEUES := default,fetch,index$(if $(wildcard $(CHROMIUM)),$(comma)render)

run: install
	@DEBUG=true $(BIN)/python manage.py migrate --noinput
	@DEBUG=true $(BIN)/python manage.py load_demo
	@echo ""
	@echo "  Workbench: http://127.0.0.1:8000/admin/   API: http://127.0.0.1:8000/api/v1/docs/"
	@echo "  Logins: reviewer / editor / admin (passwords printed above). Ctrl-C stops everything."
	@if [ -x $(CHROMIUM) ]; then echo "  Rendered captures: on (queue render, $(CHROMIUM))."; \
	else echo "  Rendered captures: OFF, $(CHROMIUM) not found (make system-deps). HTTP captures still work."; fi
	@echo ""
	@DEBUG=true PYTHON=$(BIN)/python RUN_QUEUES=$(RUN_QUEUES) bin/run-dev

test: install
	$(BIN)/python manage.py check --settings=factcheck.test_settings
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=factcheck.test_settings
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Each script reports its measures through bench/summary.py's bench_result (see its docstring);
# every script runs even if one misses a target, then one table sums them up.
BENCHMARKS := bench/extraction.py bench/archive.py bench/api.py bench/export.py bench/load.py bench/evidence_prior.py bench/evidence.py bench/render.py
BENCH_RESULTS := .data/bench-results.jsonl
bench: install
	@mkdir -p .data && rm -f $(BENCH_RESULTS); ran=""; \
	for script in $(BENCHMARKS); do echo "== $$script"; \
		BENCH_RESULTS=$(BENCH_RESULTS) $(BIN)/python $$script; ran="$$ran $$script:$$?"; done; \
	echo ""; echo "== summary"; $(BIN)/python bench/summary.py $(BENCH_RESULTS) $$ran

# Retrain the check-worthiness model (writes apps/claims/extraction/weights.json; commit it).
# TRAIN_EXTRA="a.jsonl b.jsonl" adds labelled sentences in the same format, e.g. from
# `manage.py export_claim_feedback`.
TRAIN_DATA ?= ../shared/data/checkworthy-train.jsonl
TRAIN_EXTRA ?=
train-claims: install
	$(BIN)/python -m apps.claims.extraction.train --data $(TRAIN_DATA) $(TRAIN_EXTRA)

clean:
	rm -rf .data .pytest_cache
