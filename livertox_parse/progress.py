"""A progress bar on a terminal (tqdm, on stderr) for commands that work through many inputs; nothing at
all when stderr is not a terminal (a log or a CI job), so no half-drawn bar ends up in a file."""

from __future__ import annotations

from typing import Any, Self, TextIO


class Progress:
    """``with Progress(stderr, total, "parse") as p: ... p.tick() ... p.print(line)``.

    ``total`` is the number of inputs when known (None: a running count). Lines printed through
    :meth:`print` go above the bar instead of through it. The bar appears only when ``enabled``, ``stream``
    is a terminal and there is more than one input.
    """

    def __init__(self, stream: TextIO, total: int | None, desc: str, *, enabled: bool = True) -> None:
        self.stream = stream
        self.bar: Any = None
        if enabled and bool(getattr(stream, "isatty", lambda: False)()) and total != 1:
            from tqdm import tqdm  # type: ignore[import-untyped,unused-ignore]

            self.bar = tqdm(total=total, file=stream, desc=desc, unit=" files", dynamic_ncols=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def tick(self) -> None:
        """One more input done."""
        if self.bar is not None:
            self.bar.update(1)

    def print(self, line: str) -> None:
        """A line on the stream, kept clear of the bar."""
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
        else:
            print(line, file=self.stream, flush=True)
