"""Table rows as Arrow tables: what a worker hands the main process, and DuckDB inserts in one statement.

Arrow types are the widest of each DuckDB column's kind (``INTEGER`` travels as int64): the database casts
on insert, so a value out of a column's range is refused by DuckDB, as when rows were inserted from Python
lists, and fails only its own source (LTX041).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pyarrow as pa

from ..rows import TABLES, Rows

__all__ = ["ROW_ERRORS", "key_column", "to_arrow", "to_tables", "warm"]

_TYPES = {
    "VARCHAR": pa.string(), "INTEGER": pa.int64(), "DOUBLE": pa.float64(), "BOOLEAN": pa.bool_(),
    "VARCHAR[]": pa.list_(pa.string()), "MAP(VARCHAR, INTEGER)": pa.map_(pa.string(), pa.int64()),
}

# what pyarrow raises for a value that does not fit its column
ROW_ERRORS = (pa.ArrowException, ValueError, TypeError, OverflowError)


def key_column(table: str) -> str:
    """The column naming the source a row belongs to."""
    return "source_id" if table in ("sources", "errors") else "monograph_id"


@cache
def schema(table: str) -> pa.Schema:
    """The Arrow schema of ``table``'s rows (columns of :data:`~livertox_parse.rows.TABLES`, in order)."""
    return pa.schema([(name, _TYPES[kind]) for name, kind in TABLES[table]])


def to_arrow(table: str, rows: list[dict[str, Any]]) -> pa.Table:
    """``rows`` of ``table`` column by column; raises (pyarrow's errors) for a value of the wrong type."""
    arrays = []
    for field in schema(table):
        values = [row[field.name] for row in rows]
        if pa.types.is_map(field.type):  # None is stored as an empty map, as before
            values = [list((v or {}).items()) for v in values]
        arrays.append(pa.array(values, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema(table))


def to_tables(rows: Rows) -> dict[str, pa.Table]:
    """Every non-empty table of ``rows`` as Arrow."""
    return {table: to_arrow(table, table_rows) for table, table_rows in rows.items() if table_rows}


def warm() -> None:
    """Pay pyarrow's one-time set-up (~0.1 s on its first conversion) now, in a worker starting up."""
    to_tables({table: [] for table in TABLES})
    to_arrow("monographs", [])
    pa.array(["x"], type=pa.string())
