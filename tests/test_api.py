"""Library interface: cheap import, spaCy loaded once on first use, rows for notebooks."""

from __future__ import annotations

import subprocess
import sys

import livertox_parse
from livertox_parse import parse

from .conftest import FIXTURES


def test_import_does_not_load_spacy_or_pdfplumber() -> None:
    code = "import sys, livertox_parse; print('spacy' in sys.modules, 'pdfplumber' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False False"


def test_public_api() -> None:
    assert set(livertox_parse.__all__) >= {"parse", "parse_text", "Monograph", "LiverToxError"}


def test_pipeline_built_once() -> None:
    from livertox_parse.stages.entities import get_nlp

    assert get_nlp() is get_nlp()
    assert get_nlp().pipe_names == ["entity_ruler", "livertox_chapter_terms", "livertox_regex_entities"]


def test_rows_are_flat_dicts() -> None:
    m = parse(FIXTURES / "text" / "anakinra.txt")
    (case,) = m.case_rows()
    assert case["r_ratio"] == 32 and case["computed_r_ratio"] == 32.1 and case["sex"] == "female"
    labs = m.lab_rows()
    assert {row["test"] for row in labs} >= {"ALT", "ALP", "bilirubin"}
    for row in labs + m.score_rows() + m.case_rows():  # lists only where DuckDB has a VARCHAR[] column
        assert all(not isinstance(v, dict) for v in row.values())
        assert all(isinstance(x, str) for v in row.values() if isinstance(v, list) for x in v)
    assert m.to_json().startswith(b'{"schema_version":"1.1"')


def test_parse_many_yields_errors_and_goes_on(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import tarfile

    from livertox_parse import LiverToxError, Monograph, parse_many

    archive = tmp_path / "a.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(FIXTURES / "nxml" / "Nabumetone.nxml", arcname="Nabumetone.nxml")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff")
    results = list(parse_many([bad, FIXTURES / "text" / "anakinra.txt", archive]))
    assert [name for name, _ in results] == [str(bad), str(FIXTURES / "text" / "anakinra.txt"),
                                             f"{archive}!Nabumetone.nxml"]
    assert isinstance(results[0][1], LiverToxError) and results[0][1].code == "LTX002"
    assert [r.title for _, r in results[1:] if isinstance(r, Monograph)] == ["Anakinra", "Nabumetone"]
