# The two commands: `make run` (set up and start everything) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The app's own address: the sandbox URLs and the webhook receiver follow the port.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL

.PHONY: run test setup lint clean

$(BIN)/activate: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] >= (3, 11)' 2>/dev/null || { echo "make run needs Python 3.11 (found: $(PYTHON))"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(BIN)/activate

setup: $(BIN)/activate
	mkdir -p var/broker/out var/broker/processed var/broker/control var/screenshots var/static
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo

run: setup
	@echo "Starting web + worker + beat on $(SITE_URL) (Ctrl-C stops everything)"
	PATH="$(abspath $(BIN)):$$PATH" PORT=$(PORT) $(BIN)/honcho start

test: $(BIN)/activate
	mkdir -p var
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var/db.sqlite3* var/broker
