"""What a worker hands the main process survives the trip: a chunk's outcomes and every table, unchanged."""

from __future__ import annotations

import pickle
from pathlib import Path

from livertox_parse.ingest.discovery import SourceItem
from livertox_parse.ingest.work import Chunk, work_chunk

from .conftest import FIXTURES


def test_a_pickled_chunk_is_the_same_chunk(tmp_path: Path) -> None:
    names = ["text/anakinra.txt", "nxml/Metoprolol.nxml", "nxml/ARBs.nxml"]
    tasks = [(SourceItem(f"id-{i}", str(FIXTURES / n), path=str(FIXTURES / n), max_bytes=10**8), None)
             for i, n in enumerate(names)]
    tasks.append((SourceItem("id-bad", "bad.txt", data=b"\xff\xfe not text"), None))
    chunk = work_chunk(tasks, json_dir=tmp_path)
    assert {o.status for o in chunk.outcomes} == {"ok", "failed"}
    assert {"monographs", "cases", "labs", "entities", "errors"} <= set(chunk.tables)
    back = pickle.loads(pickle.dumps(chunk))
    assert isinstance(back, Chunk) and back.outcomes == chunk.outcomes
    assert list(back.tables) == list(chunk.tables)
    for name, table in chunk.tables.items():
        assert back.tables[name].schema == table.schema, name
        assert back.tables[name].to_pylist() == table.to_pylist(), name


def test_a_chunk_without_rows_survives_the_trip(tmp_path: Path) -> None:
    empty = Chunk([], {})
    assert pickle.loads(pickle.dumps(empty)) == empty
