"""The report's charts of an ingest run with worker processes, drawn by two processes forked as it starts.

matplotlib takes ~0.3 s of CPU to import and ~0.3 s to draw the four charts, which can only be drawn at the
end of the run, once every row is in. A process forked when the run starts (before DuckDB is imported, so
nothing of it is copied) imports matplotlib when the run tells it to (with its first results, so as not to
slow the workers' start) and then forks a second one from itself. At the end, when the workers' cores are
idle, the two draw two charts each from the report's numbers while the main process writes the JSON Lines
files and closes the database. The main process never imports matplotlib: ~35 MB less resident there.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from ..view.report import ReportData

__all__ = ["SECOND", "ChartDrawer"]

SECOND = ("r", "scores")  # the charts the second process draws: about half of the drawing time

Charts = dict[str, str | None]


class ChartDrawer:
    """The two chart-drawing processes of a run (Linux: they are forked; :meth:`start` gives None elsewhere).

    :meth:`preload` has matplotlib imported (and the second process forked) meanwhile; :meth:`draw` gives the
    charts of the report's numbers, or None when the processes could not draw them (the caller draws them
    itself then); :meth:`close` lets the processes end.
    """

    timeout = 60.0  # seconds draw() waits for the charts (they take ~0.2 s) before it gives up on the processes

    def __init__(self, conn: Connection, process: BaseProcess) -> None:
        self.conn, self.process = conn, process

    @classmethod
    def start(cls) -> ChartDrawer | None:
        if sys.platform != "linux":
            return None
        import multiprocessing

        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        process = context.Process(target=_first, args=(theirs, ours, os.getpid()), name="ingest-charts",
                                  daemon=True)
        process.start()
        theirs.close()
        return cls(ours, process)

    def preload(self) -> None:
        """Import matplotlib in the drawing processes now (once; a no-op when they are gone)."""
        try:
            self.conn.send(("import", None))
        except OSError:
            pass

    def draw(self, data: ReportData) -> Charts | None:
        """Every chart of ``data``, drawn in the two processes; None when they failed, are gone, or did not
        answer in :attr:`timeout` seconds (stuck: then they are killed)."""
        try:
            self.conn.send(("draw", data))
            if not self.conn.poll(self.timeout):
                self.process.kill()  # (the second process ends with it)
                return None
            reply: tuple[str, Any] = self.conn.recv()
        except (OSError, EOFError):
            return None
        kind, charts = reply
        return charts if kind == "charts" else None

    def close(self) -> None:
        """Let the processes end (their exit, ~20 ms of unmapping pages, is not waited for)."""
        self.conn.close()


def _first(conn: Connection, other_end: Connection, parent: int) -> None:
    """The first drawing process: on 'import', imports matplotlib and forks the second; on 'draw', sends the
    second its charts' numbers, draws the rest and answers with all of them."""
    other_end.close()  # the main process's end: once the main process closes its own, recv() ends here
    _detach(parent)
    second: Connection | None = None
    pid = 0
    imported = False
    try:
        while True:
            kind, data = conn.recv()
            if not imported:
                imported = True
                try:
                    second, pid = _fork_second()
                except Exception:  # noqa: BLE001  # drawing fails too then, and the main process says why
                    second = None
            if kind == "draw":
                conn.send(_draw_both(data, second))
    except EOFError:
        pass
    if second is not None:  # the second ends too, and is waited for (its CPU time counts as this one's children's)
        second.close()
        os.waitpid(pid, 0)


def _detach(parent: int) -> None:
    """Leave Ctrl-C to the main process, end with ``parent``."""
    import signal

    from .pool import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)


def _fork_second() -> tuple[Connection | None, int]:
    """matplotlib imported, then the second process forked (it shares the import); its connection and pid,
    or None when it could not be started (this process draws every chart then)."""
    import gc
    import multiprocessing

    import matplotlib.backends.backend_svg
    import matplotlib.figure
    import matplotlib.ticker  # noqa: F401

    gc.freeze()  # what the import made, out of the garbage collector's way
    ours, theirs = multiprocessing.Pipe()
    try:
        pid = os.fork()
    except OSError:
        return None, 0
    if pid == 0:  # the second process
        code = 1
        try:
            ours.close()
            _second(theirs)
            code = 0
        finally:
            os._exit(code)
    theirs.close()
    return ours, pid


def _second(conn: Connection) -> None:
    """The second drawing process: draws the charts :data:`SECOND` of the numbers it is sent."""
    from ..view.report import draw_charts

    _detach(os.getppid())
    try:
        while True:
            data = conn.recv()
            try:
                conn.send(("charts", draw_charts(data, SECOND)))
            except Exception as exc:  # noqa: BLE001  # the first process draws them instead
                conn.send(("failed", f"{type(exc).__name__}: {exc}"))
    except EOFError:
        pass


def _draw_both(data: ReportData, second: Connection | None) -> tuple[str, Any]:
    """Every chart of ``data``: those of :data:`SECOND` by the second process, the others here."""
    from ..view.report import CHARTS, draw_charts

    try:
        theirs: Charts | None = None
        if second is not None:
            try:
                second.send(data)
            except OSError:
                second = None
        charts = draw_charts(data, [c for c in CHARTS if c not in SECOND])
        if second is not None:
            try:
                kind, drawn = second.recv()
                theirs = drawn if kind == "charts" else None
            except (OSError, EOFError):
                theirs = None
        charts.update(theirs if theirs is not None else draw_charts(data, SECOND))
        return "charts", {name: charts[name] for name in CHARTS}
    except Exception as exc:  # noqa: BLE001  # the main process draws them instead
        return "failed", f"{type(exc).__name__}: {exc}"
