"""The ingest report's charts drawn in two processes (an ingest run with workers) are those drawn in one."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

from livertox_parse.cli import main
from livertox_parse.view.report import CHARTS, draw_charts, draw_charts_in_two, read_report_data

from .conftest import FIXTURES

INPUTS = ("text/anakinra.txt", "nxml/Metoprolol.nxml", "text/arbs.txt")


@pytest.fixture()
def fixed_ids() -> Iterator[None]:
    """matplotlib names the parts of an SVG by a hash salted at random per process, unless told the salt."""
    with matplotlib.rc_context({"svg.hashsalt": "test_ingest_report"}):
        yield


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    src = tmp_path_factory.mktemp("in")
    for name in INPUTS:
        shutil.copy(FIXTURES / name, src / Path(name).name)
    out = tmp_path_factory.mktemp("out")
    with matplotlib.rc_context({"svg.hashsalt": "test_ingest_report"}):  # the forked child inherits it
        status = main(["ingest", str(src), "--out", str(out), "--workers", "2"], io.StringIO(), io.StringIO())
    assert status == 0
    yield out


def test_charts_drawn_in_two_processes_are_those_drawn_in_one(ingested: Path, fixed_ids: None) -> None:
    data = read_report_data(ingested / "livertox.duckdb")
    alone = draw_charts(data)
    assert list(alone) == list(CHARTS) and all(alone.values())
    assert draw_charts_in_two(data) == alone


def test_ingest_with_workers_writes_the_same_charts(ingested: Path, fixed_ids: None) -> None:
    page = (ingested / "report.html").read_text(encoding="utf-8")
    uris = re.findall(r'<img src="(data:image/svg\+xml;base64,[^"]+)"', page)
    assert uris == list(draw_charts(read_report_data(ingested / "livertox.duckdb")).values())
