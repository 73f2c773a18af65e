"""``livertox-parse ingest``: every table filled, re-runs incremental, nothing lost when a run dies midway."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tarfile
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

import livertox_parse.pipeline
from livertox_parse import parse
from livertox_parse.cli import main
from livertox_parse.ingest import Discovery, source_id
from livertox_parse.ingest.pool import CHUNK, IN_FLIGHT
from livertox_parse.ingest.store import MAX_BATCH

from .conftest import FIXTURES, ROOT

TABLES = ["sources", "monographs", "sections", "likelihood_scores", "agents", "trade_names", "chemicals", "cases",
          "labs", "entities", "warnings", "errors", "ingest_runs"]
# The mixed corpus: (path inside the corpus, fixture it is a copy of)
FILES = [("text/anakinra.txt", "text/anakinra.txt"), ("text/metoprolol.txt", "text/metoprolol.txt"),
         ("pdf/anakinra.pdf", "pdf/anakinra.pdf"), ("nxml/Nabumetone.nxml", "nxml/Nabumetone.nxml"),
         ("nxml/deep/Metoprolol.nxml", "nxml/Metoprolol.nxml")]
ARCHIVED = ["ARBs", "Barbiturates"]
CORRUPT = "pdf/broken.pdf"
PARSED = len(FILES) + len(ARCHIVED)


def ingest(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["ingest", *map(str, argv)], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}


def query(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def assert_consistent(db: Path) -> None:
    """Every monograph's child rows are all there, exactly once; no row belongs to a missing monograph."""
    with duckdb.connect(str(db), read_only=True) as con:
        def one(sql: str) -> Any:
            return con.execute(sql).fetchall()[0][0]

        for table, stated in (("sections", "n_sections"), ("cases", "n_cases"), ("labs", "n_labs"),
                              ("entities", "n_entities"), ("warnings", "n_warnings")):
            assert one(f"SELECT count(*) FROM {table} WHERE monograph_id NOT IN "
                       "(SELECT monograph_id FROM monographs)") == 0, table
            assert one(f"SELECT count(*) FROM monographs m WHERE {stated} <> "
                       f"(SELECT count(*) FROM {table} t WHERE t.monograph_id = m.monograph_id)") == 0, table
        assert one("SELECT count(*) - count(DISTINCT monograph_id) FROM monographs") == 0
        assert one("SELECT count(*) - count(DISTINCT source_id) FROM sources") == 0
        assert one("SELECT count(*) FROM (SELECT monograph_id, ord FROM entities GROUP BY ALL HAVING count(*) > 1)") == 0
        ok = {r[0] for r in con.execute("SELECT source_id FROM sources WHERE status = 'ok'").fetchall()}
        assert ok == {r[0] for r in con.execute("SELECT monograph_id FROM monographs").fetchall()}
        failed = {r[0] for r in con.execute("SELECT source_id FROM sources WHERE status = 'failed'").fetchall()}
        assert failed == {r[0] for r in con.execute("SELECT source_id FROM errors").fetchall()}


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every run starts in tmp_path, so ids are paths below it (the default root is the current folder)."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def expected() -> dict[str, int]:
    """Row counts the mixed corpus must give, counted from the parser's own output."""
    paths = [FIXTURES / fixture for _, fixture in FILES] + [FIXTURES / "nxml" / f"{n}.nxml" for n in ARCHIVED]
    ms = [parse(p) for p in paths]
    return {
        "monographs": len(ms), "sources": len(ms) + 1, "errors": 1,
        "sections": sum(len(m.sections) for m in ms), "likelihood_scores": sum(len(m.likelihood_scores) for m in ms),
        "agents": sum(len(m.agents) for m in ms), "trade_names": sum(len(m.trade_names) for m in ms),
        "chemicals": sum(len(m.chemicals) for m in ms), "cases": sum(len(m.cases) for m in ms),
        "labs": sum(len(c.labs) for m in ms for c in m.cases), "entities": sum(len(m.entities) for m in ms),
        "warnings": sum(len(m.warnings) for m in ms),
    }


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Text, PDF and NXML files in nested folders, an archive with two chapters and an image, a corrupt PDF."""
    root = tmp_path / "corpus"
    for target, fixture in FILES:
        (root / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(FIXTURES / fixture, root / target)
    with tarfile.open(root / "bulk.tar.gz", "w:gz") as tar:
        for name in ARCHIVED:
            tar.add(FIXTURES / "nxml" / f"{name}.nxml", arcname=f"livertox/{name}.nxml")
        info = tarfile.TarInfo("livertox/figure.jpg")
        info.size = 4
        tar.addfile(info, io.BytesIO(b"\xff\xd8\xff\xe0"))
    (root / CORRUPT).write_bytes(b"%PDF-1.4 not really a PDF")
    (root / ".hidden.txt").write_text("ignored")
    return root


def test_mixed_folder_fills_every_table(corpus: Path, tmp_path: Path, expected: dict[str, int]) -> None:
    out = tmp_path / "out"
    code, stdout, stderr = ingest(corpus, "--out", out, "--workers", "2", "--parquet")
    assert code == 1  # the corrupt file
    assert f"{PARSED} parsed, 0 unchanged, 0 skipped (not monographs: front matter), 1 failed" in stdout
    assert f"{corpus / CORRUPT}: LTX010:" in stderr
    got = counts(out / "livertox.duckdb")
    assert {t: got[t] for t in expected} == expected
    assert got["ingest_runs"] == 1
    assert_consistent(out / "livertox.duckdb")
    db = out / "livertox.duckdb"
    bad = source_id("corpus/pdf/broken.pdf")
    assert query(db, "SELECT source_id, source_name, code FROM errors") == [(bad, str(corpus / CORRUPT), "LTX010")]
    assert [json.loads(x)["code"] for x in (out / "errors.jsonl").read_text().splitlines()] == ["LTX010"]
    # linked by keys: Anakinra's case has its ALT, its score is C, its CAS is checked
    text_id = source_id("corpus/text/anakinra.txt")
    assert query(db, "SELECT l.value FROM labs l JOIN cases c USING (monograph_id, case_ord) "
                     "WHERE monograph_id = ? AND l.test = 'ALT' ORDER BY l.ord LIMIT 1", [text_id]) == [(3346.0,)]
    assert query(db, "SELECT score FROM likelihood_scores WHERE monograph_id = ?", [text_id]) == [("C",)]
    assert query(db, "SELECT cas, cas_valid FROM chemicals WHERE monograph_id = ?", [text_id]) == [
        ("143090-92-0", True)]
    member = source_id("corpus/bulk/livertox/ARBs.nxml")
    assert query(db, "SELECT format FROM monographs WHERE monograph_id = ?", [member]) == [("nxml",)]
    lines = [json.loads(x) for x in (out / "monographs.jsonl").read_text().splitlines()]
    assert len(lines) == PARSED == len({x["source"]["path"] for x in lines})
    assert sorted(p.name for p in (out / "json").iterdir()) == sorted(
        f"{r[0]}.json" for r in query(db, "SELECT monograph_id FROM monographs"))
    assert query(db, "SELECT count(*) FROM read_parquet(?)", [str(out / "parquet" / "entities.parquet")]) == [
        (expected["entities"],)]


def test_second_run_skips_unchanged_and_duplicates_nothing(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    ingest(corpus, "--out", out, "--workers", "1")
    before = counts(out / "livertox.duckdb")
    mtimes = {p.name: p.stat().st_mtime_ns for p in (out / "json").iterdir()}
    code, stdout, _ = ingest(corpus, "--out", out, "--workers", "2")
    assert code == 1  # the corrupt file is tried again, and still fails
    assert f"0 parsed, {PARSED} unchanged, 0 skipped (not monographs: front matter), 1 failed, 0 removed" in stdout
    after = counts(out / "livertox.duckdb")
    assert after == {**before, "ingest_runs": 2}
    assert {p.name: p.stat().st_mtime_ns for p in (out / "json").iterdir()} == mtimes
    assert len((out / "monographs.jsonl").read_text().splitlines()) == PARSED
    assert len((out / "errors.jsonl").read_text().splitlines()) == 1
    assert query(out / "livertox.duckdb", "SELECT status, parsed, unchanged FROM ingest_runs ORDER BY run_id") == [
        ("done", PARSED, 0), ("done", 0, PARSED)]


def test_changed_file_replaces_its_rows_removed_file_is_kept_until_pruned(corpus: Path, tmp_path: Path) -> None:
    out, db = tmp_path / "out", tmp_path / "out" / "livertox.duckdb"
    ingest(corpus, "--out", out, "--workers", "1")
    before = counts(db)
    changed, gone = source_id("corpus/text/anakinra.txt"), source_id("corpus/nxml/Nabumetone.nxml")
    old = {t: query(db, f"SELECT count(*) FROM {t} WHERE monograph_id = ?", [changed])[0][0]
           for t in ("sections", "cases", "labs", "entities")}
    shutil.copyfile(FIXTURES / "text" / "venlafaxine.txt", corpus / "text" / "anakinra.txt")
    (corpus / "nxml" / "Nabumetone.nxml").unlink()
    code, stdout, _ = ingest(corpus, "--out", out, "--workers", "1")
    assert code == 1
    assert f"1 parsed, {PARSED - 2} unchanged, 0 skipped (not monographs: front matter), 1 failed, 0 removed" in stdout
    assert "1 sources of earlier runs not among these inputs, kept (--prune deletes them)" in stdout
    assert query(db, "SELECT count(*) FROM monographs WHERE monograph_id = ?", [gone]) == [(1,)]
    with_gone = counts(db)
    gone_rows = {t: query(db, f"SELECT count(*) FROM {t} WHERE {'source_id' if t in ('sources', 'errors') else 'monograph_id'}"
                              " = ?", [gone])[0][0] for t in TABLES if t != "ingest_runs"}
    code, stdout, _ = ingest(corpus, "--out", out, "--workers", "1", "--prune")
    assert f"0 parsed, {PARSED - 1} unchanged, 0 skipped (not monographs: front matter), 1 failed, 1 removed" in stdout
    venlafaxine = parse(FIXTURES / "text" / "venlafaxine.txt")
    new = {"sections": len(venlafaxine.sections), "cases": len(venlafaxine.cases),
           "labs": sum(len(c.labs) for c in venlafaxine.cases), "entities": len(venlafaxine.entities)}
    for table, n in new.items():
        assert query(db, f"SELECT count(*) FROM {table} WHERE monograph_id = ?", [changed]) == [(n,)]
    after = counts(db)
    for table, n in new.items():
        assert after[table] == before[table] - old[table] + n - gone_rows[table], table
    # nothing of the pruned source is left for a plain count of any table
    assert all(after[t] == with_gone[t] - gone_rows[t] for t in gone_rows), (after, with_gone, gone_rows)
    assert gone_rows["sections"] > 0 and gone_rows["likelihood_scores"] > 0
    assert query(db, "SELECT title FROM monographs WHERE monograph_id = ?", [changed]) == [(venlafaxine.title,)]
    assert query(db, "SELECT count(*) FROM sources WHERE source_id = ?", [gone]) == [(0,)]
    current = [json.loads(x) for x in (out / "monographs.jsonl").read_text().splitlines()]
    # the README's own query counts exactly the scores of the monographs still ingested
    assert sum(n for _, n in query(db, "SELECT score, count(*) FROM likelihood_scores GROUP BY score")) == sum(
        len(m["likelihood_scores"]) for m in current)
    assert not (out / "json" / f"{gone}.json").exists()
    titles = [json.loads(x)["title"] for x in (out / "monographs.jsonl").read_text().splitlines()]
    assert len(titles) == PARSED - 1 and "Nabumetone" not in titles
    assert_consistent(db)
    code, stdout, _ = ingest(corpus, "--out", out, "--workers", "1", "--force")
    assert code == 1
    assert f"{PARSED - 1} parsed, 0 unchanged, 0 skipped (not monographs: front matter), 1 failed, 0 removed" in stdout
    assert_consistent(db)


def test_worker_raising_or_dying_loses_only_that_file(corpus: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out, db = tmp_path / "out", tmp_path / "out" / "livertox.duckdb"
    real = livertox_parse.pipeline.parse_document
    main_pid = os.getpid()

    def flaky(doc: Any, **options: Any) -> Any:
        if doc.source.path.endswith("metoprolol.txt"):
            raise RuntimeError("boom")
        if doc.source.path.endswith("Barbiturates.nxml") and os.getpid() != main_pid:
            os._exit(3)  # the worker process dies
        return real(doc, **options)

    monkeypatch.setattr(livertox_parse.pipeline, "parse_document", flaky)  # workers are forked: they see it
    code, stdout, stderr = ingest(corpus, "--out", out, "--workers", "2")
    assert code == 1 and "RuntimeError: boom" in stderr
    assert f"{PARSED - 2} parsed, 0 unchanged, 0 skipped (not monographs: front matter), 3 failed" in stdout
    errors = dict(query(db, "SELECT source_id, message FROM errors WHERE code = 'LTX099'"))
    assert errors == {source_id("corpus/text/metoprolol.txt"): "RuntimeError: boom",
                      source_id("corpus/bulk/livertox/Barbiturates.nxml"):
                          "the worker process died while parsing this input"}
    assert_consistent(db)
    monkeypatch.setattr(livertox_parse.pipeline, "parse_document", real)
    code, stdout, _ = ingest(corpus, "--out", out, "--workers", "2")
    assert f"2 parsed, {PARSED - 2} unchanged, 0 skipped (not monographs: front matter), 1 failed" in stdout
    assert counts(db)["monographs"] == PARSED and counts(db)["errors"] == 1
    assert_consistent(db)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_run_killed_by_sigkill_leaves_a_consistent_db_and_the_next_run_finishes(tmp_path: Path) -> None:
    corpus, out = tmp_path / "many", tmp_path / "out"
    corpus.mkdir()
    texts = sorted((FIXTURES / "text").glob("*.txt"))
    first_commit = MAX_BATCH + CHUNK * (IN_FLIGHT * 2 + 1) + 2
    total = first_commit + 100
    for i in range(total):
        shutil.copyfile(texts[i % len(texts)], corpus / f"m{i:04d}.txt")
    proc = subprocess.Popen([sys.executable, "-m", "livertox_parse", "ingest", str(corpus), "--out", str(out),
                             "--workers", "2"], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        # workers write JSON files ahead of the commits, by at most the chunks in flight (and the one that
        # filled the batch): this many files are only there once the first batch was committed
        if (out / "json").is_dir() and len(list((out / "json").glob("*.json"))) >= first_commit:
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the main process and its workers, like the OOM killer would
    proc.wait()
    assert proc.returncode == -signal.SIGKILL  # killed, not finished
    db = out / "livertox.duckdb"
    assert_consistent(db)
    committed = counts(db)["monographs"]
    assert 1 <= committed < total
    assert query(db, "SELECT status FROM ingest_runs") == [("running",)]

    code, stdout, _ = ingest(corpus, "--out", out, "--workers", "2")
    assert code == 0
    assert f"{total - committed} parsed, {committed} unchanged, 0 skipped (not monographs: front matter), 0 failed" in stdout
    assert_consistent(db)
    by_fixture = {p.name: parse(p) for p in texts}
    want_entities = sum(len(by_fixture[texts[i % len(texts)].name].entities) for i in range(total))
    got = counts(db)
    assert (got["monographs"], got["entities"]) == (total, want_entities)
    assert query(db, "SELECT status FROM ingest_runs ORDER BY run_id") == [("interrupted",), ("done",)]
    assert len((out / "monographs.jsonl").read_text().splitlines()) == total
    assert len(list((out / "json").glob("*.json"))) == total


@pytest.mark.parametrize(("key", "expected_id"), [
    ("text/anakinra.txt", "text__anakinra.txt"),
    ("livertox_NBK547852/livertox/ARBs.nxml", "livertox_NBK547852__livertox__ARBs.nxml"),
])
def test_source_ids_are_readable_when_they_can_be(key: str, expected_id: str) -> None:
    assert source_id(key) == expected_id


def test_source_ids_stay_unique_when_the_key_needs_escaping() -> None:
    keys = ["a/b c.txt", "a/b-c.txt", "a/b__c.txt", "a__b/c.txt", "a/b/c.txt", "../x.txt", "a/ä.txt"]
    ids = [source_id(k) for k in keys]
    assert len(set(ids)) == len(keys)
    assert all(i.replace("~", "").replace("_", "").replace("-", "").replace(".", "").isalnum() for i in ids)


def test_missing_input_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    code, stdout, stderr = ingest(tmp_path / "nope.txt", "--out", tmp_path / "out", "--workers", "1")
    assert code == 1 and "LTX001" in stderr and "0 parsed" in stdout
    assert query(tmp_path / "out" / "livertox.duckdb", "SELECT code FROM errors") == [("LTX001",)]


def test_discovery_names_files_below_the_root(corpus: Path, tmp_path: Path) -> None:
    ids = [item.source_id for item in Discovery([str(corpus)], root=tmp_path)]
    assert source_id("corpus/nxml/deep/Metoprolol.nxml") in ids
    assert source_id("corpus/bulk/livertox/Barbiturates.nxml") in ids
    assert not any("hidden" in i or "figure" in i for i in ids)
    # the same file has the same id whichever folder above it is named, or the file itself
    for named in (corpus / "nxml", corpus / "nxml" / "deep", corpus / "nxml" / "deep" / "Metoprolol.nxml"):
        assert source_id("corpus/nxml/deep/Metoprolol.nxml") in [i.source_id for i in Discovery([str(named)],
                                                                                              root=tmp_path)]


def test_naming_a_subfolder_later_keeps_ids_and_removes_nothing(tmp_path: Path) -> None:
    """The issue's reproduction: `ingest fixtures` then `ingest fixtures/text` marked 11 sources removed."""
    fixtures = tmp_path / "fixtures"
    for kind in ("text", "nxml"):
        (fixtures / kind).mkdir(parents=True)
    for name in ("text/anakinra.txt", "text/metoprolol.txt", "nxml/Metoprolol.nxml"):
        shutil.copyfile(FIXTURES / name, fixtures / name)
    out = tmp_path / "out"
    assert ingest("fixtures", "--out", out, "--workers", "1")[0] == 0
    code, stdout, _ = ingest("fixtures/text", "--out", out, "--workers", "1")
    assert code == 0 and "0 parsed, 2 unchanged, 0 skipped (not monographs: front matter), 0 failed, 0 removed" in stdout
    assert "1 sources of earlier runs not among these inputs, kept" in stdout
    assert sorted(os.listdir(out / "json")) == ["fixtures__nxml__Metoprolol.nxml.json",
                                                "fixtures__text__anakinra.txt.json",
                                                "fixtures__text__metoprolol.txt.json"]
    assert counts(out / "livertox.duckdb")["monographs"] == 3


def test_the_root_is_kept_in_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lib" / "text").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "text" / "anakinra.txt", tmp_path / "lib" / "text" / "anakinra.txt")
    out = tmp_path / "out"
    assert ingest("lib", "--out", out, "--workers", "1", "--root", "lib")[0] == 0
    monkeypatch.chdir(tmp_path / "lib" / "text")  # another folder: the stored root still applies
    code, stdout, _ = ingest(".", "--out", out, "--workers", "1")
    assert code == 0 and "0 parsed, 1 unchanged" in stdout
    assert query(out / "livertox.duckdb", "SELECT source_id FROM sources") == [("text__anakinra.txt",)]
    code, stdout, stderr = ingest(".", "--out", out, "--workers", "1", "--root", tmp_path)
    assert code == 2 and stdout == ""
    assert stderr.startswith("livertox-parse ingest: error: ") and "would change every id" in stderr


def test_a_write_failing_midway_rolls_back_its_batch(corpus: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from livertox_parse.ingest import store

    out, db = tmp_path / "out", tmp_path / "out" / "livertox.duckdb"
    real = store.Store._insert

    def dies_on_labs(self: store.Store, table: str, rows: str, run_id: int) -> None:
        if table == "labs":  # after monographs, sections and cases of the batch were inserted
            raise KeyboardInterrupt
        real(self, table, rows, run_id)

    monkeypatch.setattr(store.Store, "_insert", dies_on_labs)
    monkeypatch.setattr(store, "MAX_DELAY", 600.0)  # the whole corpus is one batch
    with pytest.raises(KeyboardInterrupt):
        ingest(corpus, "--out", out, "--workers", "1")
    assert_consistent(db)
    assert counts(db)["monographs"] == 0 and counts(db)["sections"] == 0
    monkeypatch.setattr(store.Store, "_insert", real)
    code, stdout, _ = ingest(corpus, "--out", out, "--workers", "1")
    assert code == 1  # the corrupt PDF
    assert f"{PARSED} parsed, 0 unchanged, 0 skipped (not monographs: front matter), 1 failed" in stdout
    assert_consistent(db)
    assert query(db, "SELECT status FROM ingest_runs ORDER BY run_id") == [("interrupted",), ("done",)]


def test_two_inputs_with_the_same_id_fail_the_second(tmp_path: Path) -> None:
    (tmp_path / "a" / "text").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "text" / "metoprolol.txt", tmp_path / "a" / "text" / "metoprolol.txt")
    code, stdout, stderr = ingest(tmp_path / "a" / "text", tmp_path / "a" / "text" / "metoprolol.txt", "--out",
                                  tmp_path / "out", "--workers", "1")
    assert code == 1 and "1 parsed" in stdout and "1 failed" in stdout
    assert f"{tmp_path / 'a' / 'text' / 'metoprolol.txt'}: not ingested: same id" in stderr
    assert counts(tmp_path / "out" / "livertox.duckdb")["monographs"] == 1


def test_a_second_run_on_a_locked_database_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(out / "livertox.duckdb")], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        code, stdout, stderr = ingest(FIXTURES / "text" / "anakinra.txt", "--out", out, "--workers", "2")
    finally:
        holder.kill()
        holder.wait()
    assert code == 1 and stdout == ""
    assert "livertox.duckdb: cannot open the database" in stderr


@pytest.mark.skipif(sys.platform != "linux", reason="workers start before the database opens on Linux (fork)")
def test_a_first_run_that_cannot_have_its_database_writes_no_json(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A first run into a folder lets its workers parse while the database is opened; when another process
    takes the database meanwhile, the run fails as above and their JSON files are never written."""
    import livertox_parse.ingest.store as store_module

    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    for i, text in enumerate(sorted((FIXTURES / "text").glob("*.txt")) * 4):
        shutil.copyfile(text, src / f"t{i:02d}.txt")
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)"
    holders: list[subprocess.Popen[str]] = []
    real_init = store_module.Store.__init__

    def taken_meanwhile(self: store_module.Store, path: Path) -> None:
        holder = subprocess.Popen([sys.executable, "-c", hold, str(path)], stdout=subprocess.PIPE, text=True)
        holders.append(holder)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # the workers have parsed their first sources by now
        real_init(self, path)

    monkeypatch.setattr(store_module.Store, "__init__", taken_meanwhile)
    try:
        code, stdout, stderr = ingest(src, "--out", out, "--workers", "2")
    finally:
        for holder in holders:
            holder.kill()
            holder.wait()
    assert len(holders) == 1
    assert code == 1 and stdout == ""
    assert "livertox.duckdb: cannot open the database" in stderr
    assert not list(out.rglob("*.json"))


def test_chapter_key_elements_and_lab_days_are_typed_columns(tmp_path: Path) -> None:
    copies = [FIXTURES / "text" / "metoprolol.txt", FIXTURES / "pdf" / "metoprolol.pdf",
              FIXTURES / "nxml" / "Metoprolol.nxml", FIXTURES / "nxml" / "ARBs.nxml"]
    out, db = tmp_path / "out", tmp_path / "out" / "livertox.duckdb"
    assert ingest(*copies, "--out", out, "--workers", "1")[0] == 0
    assert query(db, "SELECT chapter_key, list(format ORDER BY format) FROM monographs GROUP BY 1 ORDER BY 1") == [
        ("angiotensin-ii-receptor-antagonists", ["nxml"]), ("metoprolol", ["nxml", "pdf", "text"])]
    assert query(db, "SELECT DISTINCT typeof(elements) FROM chemicals") == [("MAP(VARCHAR, INTEGER)",)]
    # Metoprolol C15-H25-N-O3, in every format
    assert query(db, "SELECT DISTINCT elements['C'], elements['N'], cardinality(elements) FROM chemicals c "
                     "JOIN monographs m USING (monograph_id) WHERE m.chapter_key = 'metoprolol'") == [(15, 1, 4)]
    # the NXML lab table's time columns, in days (the text kept beside them); checked by hand against the table
    rows = query(db, "SELECT timepoint, days_after_start, days_after_stop FROM labs JOIN monographs m "
                     "USING (monograph_id) WHERE m.format = 'nxml' AND test = 'ALT' ORDER BY case_ord, ord")
    assert rows == [("Time After Starting: Pre", None, None),
                    ("Time After Starting: 3 weeks; Weeks After Stopping: 0", 21.0, 0.0),
                    ("Weeks After Stopping: 2 days", None, 2.0),
                    ("Time After Starting: 4 weeks; Weeks After Stopping: 5 days", 28.0, 5.0),
                    ("Time After Starting: 6 weeks; Weeks After Stopping: 3 weeks", 42.0, 21.0),
                    ("Time After Starting: 5 days; Weeks After Stopping: 0", 5.0, 0.0),
                    ("Time After Starting: 7 weeks; Weeks After Stopping: 6 weeks", 49.0, 42.0)]


def test_a_database_of_another_layout_is_rebuilt(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with duckdb.connect(str(out / "livertox.duckdb")) as con:  # as 0.1 before this change made it
        con.execute("CREATE TABLE sources (source_id VARCHAR, removed_at TIMESTAMP)")
        con.execute("CREATE TABLE chemicals (monograph_id VARCHAR, elements VARCHAR)")
        con.execute("INSERT INTO sources VALUES ('old', now())")
    code, _, stderr = ingest(FIXTURES / "nxml" / "Metoprolol.nxml", "--out", out, "--workers", "1")
    assert code == 0 and "made by another version of livertox-parse: tables made again" in stderr
    assert query(out / "livertox.duckdb", "SELECT count(*), min(status) FROM sources") == [(1, "ok")]
    code, _, stderr = ingest(FIXTURES / "nxml" / "Metoprolol.nxml", "--out", out, "--workers", "1")
    assert code == 0 and stderr == ""


def test_a_json_file_that_cannot_be_written_fails_that_source_alone(corpus: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers write the JSON files: one that cannot be (a full disk, here made so) fails its source with
    LTX040, keeping its format and sha256; the rest of its chunk and batch is committed."""
    import errno

    import livertox_parse.emit

    real = livertox_parse.emit.write_atomic
    out, db = tmp_path / "out", tmp_path / "out" / "livertox.duckdb"
    blocked = source_id("corpus/text/metoprolol.txt")

    def disk_full(path: Path, data: bytes) -> None:
        if path.name == f"{blocked}.json":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(livertox_parse.emit, "write_atomic", disk_full)  # the workers are forked: they see it
    code, stdout, stderr = ingest(corpus, "--out", out, "--workers", "2")
    assert code == 1
    assert f"{PARSED - 1} parsed, 0 unchanged, 0 skipped (not monographs: front matter), 2 failed" in stdout
    [line] = [x for x in stderr.splitlines() if "LTX040" in x]
    assert line == f"{corpus / 'text' / 'metoprolol.txt'}: LTX040: cannot write its JSON file: No space left on device"
    assert query(db, "SELECT status, format, sha256 IS NOT NULL FROM sources WHERE source_id = ?", [blocked]) == [
        ("failed", "text", True)]
    assert dict(query(db, "SELECT source_id, code FROM errors")) == {
        blocked: "LTX040", source_id("corpus/pdf/broken.pdf"): "LTX010"}
    assert not (out / "json" / f"{blocked}.json").exists()
    assert_consistent(db)


def test_a_row_arrow_cannot_type_fails_that_source_alone(corpus: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A value beyond even int64 is refused by the worker before it reaches DuckDB: LTX041, its fresh JSON
    file removed, the sources beside it in the same chunk stored."""
    from livertox_parse.ingest import work

    real = work.parse_source

    def too_big(source_id: str, name: str, data: bytes, *args: Any) -> Any:
        parsed = real(source_id, name, data, *args)
        if name.endswith("anakinra.txt"):
            parsed.rows["cases"][0]["number"] = 2**70
        return parsed

    monkeypatch.setattr(work, "parse_source", too_big)
    out, db = tmp_path / "out", tmp_path / "out" / "livertox.duckdb"
    code, stdout, stderr = ingest(corpus, "--out", out, "--workers", "1")
    assert code == 1
    assert f"{PARSED - 1} parsed, 0 unchanged, 0 skipped (not monographs: front matter), 2 failed" in stdout
    bad = source_id("corpus/text/anakinra.txt")
    assert f"{corpus / 'text' / 'anakinra.txt'}: LTX041: the database refused a row: " in stderr
    assert query(db, "SELECT code, message LIKE 'the database refused a row: %' FROM errors WHERE source_id = ?",
                 [bad]) == [("LTX041", True)]
    assert not (out / "json" / f"{bad}.json").exists()
    assert counts(db)["monographs"] == PARSED - 1
    assert_consistent(db)


def test_discovery_keys_equal_source_key_with_links_and_dots(tmp_path: Path) -> None:
    """Discovery resolves each folder once instead of every file: the keys must stay exactly those of
    rows.source_key (a linked file is resolved to its target, a linked folder to its target folder)."""
    from livertox_parse.rows import source_key

    lib = tmp_path / "lib"
    (lib / "a" / "b").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    shutil.copyfile(FIXTURES / "text" / "anakinra.txt", lib / "a" / "b" / "anakinra.txt")
    shutil.copyfile(FIXTURES / "text" / "metoprolol.txt", tmp_path / "elsewhere" / "metoprolol.txt")
    (lib / "a" / "linked.txt").symlink_to(tmp_path / "elsewhere" / "metoprolol.txt")
    (lib / "folder-link").symlink_to(lib / "a" / "b", target_is_directory=True)
    named = [str(lib), str(lib / "a" / ".." / "a" / "b" / "anakinra.txt"), str(lib / "folder-link" / "anakinra.txt"),
             "lib/a/linked.txt"]
    found = [(item.name, item.source_id) for item in Discovery(named, root=lib)]
    assert found and all(sid == source_id(source_key(name, lib)) for name, sid in found)
    outside = str((tmp_path / "elsewhere" / "metoprolol.txt").resolve()).lstrip("/")  # not below the root
    assert {sid for _, sid in found} == {source_id("a/b/anakinra.txt"), source_id(outside)}
