# Vanthu — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: demo demo-reset test lint install vendor messages system-deps bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test,redis]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	bash scripts/system-deps.sh

vendor: $(STAMP)
	$(BIN)/python scripts/fetch_vendor.py

messages: $(STAMP)
	cd src/vanthu && ../../$(BIN)/python -m django compilemessages -l en --settings=vanthu.config.settings_test >/dev/null

## make demo: set up everything, load "Tỉnh Demo" (kept across runs), serve on http://$(HOST):$(PORT) with a worker,
## the demo PKI service and the demo exchange hub (http://127.0.0.1:8700).
DEMO_HUB = VANTHU_HUB_URL=http://127.0.0.1:8700 VANTHU_HUB_SYSTEM_ID=tinh-demo VANTHU_HUB_POLL_SECONDS=10 \
	VANTHU_HUB_SECRET=$$(cat var/hub_demo_secret)
demo: system-deps $(STAMP) vendor messages
	$(BIN)/vanthu migrate --noinput
	$(BIN)/vanthu demo-load
	$(BIN)/vanthu pki init
	$(BIN)/vanthu demo-hub
	$(DEMO_HUB) $(BIN)/vanthu demo-sign
	@echo "Starting the demo PKI (TSA/OCSP/CRL), the demo exchange hub, the task worker and the web server on http://$(HOST):$(PORT)/ (Ctrl+C stops all)"
	@$(BIN)/vanthu pki serve & pki=$$!; \
	  $(BIN)/vanthu hub serve --port 8700 & hub=$$!; \
	  $(DEMO_HUB) $(BIN)/vanthu worker & worker=$$!; \
	  trap 'kill $$worker $$hub $$pki 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_HUB) $(BIN)/vanthu serve --host $(HOST) --port $(PORT)

## make demo-reset: wipe the demo database and files, then make demo.
demo-reset:
	rm -rf var/vanthu.sqlite3 var/vanthu.sqlite3-wal var/vanthu.sqlite3-shm var/media var/hub.sqlite3* \
	  var/hub_demo_inbound_sent var/audit-checkpoints*
	$(MAKE) demo

## make test: install what the suite needs and run all of it (SQLite unless DATABASE_URL is set).
test: $(STAMP) vendor messages
	bash scripts/system-deps.sh --test
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -q --create-db

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/lint-imports pyproject.toml
	DJANGO_SETTINGS_MODULE=vanthu.config.settings_test $(BIN)/mypy src

bench: $(STAMP)
	$(BIN)/python bench/incoming_list_search.py --db sqlite --docs 100000
	$(BIN)/python bench/signing.py
	$(BIN)/python bench/exchange.py
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
