"""The DuckDB side of ``ingest``: table layout, one transaction per source, exports.

Only the main process of an ingest run writes here. Every table that holds a source's rows is keyed by
``monograph_id`` (``source_id`` in ``sources`` and ``errors``, the same value); replacing a source deletes its
old rows and inserts its new ones in one transaction, so a run killed at any point leaves every source either
fully old or fully new. ``duckdb`` is imported when a :class:`Store` is opened, never at module import.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..rows import TABLES, error_row, monograph_rows

__all__ = ["TABLES", "BatchWriter", "Known", "Store", "monograph_rows"]

# Filled in by the writer, not by the pure per-document function: which run wrote the row, and when.
WRITER_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "sources": [("run_id", "INTEGER"), ("ingested_at", "TIMESTAMP")],
    "monographs": [("run_id", "INTEGER"), ("ingested_at", "TIMESTAMP")],
    "errors": [("run_id", "INTEGER"), ("ingested_at", "TIMESTAMP")],
}
MAX_BATCH = 64  # sources committed together at most (see BatchWriter) ...
MAX_DELAY = 0.5  # ... and seconds the first of them waits for its commit at most
RUNS_TABLE = [
    ("run_id", "INTEGER"), ("started_at", "TIMESTAMP"), ("finished_at", "TIMESTAMP"), ("status", "VARCHAR"),
    ("inputs", "VARCHAR[]"), ("workers", "INTEGER"), ("force", "BOOLEAN"), ("parsed", "INTEGER"),
    ("unchanged", "INTEGER"), ("failed", "INTEGER"), ("removed", "INTEGER"), ("warnings", "INTEGER"),
    ("seconds", "DOUBLE"),
]
ALL_TABLES = [*TABLES, "ingest_runs"]
# settings of the database: 'root' (the folder ids are relative to, written relative to the database's
# folder), 'layout' (fingerprint of the tables above: a database of another layout is rebuilt)
META_TABLE = [("key", "VARCHAR"), ("value", "VARCHAR")]


def layout_fingerprint() -> str:
    """A hash of every table's columns and types: it changes when a release changes the layout."""
    spec = [(t, TABLES[t] + WRITER_COLUMNS.get(t, [])) for t in TABLES] + [("ingest_runs", RUNS_TABLE)]
    return hashlib.sha256(repr(spec).encode()).hexdigest()[:16]


class RootMismatch(ValueError):
    """The database's ids were made relative to another root than the one asked for."""


def _key(table: str) -> str:
    return "source_id" if table in ("sources", "errors") else "monograph_id"


@dataclass(frozen=True, slots=True)
class Known:
    """What the database remembers about a source from earlier runs."""

    sha256: str | None
    parser_version: str
    status: str


class Store:
    """The ingest database ``livertox.duckdb``: opened (and its tables created) on construction."""

    def __init__(self, path: Path) -> None:
        import duckdb

        self.path = path
        self.con = duckdb.connect(str(path))
        self.rebuilt = False
        self._create("meta", META_TABLE)
        layout = self.setting("layout")
        existing = {r[0] for r in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if layout != layout_fingerprint() and existing & set(ALL_TABLES):
            # made by another version: its rows are derived data, so the tables are made again and every
            # source is parsed again (the root, and so every id, stays)
            self.rebuilt = True
            for table in ALL_TABLES:
                self.con.execute(f"DROP TABLE IF EXISTS {table}")
        for table, cols in TABLES.items():
            self._create(table, cols + WRITER_COLUMNS.get(table, []))
        self._create("ingest_runs", RUNS_TABLE)
        self.set_setting("layout", layout_fingerprint())

    def _create(self, table: str, cols: list[tuple[str, str]]) -> None:
        body = ", ".join(f'"{name}" {kind}' for name, kind in cols)
        self.con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({body})")

    def setting(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return str(row[0]) if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self._transaction():
            self.con.execute("DELETE FROM meta WHERE key = ?", [key])
            self.con.execute("INSERT INTO meta VALUES (?, ?)", [key, value])

    def root(self, asked: Path | None) -> Path:
        """The folder source ids are relative to: fixed by the first run (``asked``, default the current
        folder) and kept in the database, relative to its folder, so that moving the two together keeps the
        ids. Raises RootMismatch when ``asked`` is another folder than the stored one."""
        stored = self.setting("root")
        here = self.path.resolve().parent
        if stored is None:
            root = (asked or Path.cwd()).resolve()
            self.set_setting("root", os.path.relpath(root, here))
            return root
        root = (here / stored).resolve()
        if asked is not None and asked.resolve() != root:
            raise RootMismatch(f"{self.path} holds ids relative to {root}; --root {asked} would change every id "
                               "(use another --out for another root)")
        return root

    def close(self) -> None:
        """Checkpoint and close the connection."""
        self.con.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def known(self) -> dict[str, Known]:
        """Every source recorded so far, by id."""
        rows = self.con.execute("SELECT source_id, sha256, parser_version, status FROM sources").fetchall()
        return {r[0]: Known(r[1], r[2], r[3]) for r in rows}

    def begin_run(self, inputs: list[str], workers: int, force: bool) -> int:
        """Record a new run as ``running`` (earlier runs left ``running`` become ``interrupted``); its id."""
        with self._transaction():
            self.con.execute("UPDATE ingest_runs SET status = 'interrupted' WHERE status = 'running'")
            row = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs").fetchone()
            run_id = int(row[0]) if row else 1
            self.con.execute(
                "INSERT INTO ingest_runs (run_id, started_at, status, inputs, workers, force) "
                "VALUES (?, now(), 'running', ?, ?, ?)", [run_id, inputs, workers, force])
        return run_id

    def fail_run(self, run_id: int, status: str) -> None:
        """Mark a run that stopped on an exception (``failed``) or a Ctrl-C (``interrupted``)."""
        self.con.execute("UPDATE ingest_runs SET finished_at = now(), status = ? WHERE run_id = ?",
                         [status, run_id])

    def finish_run(self, run_id: int, counts: dict[str, int], seconds: float) -> None:
        """Mark the run ``done`` with its counts."""
        self.con.execute(
            "UPDATE ingest_runs SET finished_at = now(), status = 'done', parsed = ?, unchanged = ?, failed = ?, "
            "removed = ?, warnings = ?, seconds = ? WHERE run_id = ?",
            [counts["parsed"], counts["unchanged"], counts["failed"], counts["removed"], counts["warnings"],
             seconds, run_id])

    def replace(self, rows: dict[str, list[dict[str, Any]]], run_id: int, *, known_ids: list[str]) -> None:
        """In one transaction: delete every row of the sources ``known_ids``, insert ``rows``.

        ``rows`` holds the complete rows of one or more sources; sources never stored before need not be
        listed in ``known_ids`` (their deletes are skipped).
        """
        with self._transaction():
            if known_ids:
                for table in TABLES:
                    self.con.execute(f"DELETE FROM {table} WHERE {_key(table)} IN (SELECT unnest($ids))",
                                     {"ids": known_ids})
            for table, table_rows in rows.items():
                if table_rows:
                    self._insert(table, table_rows, run_id)

    def _insert(self, table: str, rows: list[dict[str, Any]], run_id: int) -> None:
        """Insert rows column-wise (one statement, values passed as lists and unnested)."""
        cols = TABLES[table]
        params: dict[str, Any] = {}
        values = []
        for i, (name, kind) in enumerate(cols):
            if kind.startswith("MAP("):  # passed as lists of (k, v) structs: a dict parameter would be a STRUCT
                key_type, value_type = kind[4:-1].split(", ")
                params[f"p{i}"] = [[{"k": k, "v": v} for k, v in (row[name] or {}).items()] for row in rows]
                values.append(f"map_from_entries(CAST(unnest($p{i}) AS STRUCT(k {key_type}, v {value_type})[]))")
            else:
                params[f"p{i}"] = [row[name] for row in rows]
                values.append(f"unnest($p{i})")
        names = [f'"{c}"' for c, _ in cols]
        for name, _ in WRITER_COLUMNS.get(table, []):
            names.append(f'"{name}"')
            values.append({"run_id": "$run_id", "ingested_at": "now()"}[name])
            if name == "run_id":
                params["run_id"] = run_id
        self.con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)}", params)

    def remove(self, source_ids: Iterable[str]) -> int:
        """Delete every row of these sources from every table, in one transaction; how many there were."""
        ids = list(source_ids)
        if ids:
            with self._transaction():
                for table in TABLES:
                    self.con.execute(f"DELETE FROM {table} WHERE {_key(table)} IN (SELECT unnest($ids))",
                                     {"ids": ids})
        return len(ids)

    def monograph_ids(self) -> list[str]:
        """Ids of the monographs in the database, sorted."""
        return [r[0] for r in self.con.execute("SELECT monograph_id FROM monographs ORDER BY 1").fetchall()]

    def error_rows(self) -> list[dict[str, Any]]:
        """The errors of the sources in the database, in source order."""
        cur = self.con.execute("SELECT * EXCLUDE (ingested_at) FROM errors ORDER BY source_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def export_parquet(self, folder: Path) -> None:
        """One ``<table>.parquet`` per table in ``folder``, each written to a temporary name and renamed."""
        folder.mkdir(parents=True, exist_ok=True)
        for table in ALL_TABLES:
            tmp = folder / f".{table}.parquet.tmp"
            quoted = str(tmp).replace("'", "''")
            self.con.execute(f"COPY (SELECT * FROM {table}) TO '{quoted}' (FORMAT PARQUET)")
            os.replace(tmp, folder / f"{table}.parquet")


class BatchWriter:
    """Writes parsed sources: each JSON file atomically, then the rows of a batch of sources in one commit.

    A batch is committed when it holds ``max_batch`` sources or its first one waited ``max_delay`` seconds,
    and on :meth:`flush`. JSON files are written (and fsync'd) on a few threads while parsing goes on, and
    always before the commit holding their rows: a run killed at any point leaves every source's rows all
    old or all new, and at worst a JSON file whose rows were not committed, which the next run rewrites.
    A source that failed loses its old JSON file after the commit that records the failure.

    One source cannot cost the others: when the batch's transaction fails (a row the database refuses) or a
    JSON file cannot be written, the batch is committed again source by source, and a source refused alone
    is recorded as failed (LTX041, LTX040) and reported to ``on_refused(source_id, line)``.
    """

    def __init__(self, store: Store, json_dir: Path, run_id: int, known_ids: set[str], *,
                 max_batch: int | None = None, max_delay: float | None = None,
                 on_refused: Callable[[str, str], None] | None = None) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self.store, self.json_dir, self.run_id, self.known_ids = store, json_dir, run_id, known_ids
        self.on_refused = on_refused
        self.max_batch = max_batch or MAX_BATCH
        self.max_delay = max_delay if max_delay is not None else MAX_DELAY
        self.threads = ThreadPoolExecutor(4, thread_name_prefix="json-writer")
        self._reset()

    def _reset(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
        self.ids: list[str] = []
        self.failed: list[str] = []
        self.writes: list[tuple[str, Any]] = []
        self.queued: list[tuple[str, dict[str, list[dict[str, Any]]]]] = []  # each source's own rows
        self.since = time.monotonic()

    def add(self, source_id: str, rows: dict[str, list[dict[str, Any]]], json: bytes | None) -> None:
        """Queue one source's complete rows (and JSON, None when it failed); may commit the batch."""
        from ..emit import write_atomic

        if not self.ids:
            self.since = time.monotonic()
        self.ids.append(source_id)
        self.queued.append((source_id, rows))
        for table, table_rows in rows.items():
            self.rows[table].extend(table_rows)
        if json is None:
            self.failed.append(source_id)
        else:
            self.writes.append((source_id, self.threads.submit(write_atomic, self.json_dir / f"{source_id}.json",
                                                               json + b"\n")))
        if len(self.ids) >= self.max_batch or time.monotonic() - self.since >= self.max_delay:
            self.flush()

    def flush(self) -> None:
        """Commit what is queued: JSON files first, then one transaction for all the rows."""
        if not self.ids:
            return
        import duckdb

        unwritten: dict[str, str] = {}
        for sid, write in self.writes:
            try:
                write.result()
            except OSError as exc:  # its rows are not committed: the source fails, the others go on
                unwritten[sid] = f"cannot write its JSON file: {exc.strerror or exc}"
        known = [sid for sid in self.ids if sid in self.known_ids]
        try:
            if unwritten:
                raise duckdb.Error("a JSON file was not written")
            self.store.replace(self.rows, self.run_id, known_ids=known)
        except duckdb.Error:
            self._one_by_one(unwritten)
        self.known_ids.update(self.ids)
        for sid in self.failed:
            (self.json_dir / f"{sid}.json").unlink(missing_ok=True)
        self._reset()

    def _one_by_one(self, unwritten: dict[str, str]) -> None:
        """Commit the queued sources one transaction each; one refused alone is recorded as failed."""
        import duckdb

        for sid, rows in self.queued:
            known = [sid] if sid in self.known_ids else []
            if sid in unwritten:
                self._refuse(sid, rows, known, "LTX040", unwritten[sid])
                continue
            try:
                self.store.replace(rows, self.run_id, known_ids=known)
            except duckdb.Error as exc:
                self._refuse(sid, rows, known, "LTX041", f"the database refused a row: {str(exc).splitlines()[0]}")

    def _refuse(self, sid: str, rows: dict[str, list[dict[str, Any]]], known: list[str], code: str,
                message: str) -> None:
        from ..errors import LiverToxError

        source = dict(rows["sources"][0], status="failed")
        error = LiverToxError(code, message, path=source["source_name"])
        self.store.replace({"sources": [source], "errors": [error_row(
            sid, source["source_name"], code, error.message, error.location(), None, None, None)]},
            self.run_id, known_ids=known)
        self.failed.append(sid)
        if self.on_refused is not None:
            self.on_refused(sid, f"{error.location()}: {code}: {error.message}")

    def close(self) -> None:
        """Flush, then stop the writer threads."""
        try:
            self.flush()
        finally:
            self.threads.shutdown(wait=True)


