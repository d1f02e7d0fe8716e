# The commands of the quick start. Each sets everything up first and is safe to repeat.
#   make new    -> writes a new book into my-book/ (or BOOK=folder)
#   make serve  -> shows it at http://127.0.0.1:8000/, updated as you save (BOOK=..., PORT=...)
#   make book   -> builds the default book into dist/
#   make test   -> lints (ruff), type-checks (mypy --strict, the package and its tests) and runs the whole test suite
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

BOOK ?= my-book
PORT ?= 8000

.PHONY: book test bench setup new serve
book: $(STAMP)
	$(VENV)/bin/treatypress build .

new: $(STAMP)
	$(VENV)/bin/treatypress new "$(BOOK)"

serve: $(STAMP)
	$(VENV)/bin/treatypress serve "$(BOOK)" --port "$(PORT)"

test: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks docs
	$(VENV)/bin/ruff format --check src tests benchmarks docs
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -n auto  # pytest-xdist: one worker per core

bench: $(STAMP)
	$(PY) benchmarks/build.py
	$(PY) benchmarks/compare.py

setup: $(STAMP)

$(STAMP): pyproject.toml constraints.txt scripts/setup.sh
	bash scripts/setup.sh "$(VENV)"
	touch $(STAMP)
