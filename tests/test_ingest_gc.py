"""An ingest run freezes the objects it starts with out of the garbage collector's way, and only for the run."""

from __future__ import annotations

import gc
import io
import shutil
from pathlib import Path
from typing import Any

import pytest

from livertox_parse.ingest import Ingest
from livertox_parse.ingest.store import RootMismatch

from .conftest import FIXTURES


def test_a_run_leaves_nothing_frozen(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(FIXTURES / "text" / "anakinra.txt", src)
    before = gc.get_freeze_count()
    seen: list[int] = []

    class Watched(Ingest):
        def _export(self, ids: list[str], errors: list[dict[str, Any]]) -> float:
            seen.append(gc.get_freeze_count())  # during the run: what there was at its start is frozen
            return super()._export(ids, errors)

    counts = Watched([str(src)], tmp_path / "out", workers=1, stderr=io.StringIO(), root=tmp_path).run()
    assert counts["parsed"] == 1
    assert seen and seen[0] > before
    assert gc.get_freeze_count() == before
    # a run that stops on an exception unfreezes too
    with pytest.raises(RootMismatch):
        Ingest([str(src)], tmp_path / "out", workers=1, stderr=io.StringIO(), root=src).run()
    assert gc.get_freeze_count() == before
