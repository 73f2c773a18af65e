"""Notebook API: to_frames (the DuckDB tables as DataFrames), the row helpers, and the text behind any span."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import duckdb
import pytest

import livertox_parse
from livertox_parse import Monograph, document_text, parse, parse_many, span_text, to_frames
from livertox_parse.cli import main
from livertox_parse.rows import TABLES

from .conftest import FIXTURES, ROOT

pd = pytest.importorskip("pandas", reason="to_frames needs pandas (make install brings it)")

COPIES = [FIXTURES / "text" / "metoprolol.txt", FIXTURES / "pdf" / "metoprolol.pdf", FIXTURES / "nxml" / "Metoprolol.nxml"]


@pytest.fixture(scope="module")
def frames() -> dict[str, object]:
    return to_frames(parse_many([*COPIES, FIXTURES / "text" / "missing.txt"]), root=ROOT)


def test_frames_have_the_tables_and_columns_of_the_store(frames: dict[str, object], tmp_path: Path) -> None:
    assert list(frames) == list(TABLES)
    code = main(["ingest", *map(str, COPIES), "--out", str(tmp_path / "out"), "--workers", "1"],
                stdout=io.StringIO(), stderr=io.StringIO())
    assert code == 0
    with duckdb.connect(str(tmp_path / "out" / "livertox.duckdb"), read_only=True) as con:
        for table, frame in frames.items():
            db_columns = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
            # the store adds its bookkeeping columns (run_id, ingested_at, ...) after the row's own
            assert db_columns[: len(frame.columns)] == list(frame.columns), table  # type: ignore[attr-defined]


def test_rows_of_the_three_formats_stay_apart(frames: dict[str, object]) -> None:
    cases = frames["cases"]
    monographs = frames["monographs"]
    ids = ["fixtures__text__metoprolol.txt", "fixtures__pdf__metoprolol.pdf", "fixtures__nxml__Metoprolol.nxml"]
    assert list(monographs["monograph_id"]) == ids  # type: ignore[index]
    assert list(monographs["format"]) == ["text", "pdf", "nxml"]  # type: ignore[index]
    assert sorted(cases["monograph_id"]) == sorted(ids)  # type: ignore[index]
    assert set(cases["number"]) == {1} and set(cases["dose"]) == {"200 mg daily"}  # type: ignore[index]
    labs = frames["labs"].merge(monographs[["monograph_id", "format"]])  # type: ignore[attr-defined]
    assert set(labs["format"]) >= {"pdf", "nxml"} and len(labs) == monographs["n_labs"].sum()  # type: ignore[index]
    assert set(labs.columns) >= {"monograph_id", "case_ord", "case_number", "test", "value", "timepoint"}


def test_failed_inputs_become_errors_rows(frames: dict[str, object]) -> None:
    errors = frames["errors"]
    sources = frames["sources"]
    assert list(errors["code"]) == ["LTX001"]  # type: ignore[index]
    assert list(errors["source_id"]) == ["fixtures__text__missing.txt"]  # type: ignore[index]
    assert list(sources["status"]) == ["ok", "ok", "ok", "failed"]  # type: ignore[index]


def test_empty_tables_keep_their_columns() -> None:
    frames = to_frames([parse(FIXTURES / "nxml" / "ARBs.nxml")])
    assert len(frames["errors"]) == 0 and list(frames["errors"].columns) == [c for c, _ in TABLES["errors"]]


def test_row_helpers_use_the_store_columns() -> None:
    m = parse(FIXTURES / "text" / "anakinra.txt")
    (case,) = m.case_rows()
    assert list(case) == [c for c, _ in TABLES["cases"]]
    assert case["number"] == 1 and case["title"] == "Acute liver injury due to anakinra.(1)"
    assert case["latency_text"] == "3 weeks" and case["other_medications"] == ["Prednisone", "folate"]
    assert case["medication"] == "Anakinra" and case["medication_drugs"] == ["Anakinra"]
    assert case["monograph_id"] == m.monograph_id() == m.rows()["monographs"][0]["monograph_id"]
    assert all(list(row) == [c for c, _ in TABLES["labs"]] for row in m.lab_rows())
    assert [r["score"] for r in m.score_rows()] == ["C"]


def test_monograph_id_does_not_depend_on_how_the_path_was_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    relative = parse("fixtures/text/anakinra.txt")
    absolute = parse(FIXTURES / "text" / "anakinra.txt")
    assert relative.monograph_id() == absolute.monograph_id() == "fixtures__text__anakinra.txt"
    assert absolute.monograph_id(FIXTURES) == "text__anakinra.txt"


def test_to_frames_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"livertox-parse\[notebook\]"):
        to_frames([])


# --- the text behind a span -------------------------------------------------------------------------------


def spans_of(m: Monograph) -> list[tuple[str, int, int]]:
    out = [(s.text, s.start, s.end) for s in m.likelihood_scores]
    out += [(e.text, e.start, e.end) for e in m.entities]
    out += [(c.patient.text, c.patient.start, c.patient.end) for c in m.cases if c.patient.start is not None]
    return [(t, s, e) for t, s, e in out if t is not None and s is not None and e is not None]


@pytest.mark.parametrize("path", [FIXTURES / "text" / "anakinra.txt", FIXTURES / "pdf" / "nabumetone.pdf",
                                  FIXTURES / "nxml" / "Venlafaxine.nxml"], ids=lambda p: p.name)
def test_span_text_rebuilds_the_text_from_the_source_file(path: Path) -> None:
    m = parse(path)
    assert m.text is None  # not kept unless asked for
    spans = spans_of(m)
    assert len(spans) > 5
    for text, start, end in spans:
        assert text in span_text(m, start, end)  # a score's text is the part after its letter
    score = m.likelihood_scores[0]
    assert score.text in span_text(m, score)
    assert document_text(m) == document_text(path) == parse(path, with_text=True).text


def test_span_text_reads_archive_members(tmp_path: Path) -> None:
    archive = tmp_path / "bulk.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(FIXTURES / "nxml" / "Barbiturates.nxml", arcname="livertox/Barbiturates.nxml")
    ((name, m),) = list(parse_many([archive]))
    assert isinstance(m, Monograph) and name == f"{archive}!livertox/Barbiturates.nxml"
    section = m.sections[0]
    assert span_text(m, section.start, section.start + 8) == document_text(FIXTURES / "nxml" / "Barbiturates.nxml")[
        section.start:section.start + 8]


def test_span_text_refuses_a_changed_file(tmp_path: Path) -> None:
    path = tmp_path / "anakinra.txt"
    path.write_bytes((FIXTURES / "text" / "anakinra.txt").read_bytes())
    m = parse(path)
    path.write_bytes(path.read_bytes().replace(b"Anakinra", b"Anakinrb"))
    with pytest.raises(ValueError, match="has changed since"):
        span_text(m, 0, 5)


def test_span_text_of_parse_text_needs_with_text() -> None:
    text = (FIXTURES / "text" / "anakinra.txt").read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="with_text=True"):
        span_text(livertox_parse.parse_text(text), 0, 5)
    m = livertox_parse.parse_text(text, with_text=True)
    assert span_text(m, m.likelihood_scores[0]).startswith("Likelihood score: C")


def test_parse_with_text_puts_the_text_in_the_json(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["parse", "--with-text", str(FIXTURES / "pdf" / "anakinra.pdf")], stdout=out, stderr=err) == 0
    data = json.loads(out.getvalue())
    score = data["likelihood_scores"][0]
    assert score["text"] in data["text"][score["start"]:score["end"]]
    assert Monograph.model_validate(data).text == data["text"]
    plain = io.StringIO()
    main(["parse", str(FIXTURES / "pdf" / "anakinra.pdf")], stdout=plain, stderr=err)
    assert "text" not in json.loads(plain.getvalue())
    schema = json.loads((ROOT / "schemas" / "monograph.schema.json").read_text(encoding="utf-8"))
    assert "text" in schema["properties"] and "text" not in schema["required"]
    assert "--with-text" in schema["properties"]["text"]["description"]
