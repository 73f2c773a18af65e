"""What an ingest worker does with each source: everything but the database.

:func:`parse_source` is the pure function from ``(source_id, name, bytes)`` to a :class:`Parsed` (table rows
plus the JSON bytes); a cluster engine could map it unchanged. :func:`work_chunk` is what a worker process
runs on a few sources at a time: read each file, skip it when unchanged, parse it, write its JSON file
atomically, and hand back compact Arrow tables of all their rows, so that the main process (the only
database writer) does almost nothing per source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LiverToxError, one_line
from ..limits import DEFAULT_LIMITS, Limits
from ..rows import Rows, error_row, source_row
from .discovery import SourceItem

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["Abandoned", "Chunk", "Gate", "Known", "Outcome", "Parsed", "failed_source", "hold_writes",
           "parse_source", "parser_version", "release_writes", "work_chunk"]


def parser_version() -> str:
    """Sources parsed by another version of the package (or schema) are parsed again."""
    from .. import __version__
    from ..models import SCHEMA_VERSION

    return f"{__version__}/{SCHEMA_VERSION}"


@dataclass(frozen=True, slots=True)
class Known:
    """What the database remembers about a source from earlier runs."""

    sha256: str | None
    parser_version: str
    status: str


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
    from ..rows import monograph_rows

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


# ------------------------------------------------------------------------------------ the worker's part


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one source, for the main process to count, report and commit.

    ``status`` is ``ok``, ``failed``, ``skipped`` (front matter) or ``unchanged`` (nothing to write);
    ``line`` is what stderr gets for it; ``fmt`` and ``sha256`` are its ``sources`` row's, kept to record it
    failed should the database refuse one of its rows.
    """

    source_id: str
    name: str
    status: str
    line: str | None = None
    warnings: int = 0
    fmt: str | None = None
    sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    """The outcomes of a few sources and all their rows, one Arrow table per non-empty table."""

    outcomes: list[Outcome]
    tables: dict[str, pa.Table]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled (by a worker, for the main process) with each table as one Arrow IPC stream: a third of
        the CPU time pickling the tables array by array takes, in the worker and in the main process."""
        return _chunk_from_ipc, (self.outcomes, {name: _to_ipc(table) for name, table in self.tables.items()})


def _to_ipc(table: pa.Table) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    data: bytes = sink.getvalue().to_pybytes()
    return data


def _chunk_from_ipc(outcomes: list[Outcome], streams: dict[str, bytes]) -> Chunk:
    import pyarrow as pa

    return Chunk(outcomes, {name: pa.ipc.open_stream(data).read_all() for name, data in streams.items()})


Task = tuple[SourceItem, Known | None]


class Gate:
    """Holds back the JSON files of a run's first sources, parsed while its database is being opened, until it
    is (:meth:`open`) or could not be (:meth:`close`: they are never written). Shared with the worker
    processes by forking them while it is held (:func:`hold_writes`)."""

    def __init__(self) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.decided = context.Event()
        self.allowed = context.RawValue("b", 0)

    def open(self) -> None:
        self.allowed.value = 1
        self.decided.set()

    def close(self) -> None:
        self.decided.set()

    def wait(self) -> bool:
        """Whether the JSON files may be written, once that is decided."""
        self.decided.wait()
        return bool(self.allowed.value)


_gate: Gate | None = None


def hold_writes() -> Gate:
    """Hold back the JSON files :func:`work_chunk` writes, in this process and in processes forked from it
    from now on, until the gate returned is opened or closed; :func:`release_writes` ends that."""
    global _gate
    _gate = Gate()
    return _gate


def release_writes() -> None:
    global _gate
    _gate = None


class Abandoned(RuntimeError):
    """The run these sources were parsed for could not open its database: their JSON files are not written."""


def _may_write() -> None:
    if _gate is not None and not _gate.wait():
        raise Abandoned("the run could not open its database")


def work_chunk(tasks: list[Task], json_dir: Path, limits: Limits = DEFAULT_LIMITS, force: bool = False) -> Chunk:
    """Read, check, parse and write the JSON file of each source of ``tasks``; its rows as Arrow tables.

    A source whose bytes and parser version are those of its last good parse (``Known``), its JSON file
    still there, is ``unchanged`` (unless ``force``). The JSON file of a parsed source is written (atomically,
    fsync'd) before this returns, so always before the commit of its rows; one that cannot be written fails
    its source (LTX040), and so does a row that cannot be typed for its table (LTX041). While writes are held
    (:func:`hold_writes`) the first JSON file waits for the run's database; raises :class:`Abandoned` when the
    run could not open it.
    """
    from concurrent.futures import Future, ThreadPoolExecutor

    from ..emit import write_atomic
    from .columns import ROW_ERRORS, to_tables

    version = parser_version()
    outcomes: list[Outcome] = []
    done: list[Parsed] = []
    writes: list[tuple[int, Future[None]]] = []
    with ThreadPoolExecutor(2, thread_name_prefix="json-writer") as writer:  # fsync while the next one parses
        for item, known in tasks:
            parsed = _read(item)
            if isinstance(parsed, bytes):
                data = parsed
                if not force and is_unchanged(data, known, json_dir / f"{item.source_id}.json", version):
                    outcomes.append(Outcome(item.source_id, item.name, "unchanged"))
                    continue
                parsed = parse_source(item.source_id, item.name, data, limits)
            if parsed.json is not None:
                if not writes:
                    _may_write()
                path = json_dir / f"{item.source_id}.json"
                writes.append((len(done), writer.submit(write_atomic, path, parsed.json + b"\n")))
            done.append(parsed)
        for i, write in writes:
            try:
                write.result()
            except OSError as exc:
                done[i] = _refused(done[i], "LTX040", f"cannot write its JSON file: {exc.strerror or exc}")
    try:
        tables = _merge(done, to_tables)
    except ROW_ERRORS:  # find the sources at fault
        for i, parsed in enumerate(done):
            try:
                to_tables(parsed.rows)
            except ROW_ERRORS as exc:
                (json_dir / f"{parsed.source_id}.json").unlink(missing_ok=True)
                done[i] = _refused(parsed, "LTX041", f"the database refused a row: {one_line(str(exc))}")
        tables = _merge(done, to_tables)
    outcomes += [_outcome(parsed) for parsed in done]
    return Chunk(outcomes, tables)


def _read(item: SourceItem) -> bytes | Parsed:
    """The source's bytes, or the rows recording why there are none."""
    if item.error is not None:
        return failed_source(item.source_id, item.name, item.error)
    if item.path is None:
        return item.data or b""
    from ..readers import read_bytes

    try:  # a file over the input limit is refused without reading it all (LTX030)
        return read_bytes(item.path, item.max_bytes)
    except LiverToxError as exc:
        return failed_source(item.source_id, item.name, exc)


def _merge(done: list[Parsed], to_tables: Any) -> dict[str, pa.Table]:
    """All the sources' rows, table by table, as one Arrow table each."""
    rows: Rows = {}
    for parsed in done:
        for table, table_rows in parsed.rows.items():
            rows.setdefault(table, []).extend(table_rows)
    result: dict[str, pa.Table] = to_tables(rows)
    return result


def _refused(parsed: Parsed, code: str, message: str) -> Parsed:
    """A parsed source that cannot be stored: failed, with the ``sources`` row it had (format, sha256)."""
    source = parsed.rows["sources"][0]
    failed = failed_source(parsed.source_id, parsed.name, LiverToxError(code, message, path=parsed.name),
                           sha256=source["sha256"], fmt=source["format"])
    return Parsed(failed.source_id, failed.name, failed.rows, None, error=failed.error, warnings=parsed.warnings)


def _outcome(parsed: Parsed) -> Outcome:
    source = parsed.rows["sources"][0]
    line: str | None = None
    if parsed.skipped is not None:
        status, line = "skipped", f"{one_line(parsed.skipped)} (skipped)"
    elif parsed.json is None:
        status, line = "failed", parsed.error
    else:
        status = "ok"
    return Outcome(parsed.source_id, parsed.name, status, line, parsed.warnings, source["format"],
                   source["sha256"])


def is_unchanged(data: bytes, known: Known | None, json_file: Path, version: str) -> bool:
    """True when ``data`` and the parser are those of the source's last successful parse, still on disk."""
    if known is None or known.status not in ("ok", "skipped"):
        return False
    if known.parser_version != version or known.sha256 != hashlib.sha256(data).hexdigest():
        return False
    return known.status == "skipped" or json_file.exists()
