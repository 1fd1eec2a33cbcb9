# drafting — the two commands of the README:
#   make demo   set up everything (venv, LibreOffice) and build the Almaty sample into outputs/
#   make test   set up everything and run the whole test suite
# Both are idempotent: a second run only checks that everything is in place.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DRAFTING := $(VENV)/bin/drafting
DEBIAN_PACKAGES := libreoffice-writer python3-uno fonts-dejavu-core fonts-liberation2 poppler-utils chromium
OUT := outputs/almaty-2012

.PHONY: demo test lint system bench clean template

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system:
	@sh .ci/system-packages.sh $(DEBIAN_PACKAGES)

demo: $(STAMP) system
	sh examples/almaty-2012/demo.sh $(DRAFTING) $(OUT)

test: $(STAMP) system
	$(PY) -m ruff check drafting tests bench
	$(PY) -m mypy
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check drafting tests bench
	$(PY) -m mypy

bench: $(STAMP) system
	@sh .ci/system-packages.sh pandoc
	$(PY) bench/assemble.py
	$(PY) bench/redline.py
	$(PY) bench/compile.py

template: $(STAMP)
	$(PY) -m drafting.ooxml.template templates/conference.docx

clean:
	rm -rf outputs/almaty-2012 .pytest_cache .ruff_cache .mypy_cache
