"""Monographs as pandas DataFrames: the tables and columns of the DuckDB store, for a notebook.

pandas is imported when :func:`to_frames` is called (``pip install 'livertox-parse[notebook]'``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import LiverToxError
from .models import Monograph
from .rows import TABLES, Rows, error_row, monograph_rows, source_id, source_key, source_row

if TYPE_CHECKING:
    import pandas as pd

Parsed = Monograph | tuple[str, Monograph | LiverToxError]


def rows_of(items: Iterable[Parsed], root: Path | None = None) -> Rows:
    """Rows per table (every table of :data:`~livertox_parse.rows.TABLES`) for monographs, or for the
    ``(name, Monograph or LiverToxError)`` pairs :func:`~livertox_parse.parse_many` yields: an error gives a
    ``sources`` row with status ``failed`` and an ``errors`` row."""
    out: Rows = {table: [] for table in TABLES}
    for item in items:
        name, result = (item.source.path or "", item) if isinstance(item, Monograph) else item
        if isinstance(result, LiverToxError):
            sid = source_id(source_key(name, root or Path.cwd()))
            out["sources"].append(source_row(sid, name, None, None, "failed", None))
            out["errors"].append(error_row(sid, name, result.code, result.message, result.location(),
                                           result.page, result.line, result.column))
            continue
        mid = result.monograph_id(root)
        src = result.source
        out["sources"].append(source_row(mid, src.path or name, src.format, src.sha256, "ok", None))
        for table, rows in monograph_rows(mid, result.model_dump(mode="json")).items():
            out[table].extend(rows)
    return out


def to_frames(monographs: Iterable[Parsed], *, root: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """One DataFrame per table of the DuckDB store (same table and column names), for monographs or for the
    pairs :func:`~livertox_parse.parse_many` yields.

    Every row carries ``monograph_id`` (``source_id`` in ``sources`` and ``errors``): the same id ``ingest``
    gives the source when run from ``root`` (default: the current folder), so the text, PDF and NXML copies of
    a chapter stay apart after a concat; ``monographs`` holds each one's ``source_name``, ``format`` and
    ``chapter_key`` to join on. Tables without rows are empty frames with their columns.
    """
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("to_frames needs pandas: pip install 'livertox-parse[notebook]' "
                          "(make install does)") from None
    rows = rows_of(monographs, Path(root) if root is not None else None)
    return {table: pd.DataFrame.from_records(rows[table], columns=[name for name, _ in cols])
            for table, cols in TABLES.items()}
