PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test ingest schemas bench lint clean corpus

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,notebook]'
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest

ingest: $(STAMP)
	$(BIN)/livertox-parse ingest fixtures/text fixtures/pdf fixtures/nxml --out out

corpus: $(STAMP)
	$(BIN)/python -m tools.corpus_report

schemas: $(STAMP)
	$(BIN)/python -m livertox_parse.schema_gen schemas

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_parse.py
	test ! -f benchmarks/bench_pdf.py || $(BIN)/python benchmarks/bench_pdf.py
	test ! -f benchmarks/bench_nxml.py || $(BIN)/python benchmarks/bench_nxml.py
	test ! -f benchmarks/bench_ingest.py || $(BIN)/python benchmarks/bench_ingest.py
	$(BIN)/python benchmarks/bench_corpus.py

lint: $(STAMP)
	$(BIN)/ruff check livertox_parse tests benchmarks tools
	$(BIN)/mypy livertox_parse

clean:
	rm -rf $(VENV) out .pytest_cache
