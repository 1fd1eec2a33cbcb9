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

.PHONY: demo test lint system bench clean template world bytecode install

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

system:
	@sh .ci/system-packages.sh $(DEBIAN_PACKAGES)

# Compiled bytecode, as a wheel install has it: with PYTHONDONTWRITEBYTECODE set (as on CI) an editable
# checkout would otherwise recompile every module on every command. Only stale files are rewritten.
bytecode: $(STAMP)
	@$(PY) -m compileall -q drafting

demo: $(STAMP) system bytecode
	sh examples/almaty-2012/demo.sh $(DRAFTING) $(OUT)

test: $(STAMP) system bytecode lint
	$(PY) -m pytest -q -n auto

lint: $(STAMP)
	$(PY) -m ruff check drafting tests bench
	$(PY) -m mypy
	$(PY) -m mypy tests
	$(VENV)/bin/lint-imports

bench: $(STAMP) system bytecode
	@sh .ci/system-packages.sh pandoc
	$(PY) bench/assemble.py
	$(PY) bench/redline.py
	$(PY) bench/compile.py
	$(PY) bench/scale.py
	$(PY) bench/startup.py

# A user-level `drafting` command: a link in ~/.local/bin to the environment's (no need to activate it).
install: $(STAMP)
	mkdir -p $(HOME)/.local/bin
	ln -sf $(CURDIR)/$(DRAFTING) $(HOME)/.local/bin/drafting
	@echo "drafting is ~/.local/bin/drafting (put ~/.local/bin on your PATH if it is not)"

world: $(STAMP)
	$(PY) -m drafting.library.world

template: $(STAMP)
	$(PY) -m drafting.ooxml.wml.template templates/conference.docx
	$(PY) -c "from pathlib import Path; from drafting.app.documents import compile_template; \
	print('wrote', compile_template(Path('templates/conference.docx')))"

clean:
	rm -rf outputs/almaty-2012 .pytest_cache .ruff_cache .mypy_cache
