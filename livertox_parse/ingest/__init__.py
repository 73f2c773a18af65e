"""``livertox-parse ingest``: folders and archives of monographs into JSON, JSON Lines and DuckDB.

The work per document is :func:`parse_source`, a pure function from ``(source_id, name, bytes)`` to a
:class:`Parsed` (table rows plus the JSON bytes): worker processes map it over the inputs, and a cluster
engine could map it unchanged. Everything with side effects happens in the main process, the only writer:
the JSON file is written atomically, then the source's rows replace its old ones in one DuckDB transaction
(:mod:`livertox_parse.ingest.store`). Re-runs skip sources whose bytes and parser version are unchanged.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self, TextIO

from ..errors import LiverToxError, one_line
from ..limits import DEFAULT_LIMITS, Limits
from ..limits import add_arguments as add_limit_arguments
from ..limits import from_args as limits_from_args
from ..readers.sources import is_archive, walk
from ..rows import ARCHIVE_SUFFIX, Rows, error_row, source_id, source_key, source_row

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from .store import Known, Store

__all__ = ["Discovery", "Ingest", "Parsed", "SourceItem", "parse_source", "source_id"]


def parser_version() -> str:
    """Sources parsed by another version of the package (or schema) are parsed again."""
    from .. import __version__
    from ..models import SCHEMA_VERSION

    return f"{__version__}/{SCHEMA_VERSION}"


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


# ----------------------------------------------------------------------------------------------- sources


@dataclass(frozen=True, slots=True)
class SourceItem:
    """One input: its id, its display name, and its bytes or the error that kept them from being read."""

    source_id: str
    name: str
    data: bytes | None = None
    error: LiverToxError | None = None


@dataclass
class Discovery:
    """The inputs under the given paths, in a stable order, read lazily one at a time.

    Keys are paths below ``root`` (:func:`~livertox_parse.rows.source_key`: the same file has the same key
    whichever folder above it was named), ``<archive key without .tar.gz>/<member>`` for archive members.
    ``partial`` collects id prefixes of archives that could not be read to the end: their missing members
    must not be taken as removed.
    """

    paths: list[str]
    partial: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    limits: Limits = DEFAULT_LIMITS
    root: Path = field(default_factory=Path.cwd)

    def __iter__(self) -> Iterator[SourceItem]:
        for raw in self.paths:
            path = Path(raw)
            for file in walk(path) if path.is_dir() else [path]:
                yield from self._file(file, source_key(str(file), self.root))

    def _file(self, path: Path, key: str) -> Iterator[SourceItem]:
        name = str(path)
        if is_archive(name):
            yield from self._archive(path, ARCHIVE_SUFFIX.sub("", key))
            return
        from ..readers import read_bytes

        try:  # a file over the input limit is refused without reading it all (LTX030)
            yield SourceItem(source_id(key), name, data=read_bytes(path, self.limits.max_input_bytes))
        except LiverToxError as exc:
            yield SourceItem(source_id(key), name, error=exc)

    def _archive(self, path: Path, key: str) -> Iterator[SourceItem]:
        from ..readers.archive import iter_archive

        try:
            for member in iter_archive(path, max_member_bytes=self.limits.max_input_bytes):
                name = f"{path}!{member.name}"
                if member.skipped_reason:
                    self.notes.append(f"{one_line(name)}: skipped: {one_line(member.skipped_reason)}")
                    continue
                member_key = f"{key}/{member.name}"
                error = member.error.with_path(name) if member.error else None
                yield SourceItem(source_id(member_key), name, data=member.data, error=error)
        except LiverToxError as exc:
            self.partial.add(source_id(key))
            yield SourceItem(source_id(key), str(path), error=exc.with_path(str(path)))


# --------------------------------------------------------------------------------- the pure function


@dataclass(frozen=True, slots=True)
class Parsed:
    """What :func:`parse_source` makes of one source: rows per table, JSON bytes (None when it failed)."""

    source_id: str
    name: str
    rows: Rows
    json: bytes | None
    error: str | None = None
    warnings: int = 0
    skipped: str | None = None  # why the source is no monograph (front matter): counted skipped, not failed


def parse_source(source_id: str, name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> Parsed:
    """Parse one source, within ``limits``, into its table rows and JSON; never raises for a bad input.

    Pure: no file, database or global state is touched (the spaCy pipeline is cached per process). An
    input that fails yields a ``sources`` row with status ``failed`` and one ``errors`` row; an unexpected
    exception becomes error LTX099.
    """
    import orjson

    from ..emit import to_bytes
    from ..pipeline import parse_input
    from ..readers import sniff_format
    from .store import monograph_rows

    sha = hashlib.sha256(data).hexdigest()
    fmt = sniff_format(name.rsplit("!", 1)[-1], data[:64])
    try:
        json = to_bytes(parse_input(name, data, limits=limits))
    except LiverToxError as exc:
        if exc.skipped:  # the book's front matter: a skipped source, its reason in errors (code LTX006)
            skip = failed_source(source_id, name, exc.with_path(name), sha256=sha, fmt=fmt)
            skip.rows["sources"] = [_source_row(source_id, name, fmt, sha, "skipped")]
            return Parsed(source_id, name, skip.rows, None, skipped=f"{exc}")
        return failed_source(source_id, name, exc.with_path(name), sha256=sha, fmt=fmt)
    except Exception as exc:  # noqa: BLE001  # a bug must not cost the rest of the batch
        error = LiverToxError("LTX099", f"{type(exc).__name__}: {exc}", path=name)
        return failed_source(source_id, name, error, sha256=sha, fmt=fmt)
    monograph = orjson.loads(json)  # rows come from exactly what was written
    rows = monograph_rows(source_id, monograph)
    rows["sources"] = [_source_row(source_id, name, monograph["source"]["format"], sha, "ok")]
    return Parsed(source_id, name, rows, json, warnings=len(monograph["warnings"]))


def failed_source(source_id: str, name: str, error: LiverToxError, *, sha256: str | None = None,
                  fmt: str | None = None) -> Parsed:
    """The rows recording that a source could not be parsed."""
    row = error_row(source_id, name, error.code, error.message, error.location(), error.page, error.line,
                    error.column)
    rows: Rows = {"sources": [_source_row(source_id, name, fmt, sha256, "failed")], "errors": [row]}
    return Parsed(source_id, name, rows, None, error=f"{error.location()}: {error.code}: {error.message}")


def _source_row(source_id: str, name: str, fmt: str | None, sha: str | None, status: str) -> dict[str, Any]:
    return source_row(source_id, name, fmt, sha, status, parser_version())


# ------------------------------------------------------------------------------------------- workers


def _warm_worker(parent: int) -> None:
    """Worker initializer: leave Ctrl-C to the main process, end with it, build the spaCy pipeline once."""
    import signal

    from ..stages.entities import get_nlp

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    get_nlp()


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` ends, even by SIGKILL (which leaves no chance to stop the pool):
    on Linux the kernel sends SIGKILL (prctl PR_SET_PDEATHSIG); elsewhere, and should the parent already
    be gone, a thread notices that this process was handed to another parent."""
    import threading

    if sys.platform == "linux":
        import ctypes
        import signal

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def start_pool(workers: int) -> Executor | None:
    """A process pool of ``workers`` warmed workers (None for 1: parse in this process).

    On Linux the workers are forked here, before the caller opens its database.
    """
    if workers <= 1:
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if sys.platform == "linux" else None
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method), initializer=_warm_worker,
                               initargs=(os.getpid(),))
    pool.submit(int)  # starts the workers now
    return pool


def map_sources(items: Iterable[SourceItem], pool: Executor | None, workers: int,
                limits: Limits = DEFAULT_LIMITS) -> Iterator[Parsed]:
    """:func:`parse_source` over ``items`` (whose ``data`` is set), results in completion order.

    At most ``8 * workers`` sources are in flight (enough to keep the workers busy while a batch commits),
    so memory stays flat however many there are. When a worker process dies, the pool is replaced and the
    sources it held are retried one at a time; one that kills a worker when alone is reported as failed
    (LTX099) and the run goes on.
    """
    if pool is None:
        for item in items:
            yield parse_source(item.source_id, item.name, item.data or b"", limits)
        return
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending: dict[Future[Parsed], tuple[SourceItem, bool]] = {}  # future -> (source, running alone)
    alone: deque[SourceItem] = deque()  # were in flight when a worker died: retried one at a time
    unsent: deque[SourceItem] = deque()  # never reached a worker
    source = iter(items)
    executor: Executor = pool

    def submit(item: SourceItem, solo: bool) -> None:
        try:
            future = executor.submit(parse_source, item.source_id, item.name, item.data or b"", limits)
            pending[future] = (item, solo)
        except BrokenProcessPool:
            (alone if solo else unsent).appendleft(item)
            raise

    try:
        while True:
            broken = False
            try:
                if alone:
                    if not pending:
                        submit(alone.popleft(), True)
                else:
                    while len(pending) < 8 * workers and (fresh := unsent.popleft() if unsent else next(source, None)):
                        submit(fresh, False)
            except BrokenProcessPool:
                broken = True
            if not pending and not broken:
                return
            done = wait(pending, return_when=FIRST_COMPLETED)[0] if pending and not broken else set()
            if broken or any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                executor.shutdown(wait=True, cancel_futures=True)  # settles every future still pending
                done, broken = set(pending), True
            for future in done:
                item, solo = pending.pop(future)
                exc = None if future.cancelled() else future.exception()
                if future.cancelled():
                    unsent.append(item)
                elif exc is None:
                    yield future.result()
                elif solo or not isinstance(exc, BrokenProcessPool):
                    message = ("the worker process died while parsing this input"
                               if isinstance(exc, BrokenProcessPool) else f"{type(exc).__name__}: {exc}")
                    yield failed_source(item.source_id, item.name, LiverToxError("LTX099", message, path=item.name))
                else:
                    alone.append(item)
            if broken:
                executor = start_pool(workers) or executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


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

    def run(self) -> dict[str, int]:
        """Do the run; returns the counts (parsed, unchanged, failed, removed, warnings, not_chapters)."""
        from .store import BatchWriter, Store

        started = time.perf_counter()
        self.out.mkdir(parents=True, exist_ok=True)
        pool = start_pool(self.workers)  # forked before DuckDB opens: the workers never touch it
        try:
            store = Store(self.out / "livertox.duckdb")
        except BaseException:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            raise
        try:
            discovery = Discovery(list(self.sources), limits=self.limits, root=store.root(self.root))
            if store.rebuilt:
                print(f"{store.path}: made by another version of livertox-parse: tables made again, every "
                      "source parsed again", file=self.stderr)
            self.store, self.run_id, self.known = store, 0, store.known()
            self.run_id = store.begin_run([str(s) for s in self.sources], self.workers, self.force)
            seen: set[str] = set()
            self.writer = BatchWriter(store, self.out / "json", self.run_id, set(self.known),
                                      on_refused=self._refused)
            with _Progress(self.stderr, self.counts) as progress:
                self.progress = progress
                try:
                    for parsed in map_sources(self._todo(discovery, seen), pool, self.workers, self.limits):
                        self._write(parsed)
                finally:
                    self.writer.close()
            self.counts["not_chapters"] = len(discovery.notes)
            self._not_given(seen, discovery.partial)
            self._export()
            self.seconds = time.perf_counter() - started
            store.finish_run(self.run_id, self.counts, self.seconds)
            self._report(store)
        except BaseException as exc:  # the run is never left 'running'
            if getattr(self, "run_id", 0):
                with contextlib.suppress(Exception):
                    store.fail_run(self.run_id, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed")
            raise
        finally:
            store.close()
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        return self.counts

    def _refused(self, source_id: str, line: str) -> None:
        """A parsed source the writer could not store (a row the database refused): failed, not parsed."""
        self.counts["parsed"] -= 1
        self.counts["failed"] += 1
        print(line, file=self.stderr)

    def _report(self, store: Store) -> None:
        """``out/report.html`` from the database as this run left it; drawing it must not fail the run."""
        from ..view.report import report_data, write_report

        try:
            write_report(self.out, report_data(store.con, self.counts))
        except Exception as exc:  # noqa: BLE001  # the data is in; only the page is lost, and said so
            print(f"{self.out / 'report.html'}: not written: {type(exc).__name__}: {exc}", file=self.stderr)

    def _todo(self, discovery: Discovery, seen: set[str]) -> Iterator[SourceItem]:
        """The sources that need parsing; failures to read are written, unchanged ones counted, here."""
        version = parser_version()
        for item in discovery:
            if item.source_id in seen:  # e.g. two folders of the same name: counted failed, stored once
                print(f"{item.name}: not ingested: same id {item.source_id!r} as an earlier input",
                      file=self.stderr)
                self.counts["failed"] += 1
                continue
            seen.add(item.source_id)
            if item.error is not None:
                self._write(failed_source(item.source_id, item.name, item.error))
            elif not self.force and is_unchanged(item, self.known.get(item.source_id), self._json(item.source_id),
                                                 version):
                self.counts["unchanged"] += 1
                self.progress.tick()
            else:
                yield item

    def _json(self, source_id: str) -> Path:
        return self.out / "json" / f"{source_id}.json"

    def _write(self, parsed: Parsed) -> None:
        """Hand one result to the writer and count it."""
        self.writer.add(parsed.source_id, parsed.rows, parsed.json)
        if parsed.skipped is not None:
            self.counts["skipped"] += 1
            print(f"{one_line(parsed.skipped)} (skipped)", file=self.stderr)
        elif parsed.json is None:
            self.counts["failed"] += 1
            print(parsed.error, file=self.stderr)
        else:
            self.counts["parsed"] += 1
            self.counts["warnings"] += parsed.warnings
        self.progress.tick()

    def _not_given(self, seen: set[str], partial: set[str]) -> None:
        """Sources recorded before but not among this run's inputs: kept and counted, or with ``prune``
        deleted (every row, and the JSON file)."""
        gone = [sid for sid in self.known if sid not in seen
                and not any(sid.startswith(prefix + "__") for prefix in partial)]
        if not self.prune:
            self.counts["not_given"] = len(gone)
            return
        self.counts["removed"] = self.store.remove(gone)
        for sid in gone:
            self._json(sid).unlink(missing_ok=True)

    def _export(self) -> None:
        """monographs.jsonl and errors.jsonl rewritten from the database; json/ pruned; Parquet files."""
        import orjson

        from ..emit import atomic_stream

        ids = self.store.monograph_ids()
        with atomic_stream(self.out / "monographs.jsonl") as fh:
            for sid in ids:
                fh.write(self._json(sid).read_bytes().rstrip(b"\n") + b"\n")
        with atomic_stream(self.out / "errors.jsonl") as fh:
            for row in self.store.error_rows():
                fh.write(orjson.dumps(row) + b"\n")
        keep = {f"{sid}.json" for sid in ids}
        for path in (self.out / "json").glob("*.json"):
            if path.name not in keep:
                path.unlink()
        if self.parquet:
            self.store.export_parquet(self.out / "parquet")

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


class _Progress:
    """A tqdm bar on a terminal; otherwise a plain line every ``interval`` seconds."""

    def __init__(self, stream: TextIO, counts: dict[str, int], interval: float = 5.0) -> None:
        self.stream, self.counts, self.interval = stream, counts, interval
        self.started = self.last = time.perf_counter()
        self.bar: Any = None
        if getattr(stream, "isatty", lambda: False)():
            from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

            self.bar = tqdm(file=stream, unit=" sources", desc="ingest", dynamic_ncols=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def tick(self) -> None:
        """One more source done."""
        c = self.counts
        if self.bar is not None:
            self.bar.set_postfix(parsed=c["parsed"], unchanged=c["unchanged"], failed=c["failed"], refresh=False)
            self.bar.update(1)
            return
        now = time.perf_counter()
        if now - self.last >= self.interval:
            self.last = now
            done = c["parsed"] + c["unchanged"] + c["failed"]
            print(f"ingest: {done} sources ({c['parsed']} parsed, {c['unchanged']} unchanged, {c['failed']} "
                  f"failed), {done / (now - self.started):.1f}/s", file=self.stream, flush=True)


def is_unchanged(item: SourceItem, known: Known | None, json_file: Path, version: str) -> bool:
    """True when the item's bytes and the parser are those of its last successful parse, still on disk."""
    if known is None or item.data is None or known.status not in ("ok", "skipped"):
        return False
    if known.parser_version != version or known.sha256 != hashlib.sha256(item.data).hexdigest():
        return False
    return known.status == "skipped" or json_file.exists()
