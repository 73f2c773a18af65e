"""The DuckDB side of ``ingest``: table layout, a batch of whole sources per transaction, exports.

Only the main process of an ingest run writes here. Every table that holds a source's rows is keyed by
``monograph_id`` (``source_id`` in ``sources`` and ``errors``, the same value); replacing sources deletes their
old rows and inserts their new ones (Arrow tables from the workers, one statement per table) in one
transaction, so a run killed at any point leaves every source either fully old or fully new. ``duckdb`` is
imported when a :class:`Store` is opened, never at module import.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..rows import TABLES
from .columns import key_column
from .work import Known, Outcome, failed_source

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["TABLES", "BatchWriter", "Store"]

# Filled in by the writer, not by the pure per-document function: which run wrote the row, and when.
WRITER_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "sources": [("run_id", "INTEGER"), ("ingested_at", "TIMESTAMP")],
    "monographs": [("run_id", "INTEGER"), ("ingested_at", "TIMESTAMP")],
    "errors": [("run_id", "INTEGER"), ("ingested_at", "TIMESTAMP")],
}
# DuckDB keeps the blocks it writes and reads in its buffer pool up to its memory limit (80% of the RAM by
# default), and the main process grew with the database (~12 MB of peak from 100 to 566 dev chapters). A run's
# inserts (a batch of sources), checkpoints and the report's queries need a few MB; past the limit DuckDB drops
# blocks it can read again (or spills to DIR/livertox.duckdb.tmp). The Parquet export, which holds a row group
# of a whole table at once, runs without it.
MEMORY_LIMIT = "32MB"
MAX_BATCH = 128  # sources committed together at most (see BatchWriter): ~13 statements and a commit each ...
MAX_DELAY = 1.0  # ... and seconds the first of them waits for its commit at most
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


class Store:
    """The ingest database ``livertox.duckdb``: opened (and its tables created) on construction."""

    def __init__(self, path: Path) -> None:
        import duckdb

        self.path = path
        # one thread: batches are small, and the worker processes have the cores
        self.con = duckdb.connect(str(path), config={"threads": 1, "memory_limit": MEMORY_LIMIT})
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

    def checkpoint(self) -> None:
        """Write committed rows into the database file: until a checkpoint (by default after 16 MB of log)
        DuckDB keeps them in memory too, and the main process would grow with the database."""
        self.con.execute("CHECKPOINT")

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

    def replace(self, tables: dict[str, pa.Table], run_id: int, *, known_ids: list[str]) -> None:
        """In one transaction: delete every row of the sources ``known_ids``, insert ``tables``.

        ``tables`` holds the complete rows of one or more sources; sources never stored before need not be
        listed in ``known_ids`` (their deletes are skipped).
        """
        views = {table: f"ingest_{table}" for table, data in tables.items() if data.num_rows}
        for table, view in views.items():  # outside the transaction: an aborted one refuses (un)registering
            self.con.register(view, tables[table])
        try:
            with self._transaction():
                if known_ids:
                    for table in TABLES:
                        self.con.execute(f"DELETE FROM {table} WHERE {key_column(table)} IN (SELECT unnest($ids))",
                                         {"ids": known_ids})
                for table, view in views.items():
                    self._insert(table, view, run_id)
        finally:
            for view in views.values():
                self.con.unregister(view)

    def _insert(self, table: str, view: str, run_id: int) -> None:
        """Insert the rows of the registered Arrow table ``view`` in one statement (DuckDB reads it in place
        and casts each column to the table's type)."""
        names = [f'"{c}"' for c, _ in TABLES[table]]
        values = list(names)
        for name, _ in WRITER_COLUMNS.get(table, []):
            names.append(f'"{name}"')
            values.append({"run_id": "$run_id", "ingested_at": "now()"}[name])
        params = {"run_id": run_id} if "$run_id" in values else {}
        self.con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} FROM {view}", params)

    def remove(self, source_ids: Iterable[str]) -> int:
        """Delete every row of these sources from every table, in one transaction; how many there were."""
        ids = list(source_ids)
        if ids:
            with self._transaction():
                for table in TABLES:
                    self.con.execute(f"DELETE FROM {table} WHERE {key_column(table)} IN (SELECT unnest($ids))",
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
        self.con.execute("RESET memory_limit")  # (see MEMORY_LIMIT)
        for table in ALL_TABLES:
            tmp = folder / f".{table}.parquet.tmp"
            quoted = str(tmp).replace("'", "''")
            self.con.execute(f"COPY (SELECT * FROM {table}) TO '{quoted}' (FORMAT PARQUET)")
            os.replace(tmp, folder / f"{table}.parquet")


class BatchWriter:
    """Commits the rows of parsed sources, a batch of sources per transaction.

    Workers have already written each source's JSON file (atomically) when its rows arrive here, so a
    commit always follows the JSON files it refers to: a run killed at any point leaves every source's rows
    all old or all new, and at worst a JSON file whose rows were not committed, which the next run rewrites.
    A batch is committed when it holds ``max_batch`` sources or its first one waited ``max_delay`` seconds,
    and on :meth:`flush`. A source that failed loses its old JSON file after the commit that records the
    failure.

    One source cannot cost the others: when the batch's transaction fails (a row the database refuses), the
    batch is committed again source by source, and a source refused alone is recorded as failed (LTX041)
    and reported to ``on_refused(source_id, line)``.
    """

    def __init__(self, store: Store, json_dir: Path, run_id: int, known_ids: set[str], *,
                 max_batch: int | None = None, max_delay: float | None = None,
                 on_refused: Callable[[str, str], None] | None = None) -> None:
        self.store, self.json_dir, self.run_id, self.known_ids = store, json_dir, run_id, known_ids
        self.on_refused = on_refused
        self.max_batch = max_batch or MAX_BATCH
        self.max_delay = max_delay if max_delay is not None else MAX_DELAY
        self._reset()

    def _reset(self) -> None:
        self.tables: dict[str, list[pa.Table]] = {}
        self.sources: list[Outcome] = []
        self.since = time.monotonic()

    def add(self, outcomes: list[Outcome], tables: dict[str, pa.Table]) -> None:
        """Queue the complete rows of the sources ``outcomes`` (those ``unchanged`` have none); may commit."""
        stored = [o for o in outcomes if o.status != "unchanged"]
        if not stored:
            return
        if not self.sources:
            self.since = time.monotonic()
        self.sources += stored
        for table, data in tables.items():
            self.tables.setdefault(table, []).append(data)
        if len(self.sources) >= self.max_batch or time.monotonic() - self.since >= self.max_delay:
            self.flush()

    def flush(self, checkpoint: bool = True) -> None:
        """Commit what is queued in one transaction (then write it into the database file: ``checkpoint``)."""
        if not self.sources:
            return
        import duckdb
        import pyarrow as pa

        tables = {t: pa.concat_tables(parts) if len(parts) > 1 else parts[0] for t, parts in self.tables.items()}
        ids = [o.source_id for o in self.sources]
        try:
            self.store.replace(tables, self.run_id, known_ids=[sid for sid in ids if sid in self.known_ids])
        except duckdb.Error:
            self._one_by_one(tables)
        if checkpoint:
            self.store.checkpoint()
        self.known_ids.update(ids)
        for outcome in self.sources:
            if outcome.status != "ok":
                (self.json_dir / f"{outcome.source_id}.json").unlink(missing_ok=True)
        self._reset()

    def _one_by_one(self, tables: dict[str, pa.Table]) -> None:
        """Commit the queued sources one transaction each; one refused alone is recorded as failed."""
        import duckdb
        import pyarrow.compute as pc

        for i, outcome in enumerate(self.sources):
            sid = outcome.source_id
            known = [sid] if sid in self.known_ids else []
            own = {t: data.filter(pc.equal(data[key_column(t)], sid)) for t, data in tables.items()}
            try:
                self.store.replace(own, self.run_id, known_ids=known)
            except duckdb.Error as exc:
                self.sources[i] = self._refuse(outcome, known, f"the database refused a row: {str(exc).splitlines()[0]}")

    def _refuse(self, outcome: Outcome, known: list[str], message: str) -> Outcome:
        """Record ``outcome``'s source as failed (LTX041), with the ``sources`` row it had."""
        from ..errors import LiverToxError
        from .columns import to_tables

        error = LiverToxError("LTX041", message, path=outcome.name)
        failed = failed_source(outcome.source_id, outcome.name, error, sha256=outcome.sha256, fmt=outcome.fmt)
        self.store.replace(to_tables(failed.rows), self.run_id, known_ids=known)
        if self.on_refused is not None:
            self.on_refused(outcome.source_id, f"{error.location()}: LTX041: {error.message}")
        return Outcome(outcome.source_id, outcome.name, "failed", failed.error, outcome.warnings, outcome.fmt,
                       outcome.sha256)

    def close(self) -> None:
        """Commit what is queued; closing the database writes it into the file (one checkpoint, not two,
        at the end of a run, when nothing else goes on)."""
        self.flush(checkpoint=False)
