"""Issue 9, ingest faults: a row the database refuses fails that source alone; the run is never left
`running`; killing the main process ends its workers. Real DuckDB, real worker processes."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest

import livertox_parse.ingest as ingest_module
import livertox_parse.ingest.work as ingest_work
from livertox_parse.cli import main

from .conftest import FIXTURES, ROOT


def ingest(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["ingest", *map(str, argv)], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.sql(sql).fetchall()


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in ("anakinra.txt", "metoprolol.txt", "nabumetone.txt"):
        shutil.copyfile(FIXTURES / "text" / name, folder / name)
    return folder


def test_a_row_the_database_refuses_fails_that_source_alone(corpus: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """`Case 3000000000.` parsed, then ingest died on its INT32 column with nothing committed, the run left
    `running`, and every re-run died the same way. The parser no longer makes that row; the row is made
    here as it was, and DuckDB (really) refuses it."""
    real = ingest_work.parse_source

    def old_parser(source_id: str, name: str, data: bytes, *args: Any) -> Any:
        parsed = real(source_id, name, data, *args)
        if name.endswith("metoprolol.txt"):
            parsed.rows["cases"][0]["number"] = 3_000_000_000
        return parsed

    monkeypatch.setattr(ingest_work, "parse_source", old_parser)
    out, db = tmp_path / "out", tmp_path / "out" / "livertox.duckdb"
    status, stdout, stderr = ingest(corpus, "--out", out, "--workers", "1")
    assert status == 1
    assert "2 parsed, 0 unchanged, 0 skipped (not monographs: front matter), 1 failed" in stdout
    [line] = [x for x in stderr.splitlines() if "LTX041" in x]
    assert line.startswith(str(corpus / "metoprolol.txt")) and "3000000000" in line
    assert sorted(r[0] for r in query(db, "SELECT title FROM monographs")) == ["Anakinra", "Nabumetone"]
    assert query(db, "SELECT code FROM errors") == [("LTX041",)]
    assert query(db, "SELECT status FROM ingest_runs") == [("done",)]
    assert not any("metoprolol" in p.name for p in (out / "json").iterdir())
    monkeypatch.setattr(ingest_work, "parse_source", real)
    status, stdout, _ = ingest(corpus, "--out", out, "--workers", "1")  # the next run is not stuck
    assert status == 0 and "1 parsed, 2 unchanged, 0 skipped (not monographs: front matter), 0 failed" in stdout
    assert query(db, "SELECT count(*) FROM errors") == [(0,)]


def test_a_run_that_stops_on_an_exception_is_not_left_running(corpus: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any, *exports: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module.Ingest, "_export", broken)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        ingest(corpus, "--out", out, "--workers", "1")
    assert query(out / "livertox.duckdb", "SELECT status, finished_at IS NOT NULL FROM ingest_runs") == [
        ("failed", True)]


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(x) for x in (task / "children").read_text().split()}
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads the process tree from Linux /proc")
def test_killing_the_main_process_ends_its_workers(corpus: Path, tmp_path: Path) -> None:
    """After SIGKILL of the ingest main process its two workers stayed alive (~160 MB each)."""
    for i in range(40):
        shutil.copyfile(FIXTURES / "text" / "anakinra.txt", corpus / f"copy{i:02d}.txt")
    proc = subprocess.Popen([sys.executable, "-m", "livertox_parse", "ingest", str(corpus), "--out",
                             str(tmp_path / "out"), "--workers", "2"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    for _ in range(600):  # until both workers run (they fork first thing)
        workers = {pid for pid in children(proc.pid) if alive(pid)} if proc.poll() is None else set()
        if len(workers) >= 2 or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert len(workers) >= 2
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as an OOM killer or `kill -9 <pid>` would
    proc.wait()
    for _ in range(600):
        if not any(alive(pid) for pid in workers):
            break
        time.sleep(0.05)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    assert left == []
