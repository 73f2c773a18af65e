"""The ingest report's charts drawn by the two chart processes of a run with workers are those drawn here."""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

from livertox_parse.cli import main
from livertox_parse.ingest.charts import ChartDrawer
from livertox_parse.view.report import CHARTS, draw_charts, read_report_data

from .conftest import FIXTURES, ROOT

FORKED = pytest.mark.skipif(sys.platform != "linux", reason="the chart-drawing processes are forked (Linux)")
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


@FORKED
def test_charts_drawn_in_two_processes_are_those_drawn_in_one(ingested: Path, fixed_ids: None) -> None:
    data = read_report_data(ingested / "livertox.duckdb")
    alone = draw_charts(data)
    assert list(alone) == list(CHARTS) and all(alone.values())
    drawer = ChartDrawer.start()  # forked here, where svg.hashsalt is set
    assert drawer is not None
    try:
        drawer.preload()
        assert drawer.draw(data) == alone
        assert drawer.draw(data) == alone  # again: both processes are still there
    finally:
        drawer.close()
    drawer.process.join(timeout=30)
    assert drawer.process.exitcode == 0  # ended once its connection was closed


@FORKED
def test_charts_are_drawn_here_when_the_chart_processes_are_gone(ingested: Path, fixed_ids: None) -> None:
    drawer = ChartDrawer.start()
    assert drawer is not None
    drawer.process.kill()
    drawer.process.join(timeout=30)
    try:
        assert drawer.draw(read_report_data(ingested / "livertox.duckdb")) is None
    finally:
        drawer.close()


def test_ingest_with_workers_writes_the_same_charts(ingested: Path, fixed_ids: None) -> None:
    page = (ingested / "report.html").read_text(encoding="utf-8")
    uris = re.findall(r'<img src="(data:image/svg\+xml;base64,[^"]+)"', page)
    assert uris == list(draw_charts(read_report_data(ingested / "livertox.duckdb")).values())


@FORKED
def test_a_run_whose_chart_processes_died_draws_the_charts_itself(tmp_path: Path, fixed_ids: None,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    started = ChartDrawer.start

    def dead() -> ChartDrawer | None:
        drawer = started()
        assert drawer is not None
        drawer.process.kill()
        drawer.process.join(timeout=30)
        return drawer

    monkeypatch.setattr(ChartDrawer, "start", staticmethod(dead))
    src = tmp_path / "in"
    src.mkdir()
    for name in INPUTS:
        shutil.copy(FIXTURES / name, src / Path(name).name)
    out, err = tmp_path / "out", io.StringIO()
    assert main(["ingest", str(src), "--out", str(out), "--workers", "2"], io.StringIO(), err) == 0
    assert "report.html" not in err.getvalue()  # nothing said: the page is whole
    page = (out / "report.html").read_text(encoding="utf-8")
    uris = re.findall(r'<img src="(data:image/svg\+xml;base64,[^"]+)"', page)
    assert uris == list(draw_charts(read_report_data(out / "livertox.duckdb")).values())


@FORKED
def test_the_main_process_of_a_run_with_workers_never_imports_matplotlib(tmp_path: Path) -> None:
    """matplotlib is imported by the chart-drawing processes only (~35 MB of the main process's memory)."""
    src = tmp_path / "in"
    src.mkdir()
    for name in INPUTS:
        shutil.copy(FIXTURES / name, src / Path(name).name)
    code = ("import io, sys\nfrom livertox_parse.cli import main\n"
            f"status = main(['ingest', {str(src)!r}, '--out', {str(tmp_path / 'out')!r}, '--workers', '2'], "
            "io.StringIO(), io.StringIO())\nprint(status, 'matplotlib' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert done.stdout.split() == ["0", "False"]
    assert (tmp_path / "out" / "report.html").read_text(encoding="utf-8").count("data:image/svg+xml") == 4


@FORKED
def test_chart_processes_that_cannot_import_matplotlib_say_so_to_the_run(ingested: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.ticker", None)  # forked with it: not importable
    drawer = ChartDrawer.start()
    assert drawer is not None
    try:
        drawer.preload()
        assert drawer.draw(read_report_data(ingested / "livertox.duckdb")) is None  # the run draws, or says why
    finally:
        drawer.close()
    drawer.process.join(timeout=30)
    assert drawer.process.exitcode == 0
    assert "Traceback" not in capfd.readouterr().err


@FORKED
def test_chart_processes_that_do_not_answer_are_given_up(ingested: Path) -> None:
    drawer = ChartDrawer.start()
    assert drawer is not None and drawer.process.pid is not None
    drawer.timeout = 0.5
    os.kill(drawer.process.pid, signal.SIGSTOP)  # stuck, as a deadlock would leave it
    try:
        assert drawer.draw(read_report_data(ingested / "livertox.duckdb")) is None  # the run draws instead
    finally:
        drawer.close()
    drawer.process.join(timeout=30)
    assert drawer.process.exitcode == -signal.SIGKILL
