# The two commands of the quick start. Both set everything up first and are safe to repeat.
#   make book   -> builds the default book into dist/
#   make test   -> runs the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: book test bench setup
book: $(STAMP)
	$(VENV)/bin/treatypress build .

test: $(STAMP)
	$(VENV)/bin/pytest

bench: $(STAMP)
	$(PY) benchmarks/build.py
	$(PY) benchmarks/compare.py

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt scripts/setup.sh
	bash scripts/setup.sh "$(VENV)"
	touch $(STAMP)
