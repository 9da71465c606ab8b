# The two commands of the README: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-postgres bench install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	@# OpenCV's plain and contrib wheels both install cv2: a virtualenv made with the plain one has both removed
	@if $(VENV)/bin/pip show --quiet opencv-python-headless 2>/dev/null; then \
		$(VENV)/bin/pip uninstall --quiet --yes opencv-python-headless opencv-contrib-python-headless; fi
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

## Set up (virtualenv, packages, database schema, demo data once) and serve at http://$(HOST):$(PORT)
## Another port or address: make run PORT=8080 (HOST=0.0.0.0 to be reached from other machines)
run: install
	$(VENV)/bin/registry db upgrade
	$(VENV)/bin/registry seed-demo --if-empty
	$(VENV)/bin/registry reindex
	@echo "Serving at http://$(HOST):$(PORT)/ (another port: make run PORT=8080)"
	$(VENV)/bin/registry run --host $(HOST) --port $(PORT)

## The whole test suite (SQLite unless REGISTRY_DATABASE_URL points elsewhere)
test: install
	$(VENV)/bin/python -m pytest

## The suite again on PostgreSQL; set REGISTRY_DATABASE_URL to an empty, disposable database
test-postgres: install
	@test -n "$$REGISTRY_DATABASE_URL" || (echo "Set REGISTRY_DATABASE_URL=postgresql://user:pass@127.0.0.1/dbname (its contents are erased)"; exit 2)
	$(VENV)/bin/python -m pytest

bench: install
	$(VENV)/bin/python bench/run.py
