# The two commands: `make run` (set up and start everything) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# The app's own address: the sandbox URLs and the webhook receiver follow the port.
SITE_URL ?= http://127.0.0.1:$(PORT)
export SITE_URL

.PHONY: run test setup lint check clean

$(BIN)/activate: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need Python 3.11 ($(PYTHON))"; exit 1; }
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
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var/db.sqlite3* var/broker
