"""A progress bar on a terminal (tqdm, on stderr) for commands that work through many inputs. When stderr is
not a terminal (a log or a CI job) there is no bar, so no half-drawn bar ends up in a file: nothing at all,
or, for long runs that ask for it (``every``), a plain status line every so many seconds."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Self, TextIO


class Progress:
    """``with Progress(stderr, total, "parse") as p: ... p.tick() ... p.print(line)``.

    ``total`` is the number of inputs when known (None: a running count). Lines printed through
    :meth:`print` go above the bar instead of through it. The bar appears only when ``enabled``, ``stream``
    is a terminal and there is more than one input. ``status`` returns ``(done, postfix)``: the number of
    inputs done and counts by kind, shown beside the bar, and, without a terminal, printed every ``every``
    seconds (None: never).
    """

    def __init__(self, stream: TextIO, total: int | None, desc: str, *, enabled: bool = True,
                 unit: str = " files", status: Callable[[], tuple[int, dict[str, int]]] | None = None,
                 every: float | None = None) -> None:
        self.stream, self.desc, self.unit, self.status, self.every = stream, desc, unit, status, every
        self.started = self.last = time.perf_counter()
        self.bar: Any = None
        if enabled and bool(getattr(stream, "isatty", lambda: False)()) and total != 1:
            from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

            self.bar = tqdm(total=total, file=stream, desc=desc, unit=unit, dynamic_ncols=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def tick(self, n: int = 1) -> None:
        """``n`` more inputs done."""
        if self.bar is not None:
            if self.status is not None:
                self.bar.set_postfix(self.status()[1], refresh=False)
            self.bar.update(n)
        elif self.every is not None and self.status is not None:
            now = time.perf_counter()
            if now - self.last >= self.every:
                self.last = now
                done, counts = self.status()
                kinds = ", ".join(f"{v} {k}" for k, v in counts.items())
                print(f"{self.desc}: {done}{self.unit} ({kinds}), {done / (now - self.started):.1f}/s",
                      file=self.stream, flush=True)

    def print(self, line: str) -> None:
        """A line on the stream, kept clear of the bar."""
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)
