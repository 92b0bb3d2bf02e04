# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean chromium

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/thematica demo --out demo-study

test: $(STAMP) chromium
	$(PY) -m pytest

# The browser tests drive Debian's headless Chromium; install it when missing and we may (else they skip).
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
		echo "warning: /usr/bin/chromium is missing and apt-get is not available: the browser tests will skip"; \
	elif [ "$$(id -u)" = 0 ]; then \
		(apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium) \
		|| echo "warning: installing chromium failed: the browser tests will skip"; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		(sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium) \
		|| echo "warning: installing chromium failed: the browser tests will skip"; \
	else \
		echo "warning: /usr/bin/chromium is missing (run as root or with sudo to install it): the browser tests will skip"; \
	fi

bench: $(STAMP)
	$(PY) benchmarks/run.py --n 200 --m 50

clean:
	rm -rf $(VENV) demo-study build src/*.egg-info .pytest_cache
