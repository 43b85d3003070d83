# legacyscan — set-up, demo, tests.  Run as root on Debian for the apt step, or
# install nmap, snmp, snmpd and chromium yourself first (the apt step is skipped when they are there).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APT_PACKAGES := nmap snmp snmpd xsltproc chromium poppler-utils python3-venv postgresql tcpdump redis-server
OUT    ?= demo-output

.PHONY: all deps system-deps demo test test-fast lint clean

all: test

# System packages: only installed when a command is missing, so a second run is instant.
# postgresql: the inventory tests start a throw-away server from its binaries; tcpdump: the
# two-pass lab test watches the loopback interface with it; redis-server: the jobs tests
# start a throw-away broker (the default broker of legacyscan dispatch / worker).
system-deps:
	@if ! command -v nmap >/dev/null || ! command -v snmpget >/dev/null || ! command -v xsltproc >/dev/null || ! test -x /usr/sbin/snmpd \
		|| ! command -v tcpdump >/dev/null || ! command -v redis-server >/dev/null \
		|| ! test -x /usr/bin/chromium || ! command -v pdftotext >/dev/null \
		|| ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
		|| ! $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo ">> installing $(APT_PACKAGES) with apt-get"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
		else \
			echo "missing system packages; run: sudo apt-get install $(APT_PACKAGES)" >&2; exit 1; \
		fi; \
	fi

# The virtualenv is rebuilt only when setup.cfg or pyproject.toml change.
$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

deps: system-deps $(STAMP)

demo: deps
	$(BIN)/legacyscan demo --out $(OUT)

# Two workers: files that start the lab all run on one of them (tests/conftest.py).
PYTEST_PARALLEL := -n 2

test: deps
	$(BIN)/pytest -q $(PYTEST_PARALLEL) --durations=25

# The inner loop: no lab, no browser, no wheel build (about a minute).
test-fast: deps
	$(BIN)/pytest -q $(PYTEST_PARALLEL) -m "not lab and not browser and not slow"

lint: deps
	$(BIN)/ruff check legacyscan tests
	$(BIN)/ruff format --check legacyscan tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) $(OUT) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
