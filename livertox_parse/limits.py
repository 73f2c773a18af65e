"""Resource limits for one document: what a hostile input may cost before it is refused.

A chapter is a few hundred kilobytes; the limits sit far above every real one and far below what takes a
machine down. Past a limit the document fails with a LiverToxError (code below) and the batch goes on. With
the defaults, any input up to 10 MB is refused or parsed within 1 GB of peak RSS and 30 seconds.

=====================  =========  ======  ==================================================================
limit                  default    code    what is counted
=====================  =========  ======  ==================================================================
``max_input_bytes``    32 MiB     LTX030  bytes of one input file, archive member or ``parse_text`` string
``max_page_chars``     50,000     LTX031  characters (and drawn shapes, counted apart) on one PDF page
``max_string_chars``   50,000     LTX032  bytes of one PDF text string (one character each in simple fonts)
``max_stream_bytes``   256 MiB    LTX033  bytes all of a PDF's compressed streams inflate to, together
``max_seconds``        25         LTX034  wall-clock seconds to read and parse one document
=====================  =========  ======  ==================================================================

0 turns a limit off. The time limit is checked at points inside the readers and stages, and in the main
thread also by a ``SIGALRM`` timer, which interrupts code that has no such point (unless the program set its
own ``SIGALRM`` handler or timer).
"""

from __future__ import annotations

import argparse
import math
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from functools import partial
from types import FrameType
from typing import Any

from .errors import LiverToxError

MiB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for one document (see the module docstring); 0 turns a limit off."""

    max_input_bytes: int = 32 * MiB
    max_page_chars: int = 50_000
    max_string_chars: int = 50_000
    max_stream_bytes: int = 256 * MiB
    max_seconds: float = 25.0


DEFAULT_LIMITS = Limits()
HELP = {
    "max_input_bytes": "refuse an input (file, archive member) larger than this (LTX030); suffixes k, M, G",
    "max_page_chars": "refuse a PDF page with more characters, or more drawn shapes, than this (LTX031)",
    "max_string_chars": "refuse a PDF whose one text string is longer than this (LTX032)",
    "max_stream_bytes": "refuse a PDF whose compressed streams inflate to more than this in all (LTX033)",
    "max_seconds": "give up on a document after this many seconds (LTX034)",
}


class LimitExceeded(BaseException):
    """A limit was passed deep inside a reader. A BaseException, so that a library's broad ``except
    Exception`` (pdfminer skips damaged objects that way) cannot swallow it; :func:`enforced` turns it
    into the LiverToxError it carries."""

    def __init__(self, error: LiverToxError) -> None:
        super().__init__(error.message)
        self.error = error


def exceeded(code: str, message: str, *, page: int | None = None) -> LimitExceeded:
    """The exception for a passed limit, to ``raise`` where it was found."""
    return LimitExceeded(LiverToxError(code, message, page=page))


_deadline: ContextVar[tuple[float, float] | None] = ContextVar("livertox_deadline", default=None)


def check_time() -> None:
    """Raise LimitExceeded (LTX034) when the document being parsed has used up its time; cheap."""
    deadline = _deadline.get()
    if deadline is not None and time.monotonic() > deadline[0]:
        raise _timeout(deadline[1])


_ALARM_REPEAT = 0.05


def _timeout(seconds: float) -> LimitExceeded:
    return exceeded("LTX034", f"parsing took longer than the time limit of {seconds:g} s (max_seconds)")


@contextmanager
def enforced(limits: Limits, path: str | None = None) -> Iterator[None]:
    """Run the block as one document's parse under ``limits``: the time limit starts here, and a
    LimitExceeded raised inside leaves as its LiverToxError (with ``path`` filled in). Nested blocks keep
    the outer deadline."""
    seconds = limits.max_seconds
    outer = _deadline.get()
    token = None
    alarm = False
    hook = sys.unraisablehook
    if outer is None and seconds > 0:
        token = _deadline.set((time.monotonic() + seconds, seconds))
        alarm = _start_alarm(seconds)
    if alarm:
        sys.unraisablehook = partial(_unraisable, hook)
    try:
        try:
            yield
        finally:
            if alarm:  # first thing: an alarm due now still lands in the except below
                signal.setitimer(signal.ITIMER_REAL, 0)
    except LimitExceeded as exc:
        raise (exc.error.with_path(path) if path else exc.error) from None
    finally:
        if alarm:
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            sys.unraisablehook = hook
        if token is not None:
            _deadline.reset(token)


def _unraisable(hook: Callable[[Any], object], unraisable: Any) -> None:
    """``sys.unraisablehook`` while the alarm is armed: an alarm raised where Python drops exceptions (a garbage
    collector or weakref callback) is not reported, the next one stops the parse; anything else goes on to
    ``hook``."""
    if not isinstance(unraisable.exc_value, LimitExceeded):
        hook(unraisable)


def _start_alarm(seconds: float) -> bool:
    """Arm a SIGALRM timer raising LTX034 in the main thread, unless SIGALRM is someone else's."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    if signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, None) or signal.getitimer(signal.ITIMER_REAL)[0]:
        return False

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise _timeout(seconds)

    signal.signal(signal.SIGALRM, on_alarm)
    # then again every _ALARM_REPEAT s until enforced() disarms it: an exception raised while Python runs a
    # garbage-collector or weakref callback is dropped (_unraisable), never reaching the parse
    signal.setitimer(signal.ITIMER_REAL, seconds, _ALARM_REPEAT)
    return True


def over(limit: float, value: float) -> bool:
    """True when ``value`` passes ``limit`` (a limit of 0 is off)."""
    return bool(limit) and value > limit


# --- command line ---------------------------------------------------------------------------------------


def _size(text: str) -> int:
    """``123``, ``64k``, ``32M``, ``1G`` (binary multiples) as a number of bytes or characters."""
    scale = {"k": 1 << 10, "m": MiB, "g": 1 << 30}.get(text[-1:].lower(), 1)
    number = text[:-1] if scale > 1 else text
    try:
        value = float(number) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number such as 5000 or 32M, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of 0 or more, got {text!r}")
    return int(value)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds of 0 or more, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--max-input-bytes`` ... ``--max-seconds`` (defaults: :data:`DEFAULT_LIMITS`) to a subcommand."""
    group = parser.add_argument_group("resource limits (0 turns one off)")
    for f in fields(Limits):
        default = getattr(DEFAULT_LIMITS, f.name)
        group.add_argument(f"--{f.name.replace('_', '-')}", dest=f.name, default=default, metavar="N",
                           type=_seconds if f.name == "max_seconds" else _size,
                           help=f"{HELP[f.name]} (default: {default:g})")


def from_args(args: argparse.Namespace) -> Limits:
    """The Limits given by :func:`add_arguments`' options."""
    return Limits(**{f.name: getattr(args, f.name, getattr(DEFAULT_LIMITS, f.name)) for f in fields(Limits)})
