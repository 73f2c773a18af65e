"""``livertox-parse ingest``: folders and archives of monographs into JSON, JSON Lines and DuckDB.

The work per document is :func:`parse_source`, a pure function from ``(source_id, name, bytes)`` to a
:class:`Parsed` (table rows plus the JSON bytes), which a cluster engine could map unchanged. Here worker
processes run it a few sources at a time (:func:`~livertox_parse.ingest.work.work_chunk`): they read each
file, skip it when unchanged, parse it, write its JSON file atomically, and hand back the rows as Arrow
tables. The main process, the only database writer, inserts them a batch of sources per DuckDB transaction
(:mod:`livertox_parse.ingest.store`), each table in one statement, so that it does next to nothing per
source and the workers set the pace. Re-runs skip sources whose bytes and parser version are unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import LiverToxError
from ..limits import DEFAULT_LIMITS, Limits
from ..limits import add_arguments as add_limit_arguments
from ..limits import from_args as limits_from_args
from ..rows import source_id
from .charts import ChartDrawer
from .discovery import Discovery, SourceItem
from .work import (
    Chunk,
    Gate,
    Known,
    Parsed,
    Task,
    failed_source,
    hold_writes,
    parse_source,
    parser_version,
    release_writes,
    work_chunk,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from ..view.report import ReportData
    from .store import BatchWriter, Store

__all__ = ["Discovery", "Ingest", "Parsed", "SourceItem", "failed_source", "parse_source", "parser_version",
           "source_id"]


def add_subcommand(subparsers: Any) -> None:
    """Add the ``ingest`` subcommand to the CLI's subparsers."""
    p = subparsers.add_parser(
        "ingest", help="ingest folders and .tar.gz archives of monographs into JSON, JSON Lines and DuckDB",
        description="Parse every monograph under SRC (recursively: .txt .pdf .nxml .xml .tar.gz) into "
        "DIR/json/<id>.json, DIR/monographs.jsonl, DIR/errors.jsonl and the DuckDB database "
        "DIR/livertox.duckdb. Each source's id is its path below the root (--root), so naming a folder or "
        "its parent gives the same ids. A re-run skips unchanged sources and keeps sources it was not given; "
        "--prune deletes those.")
    p.add_argument("sources", nargs="+", metavar="SRC",
                   help="a monograph file (.txt, .pdf, .nxml), a folder (searched recursively) or a .tar.gz "
                        "archive of NXML chapters")
    p.add_argument("--out", required=True, type=Path, metavar="DIR",
                   help="output folder (created if missing; holds the database between runs)")
    p.add_argument("--root", type=Path, metavar="FOLDER",
                   help="ids are paths below FOLDER (default: the current folder, on the first run into DIR; "
                        "later runs keep the first run's root)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: the CPU count; 1 parses in this process)")
    p.add_argument("--force", action="store_true", help="parse every source again, changed or not")
    p.add_argument("--prune", action="store_true",
                   help="delete from DIR every source earlier runs ingested that is not among this run's "
                        "SRC (its rows in every table and its JSON file)")
    p.add_argument("--parquet", action="store_true",
                   help="also write DIR/parquet/<table>.parquet (read back with pandas + pyarrow)")
    add_limit_arguments(p)
    p.set_defaults(func=run)


# ------------------------------------------------------------------------------------------- the run


def run(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Ingest ``args.sources`` into ``args.out``; 0 when every input parsed, 1 when any failed."""
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1)
    ingest = Ingest(args.sources, args.out, workers=max(1, workers), force=args.force, parquet=args.parquet,
                    stderr=stderr, limits=limits_from_args(args), root=args.root, prune=args.prune)
    import duckdb

    from .store import RootMismatch

    try:
        counts = ingest.run()
    except duckdb.IOException as exc:  # most often: another ingest run holds the database
        print(f"{args.out / 'livertox.duckdb'}: cannot open the database: {exc}", file=stderr)
        return 1
    except RootMismatch as exc:
        print(f"livertox-parse ingest: error: {exc}", file=stderr)
        return 2
    print(ingest.summary(), file=stdout)
    return 1 if counts["failed"] else 0


class Ingest:
    """One ingest run over ``sources`` into the folder ``out`` (see the module docstring)."""

    def __init__(self, sources: list[str], out: Path, *, workers: int = 1, force: bool = False,
                 parquet: bool = False, stderr: TextIO = sys.stderr, limits: Limits = DEFAULT_LIMITS,
                 root: Path | None = None, prune: bool = False) -> None:
        self.sources, self.out, self.workers, self.limits = sources, out, workers, limits
        self.force, self.parquet, self.stderr, self.root, self.prune = force, parquet, stderr, root, prune
        self.counts = dict.fromkeys(("parsed", "unchanged", "skipped", "failed", "removed", "warnings",
                                     "not_chapters", "not_given"), 0)
        self.seconds = 0.0
        self.store: Store | None = None
        self.charts: ChartDrawer | None = None
        self.writer: BatchWriter | None = None
        self.opening: Future[tuple[Store, dict[str, Known]]] | None = None
        self.known: dict[str, Known] = {}
        self.run_id = 0

    def run(self) -> dict[str, int]:
        """Do the run; returns the counts (parsed, unchanged, failed, removed, warnings, not_chapters)."""
        # The objects there are now (the spaCy pipeline, the parser's tables when they are built already)
        # live through the run: frozen, the garbage collector does not go through them again at each full
        # collection (~80 ms each), and forked workers do not copy the pages it would write. Unfrozen at the
        # end, as the run may be one call of a longer program.
        gc.freeze()
        try:
            return self._run()
        finally:
            gc.unfreeze()

    def _run(self) -> dict[str, int]:
        from concurrent.futures import ThreadPoolExecutor

        # imported before the workers are forked, so that they share it instead of each importing it again
        # (~20 MB of library pages a worker, and its CPU time)
        import pyarrow  # noqa: F401

        from ..progress import Progress
        from .pool import map_chunks, start_pool

        started = time.perf_counter()
        self.out.mkdir(parents=True, exist_ok=True)
        db = self.out / "livertox.duckdb"
        # A first run into a folder knows no source yet: its workers start on the first sources while the
        # database is opened (DuckDB imported, the tables made: ~0.1 s), their JSON files held back until it
        # is (work.hold_writes), so that a run that cannot have the database writes nothing in the folder.
        early = self.workers > 1 and sys.platform == "linux" and not db.exists()
        gate = hold_writes() if early else None
        pool = start_pool(self.workers)  # forked before DuckDB opens: the workers never touch it
        # with worker processes, the report's charts are drawn by processes forked now (ingest.charts),
        # which import matplotlib while the workers parse
        self.charts = ChartDrawer.start() if self.workers > 1 else None
        self.preloading = False
        self.store, self.writer, self.run_id = None, None, 0
        opener = ThreadPoolExecutor(1, thread_name_prefix="open-database") if early else None
        try:
            if opener is not None and gate is not None:
                root = (self.root or Path.cwd()).resolve()  # what a new database takes
                self.known = {}
                self.opening = opener.submit(self._open_early, db, root, gate)
            else:
                self.opening = None
                root = self._open(db)
                self._begin()
            discovery = Discovery(list(self.sources), limits=self.limits, root=root)
            seen: set[str] = set()
            self.work = partial(work_chunk, json_dir=self.out / "json", limits=self.limits, force=self.force)
            with Progress(self.stderr, None, "ingest", unit=" sources", status=self._status, every=5.0) as progress:
                self.progress = progress
                try:
                    for chunk in map_chunks(self._todo(discovery, seen), pool, self.workers, self.work,
                                            self._lost):
                        self._take(chunk)
                    self._ready()  # when no source came back at all
                finally:
                    if self.writer is not None:
                        self.writer.close()
            store = self.store
            assert store is not None  # made by _ready
            self.counts["not_chapters"] = len(discovery.notes)
            self._not_given(store, seen, discovery.partial)
            ids, errors = store.monograph_ids(), store.error_rows()
            if self.parquet:
                store.export_parquet(self.out / "parquet")
            # the JSON Lines files are written (reads, writes, fsync: mostly waiting on the disk) in a thread
            # while the report's charts are drawn; the same thread then records the run as done and closes
            # the database (its last checkpoint), once the report's numbers are read from it
            read = threading.Event()
            with ThreadPoolExecutor(1, thread_name_prefix="export") as exporting:
                finished = exporting.submit(self._export_and_finish, store, ids, errors, started, read)
                try:
                    report = self._report(store, read)
                finally:
                    read.set()  # whatever became of the report
                finished.result()
            if report is not None:
                self._write_report(*report)
        except BaseException as exc:  # the run is never left 'running'
            if self.run_id and self.store is not None:
                with contextlib.suppress(Exception):
                    self.store.fail_run(self.run_id, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed")
            raise
        finally:
            if opener is not None:  # a database opened early that the run never took is closed too
                opener.shutdown(wait=True)
                if self.store is None and self.opening is not None and self.opening.exception() is None:
                    self.opening.result()[0].close()
                release_writes()
            if self.store is not None:
                self.store.close()
            if self.charts is not None:
                self.charts.close()
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        return self.counts

    def _opened(self, db: Path) -> tuple[Store, Path, dict[str, Known]]:
        """The database opened, the root of its ids and what it knows of the sources; closed again on failure."""
        from .store import Store

        store = Store(db)
        try:
            return store, store.root(self.root), store.known()
        except BaseException:
            store.close()
            raise

    def _open(self, db: Path) -> Path:
        """Open the database (self.store) and read what it knows (self.known); the root of the ids."""
        self.store, root, self.known = self._opened(db)
        return root

    def _open_early(self, db: Path, root: Path, gate: Gate) -> tuple[Store, dict[str, Known]]:
        """In a thread, while the workers parse the first sources of a first run: the database opened, the
        root checked to be the one their ids were made with, then their JSON files let through (or, when any
        of this failed, never)."""
        from .store import RootMismatch

        try:
            store, found, known = self._opened(db)
            try:
                if found != root:  # another run made the database meanwhile, with another root
                    raise RootMismatch(f"{db} holds ids relative to {found}, not {root}: another run made it "
                                       "meanwhile")
                (self.out / "json").mkdir(exist_ok=True)
            except BaseException:
                store.close()
                raise
        except BaseException:
            gate.close()
            raise
        gate.open()
        return store, known

    def _ready(self) -> None:
        """The database opened early taken by the run (a no-op once it is, or when it was not opened early)."""
        if self.store is None and self.opening is not None:
            self.store, self.known = self.opening.result()
            self._begin()

    def _begin(self) -> None:
        """The run recorded in the opened database, and its writer made."""
        from .store import BatchWriter

        store = self.store
        assert store is not None
        if store.rebuilt:
            print(f"{store.path}: made by another version of livertox-parse: tables made again, every "
                  "source parsed again", file=self.stderr)
        self.run_id = store.begin_run([str(s) for s in self.sources], self.workers, self.force)
        (self.out / "json").mkdir(exist_ok=True)
        self.writer = BatchWriter(store, self.out / "json", self.run_id, set(self.known), on_refused=self._refused)

    def _status(self) -> tuple[int, dict[str, int]]:
        c = self.counts
        return c["parsed"] + c["unchanged"] + c["failed"], {k: c[k] for k in ("parsed", "unchanged", "failed")}

    def _refused(self, source_id: str, line: str) -> None:
        """A parsed source the writer could not store (a row the database refused): failed, not parsed."""
        self.counts["parsed"] -= 1
        self.counts["failed"] += 1
        self.progress.print(line)

    def _report(self, store: Store, read: threading.Event) -> tuple[ReportData, dict[str, str | None]] | None:
        """The numbers of ``out/report.html`` from the database as this run left it (``read`` is set once
        they are, or reading them failed), and its charts (drawn in two processes with worker processes,
        whose cores are idle by now); None when drawing failed, which must not fail the run (said so)."""
        from ..view.report import draw_charts, report_data

        try:
            try:
                data = report_data(store.con, self.counts)
            finally:
                read.set()
            charts = self.charts.draw(data) if self.charts is not None else None
            return data, charts if charts is not None else draw_charts(data)
        except Exception as exc:  # noqa: BLE001  # the data is in; only the page is lost, and said so
            self._not_written(exc)
            return None

    def _export_and_finish(self, store: Store, ids: list[str], errors: list[dict[str, Any]], started: float,
                           read: threading.Event) -> None:
        """:meth:`_export`, then (once ``read`` says the report no longer reads the database) the run
        recorded as done with its seconds, and the database closed: beside the report's drawing."""
        self.seconds = self._export(ids, errors) - started
        read.wait()
        store.finish_run(self.run_id, self.counts, self.seconds)
        store.close()

    def _write_report(self, data: ReportData, charts: dict[str, str | None]) -> None:
        """``out/report.html``, with the run's seconds (known once the export is done)."""
        from ..view.report import write_report

        data.seconds = self.seconds
        try:
            write_report(self.out, data, charts)
        except Exception as exc:  # noqa: BLE001
            self._not_written(exc)

    def _not_written(self, exc: Exception) -> None:
        print(f"{self.out / 'report.html'}: not written: {type(exc).__name__}: {exc}", file=self.stderr)

    def _todo(self, discovery: Discovery, seen: set[str]) -> Iterator[Task]:
        """The sources for the workers, with what the database knows of each; sources that could not be
        read (an archive's) are written here."""
        for item in discovery:
            if item.source_id in seen:  # e.g. two folders of the same name: counted failed, stored once
                self.progress.print(f"{item.name}: not ingested: same id {item.source_id!r} as an earlier input")
                self.counts["failed"] += 1
                continue
            seen.add(item.source_id)
            if item.error is not None:
                self._ready()  # the JSON files written here wait for the database too
                self._take(self.work([(item, None)]))
            else:
                yield item, self.known.get(item.source_id)

    def _lost(self, item: SourceItem, error: LiverToxError) -> Chunk:
        """The rows of a source that killed its worker, made here."""
        lost = SourceItem(item.source_id, item.name, error=error)
        self._ready()  # (a worker that failed on a database that could not be opened: its error is raised)
        result: Chunk = self.work([(lost, None)])
        return result

    def _json(self, source_id: str) -> Path:
        return self.out / "json" / f"{source_id}.json"

    def _take(self, chunk: Chunk) -> None:
        """Count and report a chunk's sources, and hand their rows to the writer."""
        self._ready()
        if self.charts is not None and not self.preloading:
            self.charts.preload()
            self.preloading = True
        c = self.counts
        for outcome in chunk.outcomes:
            c[outcome.status if outcome.status != "ok" else "parsed"] += 1
            c["warnings"] += outcome.warnings
            if outcome.line is not None:
                self.progress.print(outcome.line)
        assert self.writer is not None  # made by _ready
        self.writer.add(chunk.outcomes, chunk.tables)
        self.progress.tick(len(chunk.outcomes))

    def _not_given(self, store: Store, seen: set[str], partial: set[str]) -> None:
        """Sources recorded before but not among this run's inputs: kept and counted, or with ``prune``
        deleted (every row, and the JSON file)."""
        gone = [sid for sid in self.known if sid not in seen
                and not any(sid.startswith(prefix + "__") for prefix in partial)]
        if not self.prune:
            self.counts["not_given"] = len(gone)
            return
        self.counts["removed"] = store.remove(gone)
        for sid in gone:
            self._json(sid).unlink(missing_ok=True)

    def _export(self, ids: list[str], errors: list[dict[str, Any]]) -> float:
        """monographs.jsonl and errors.jsonl rewritten from the database's monograph ``ids`` and ``errors``
        rows, read before; json/ pruned. Touches no database (it runs in a thread beside the report's
        drawing); returns the time it ended (``time.perf_counter``)."""
        import orjson

        from ..emit import atomic_stream

        with atomic_stream(self.out / "monographs.jsonl") as fh:
            for sid in ids:
                fh.write(self._json(sid).read_bytes().rstrip(b"\n") + b"\n")
        with atomic_stream(self.out / "errors.jsonl") as fh:
            for row in errors:
                fh.write(orjson.dumps(row) + b"\n")
        keep = {f"{sid}.json" for sid in ids}
        for path in (self.out / "json").glob("*.json"):
            if path.name not in keep:
                path.unlink()
        return time.perf_counter()

    def summary(self) -> str:
        """One line: parsed, unchanged, skipped (front matter), failed, removed, warnings, seconds, monographs/s."""
        c = self.counts
        rate = c["parsed"] / self.seconds if self.seconds else 0.0
        return (f"ingest {self.out}: {c['parsed']} parsed, {c['unchanged']} unchanged, {c['skipped']} skipped "
                f"(not monographs: front matter), {c['failed']} "
                f"failed, {c['removed']} removed, {c['warnings']} warnings, {c['not_chapters']} archive members "
                f"not chapters; {self.seconds:.1f} s, {rate:.1f} monographs/s"
                + (f"; {c['not_given']} sources of earlier runs not among these inputs, kept (--prune deletes "
                   "them)" if c["not_given"] else ""))
