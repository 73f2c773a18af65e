"""Worker processes of an ingest run: started before the database opens, ended with the main process, and
fed a few sources at a time so that the main process spends next to nothing per source."""

from __future__ import annotations

import gc
import importlib.abc
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

from ..errors import LiverToxError
from .discovery import SourceItem
from .work import Chunk, Task

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

__all__ = ["CHUNK", "IN_FLIGHT", "die_with_parent", "map_chunks", "start_pool"]

CHUNK = 8  # sources per task: one message each way per CHUNK sources
IN_FLIGHT = 3  # tasks queued per worker: enough to keep it busy while the main process commits


def _warm_worker(parent: int) -> None:
    """Worker initializer: leave Ctrl-C to the main process, end with it, build the spaCy pipeline once."""
    import signal

    from ..stages.entities import get_nlp
    from .columns import warm

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
    get_nlp()
    # pyarrow imports pandas, when it is installed, on its first conversion of Python objects, only to ask
    # whether they are pandas objects (~45 MB and ~0.15 s of CPU per worker). A worker never meets one, and
    # pandas is no dependency of the core, so here (a worker process only) it is not to be found.
    sys.meta_path.insert(0, _NoPandas())
    warm()  # pyarrow's first conversions, while the main process opens the database
    gc.freeze()


class _NoPandas(importlib.abc.MetaPathFinder):
    """Finds ``pandas`` nowhere (see :func:`_warm_worker`); a pandas already imported stays usable."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ModuleNotFoundError(f"No module named {name!r} in an ingest worker", name=name)


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


Work = Callable[[list[Task]], Chunk]


def map_chunks(tasks: Iterable[Task], pool: Executor | None, workers: int, work: Work,
               on_lost: Callable[[SourceItem, LiverToxError], Chunk]) -> Iterator[Chunk]:
    """``work`` (a picklable function) over ``tasks``, :data:`CHUNK` at a time, results in completion order.

    At most ``IN_FLIGHT * workers`` chunks are in flight, so memory stays flat however many sources there
    are. When a worker process dies (or ``work`` raises), the pool is replaced and the sources of the
    chunks it held are retried one at a time; one that kills a worker when alone is handed to ``on_lost``
    with error LTX099, and the run goes on.
    """
    source = iter(tasks)
    if pool is None:
        while chunk := list(islice(source, CHUNK)):
            yield work(chunk)
        return
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    pending: dict[Future[Chunk], tuple[list[Task], bool]] = {}  # future -> (tasks, running alone)
    alone: deque[Task] = deque()  # were in flight when a worker died: retried one at a time
    unsent: deque[list[Task]] = deque()  # never reached a worker
    executor: Executor = pool
    finished = False

    def submit(chunk: list[Task], solo: bool) -> None:
        try:
            pending[executor.submit(work, chunk)] = (chunk, solo)
        except BrokenProcessPool:
            if solo:
                alone.extendleft(chunk)
            else:
                unsent.appendleft(chunk)
            raise

    try:
        while True:
            broken = False
            try:
                if alone:
                    if not pending:
                        submit([alone.popleft()], True)
                else:
                    while len(pending) < IN_FLIGHT * workers and (
                            fresh := unsent.popleft() if unsent else list(islice(source, CHUNK))):
                        submit(fresh, False)
            except BrokenProcessPool:
                broken = True
            if not pending and not broken:
                finished = True
                return
            done = wait(pending, return_when=FIRST_COMPLETED)[0] if pending and not broken else set()
            if broken or any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                executor.shutdown(wait=True, cancel_futures=True)  # settles every future still pending
                done, broken = set(pending), True
            for future in done:
                chunk, solo = pending.pop(future)
                exc = None if future.cancelled() else future.exception()
                if future.cancelled():
                    unsent.append(chunk)
                elif exc is None:
                    yield future.result()
                elif solo:
                    message = ("the worker process died while parsing this input"
                               if isinstance(exc, BrokenProcessPool) else f"{type(exc).__name__}: {exc}")
                    item = chunk[0][0]
                    yield on_lost(item, LiverToxError("LTX099", message, path=item.name))
                else:
                    alone.extend(chunk)
            if broken:
                executor = start_pool(workers) or executor
    finally:
        # at the end of the work the workers exit (~20 ms) while the caller goes on; its own shutdown of
        # the pool joins them
        executor.shutdown(wait=not (finished and executor is pool), cancel_futures=True)
