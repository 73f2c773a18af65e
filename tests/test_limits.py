"""Issue 9, resource limits: past a limit a LiverToxError with its code, and the batch goes on.

The inputs are the issue's (a PDF with one huge string, a stream that inflates far, a page of overlapping
text blocks, an input too large) scaled down, with the limits set low in each test: the same code paths,
at a cost of milliseconds. The time limit is asserted by its error code only.
"""

from __future__ import annotations

import gc
import io
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

import livertox_parse
from livertox_parse import Limits, LiverToxError, parse_input
from livertox_parse.cli import main
from livertox_parse.limits import DEFAULT_LIMITS, check_time, enforced, exceeded

from .conftest import FIXTURES
from .hostile import inflating_stream, make_pdf, text_ops

CHAPTER = ["OVERVIEW", "Metoprolol is a beta blocker.", "Hepatotoxicity", "Liver injury is rare.",
           "Likelihood score: C (probable cause of clinically apparent liver injury)."]


def code_of(data: bytes, limits: Limits, name: str = "x.pdf") -> str:
    with pytest.raises(LiverToxError) as info:
        parse_input(name, data, limits=limits)
    assert "\n" not in str(info.value) and info.value.path == name
    return info.value.code


def test_one_huge_text_string_is_refused_before_a_character_is_laid_out() -> None:
    """The issue's 1 MB PDF with one 1,000,000-character string took 38 s and 2.1 GB."""
    data = make_pdf(text_ops(CHAPTER) + b"\nBT /F1 10 Tf 50 100 Td (" + b"a" * 5000 + b") Tj ET")
    with pytest.raises(LiverToxError) as info:
        parse_input("long.pdf", data, limits=Limits(max_string_chars=4000))
    assert (info.value.code, info.value.page) == ("LTX032", 1)
    assert "5000 characters" in info.value.message
    parse_input("long.pdf", data, limits=Limits(max_string_chars=5000))  # at the limit: read


def test_a_page_of_overlapping_text_blocks_is_refused() -> None:
    """2,000 overlapping text blocks in 850 kB took 26 s and 1.1 GB."""
    blocks = b"\n".join(b"BT /F1 10 Tf %d %d Td (Metoprolol block %d) Tj ET" % (50 + i % 7, 700 - i % 13, i)
                        for i in range(300))
    assert code_of(make_pdf(text_ops(CHAPTER) + b"\n" + blocks), Limits(max_page_chars=3000)) == "LTX031"


def test_a_page_of_many_drawn_shapes_is_refused() -> None:
    shapes = b"\n".join(b"%d %d 1 1 re f" % (i % 500, i % 700) for i in range(3000))
    assert code_of(make_pdf(text_ops(CHAPTER) + b"\n" + shapes), Limits(max_page_chars=2000)) == "LTX031"


@pytest.mark.parametrize("layers", [1, 2])
def test_a_stream_that_inflates_past_the_limit_is_refused(layers: int) -> None:
    """A 1 MB PDF whose content stream inflates to 1 GB took 2.1 GB; here 64 MiB against a 1 MiB limit,
    and the same bomb compressed twice (Flate inside Flate)."""
    stream = inflating_stream(64 << 20, text_ops(CHAPTER) + b"\n")
    if layers == 2:
        stream = zlib.compress(stream)
    assert code_of(make_pdf(stream=stream), Limits(max_stream_bytes=1 << 20)) == "LTX033"


def test_streams_count_together() -> None:
    """Many pages, each stream under the limit, inflate past it together."""
    data = make_pdf(text_ops(CHAPTER), pages=40, flate=True)
    assert code_of(data, Limits(max_stream_bytes=len(text_ops(CHAPTER)) * 20)) == "LTX033"
    parse_input("x.pdf", data, limits=Limits(max_stream_bytes=len(text_ops(CHAPTER)) * 41))


def test_time_limit_in_the_main_thread_and_in_another() -> None:
    """A document that takes longer than max_seconds is LTX034 (SIGALRM in the main thread; checks inside
    the PDF reader elsewhere, e.g. a notebook's worker thread)."""
    blocks = b"\n".join(b"BT /F1 10 Tf 50 %d Td (Metoprolol block %d of many) Tj ET" % (700 - i % 13, i)
                        for i in range(2000))
    data = make_pdf(blocks, pages=20, flate=True)
    limits = Limits(max_seconds=0.2)
    assert code_of(data, limits) == "LTX034"
    found: list[str] = []
    worker = threading.Thread(target=lambda: found.append(code_of(data, limits)))
    worker.start()
    worker.join()
    assert found == ["LTX034"]


def test_a_time_limit_dropped_where_it_landed_lands_again() -> None:
    """The alarm's LimitExceeded can be dropped where it lands (raised in a garbage-collector callback, Python
    prints it as unraisable and goes on); the alarm repeats until the parse ends, so the parse still stops."""
    from livertox_parse.limits import LimitExceeded

    started = time.monotonic()
    with pytest.raises(LiverToxError) as info, enforced(Limits(max_seconds=0.05), "slow.txt"):
        try:
            time.sleep(2)
        except LimitExceeded:
            pass  # dropped, as Python drops it in a gc callback
        time.sleep(2)
    assert info.value.code == "LTX034" and time.monotonic() - started < 1.5


def test_an_alarm_dropped_in_a_callback_is_not_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    """An alarm landing in a garbage-collector callback is dropped by Python and reported as unraisable (pytest
    warned of it): while the alarm is armed it is not reported, and the next alarm stops the parse; another
    exception dropped there is still reported."""
    reported: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: reported.append(u.exc_value))

    def slow_callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            end = time.monotonic() + 0.2
            while time.monotonic() < end:  # busy: the first alarm lands in this frame
                pass

    failed: list[bool] = []

    def failing_callback(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and not failed:  # once: any collection while it is installed calls it
            failed.append(True)
            raise ValueError("not ours")

    gc.callbacks.extend([slow_callback, failing_callback])
    try:
        with pytest.raises(LiverToxError) as info, enforced(Limits(max_seconds=0.05), "slow.txt"):
            gc.collect()
            time.sleep(2)
    finally:
        gc.callbacks.remove(slow_callback)
        gc.callbacks.remove(failing_callback)
    assert info.value.code == "LTX034"
    assert [type(e) for e in reported] == [ValueError]
    assert sys.unraisablehook is not None and sys.unraisablehook.__name__ == "<lambda>"  # restored


def test_nested_enforced_keeps_the_outer_deadline_and_the_error_gets_its_path() -> None:
    with pytest.raises(LiverToxError) as info, enforced(Limits(max_seconds=100), "outer.txt"):
        with enforced(Limits(max_seconds=0.000001), "inner.txt"):
            check_time()  # the inner limit is ignored: the outer deadline stands
        raise exceeded("LTX031", "too many")
    assert (info.value.code, info.value.path) == ("LTX031", "outer.txt")


def test_input_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 5000)
    assert code_of(big.read_bytes(), Limits(max_input_bytes=4096), "big.txt") == "LTX030"
    with pytest.raises(LiverToxError) as info:
        livertox_parse.parse(big, limits=Limits(max_input_bytes=4096))
    assert info.value.code == "LTX030" and "more than 4096" in info.value.message
    with pytest.raises(LiverToxError) as info:
        livertox_parse.parse_text("x" * 5000, limits=Limits(max_input_bytes=4096))
    assert info.value.code == "LTX030"


def test_zero_turns_a_limit_off() -> None:
    data = make_pdf(text_ops(CHAPTER) + b"\nBT /F1 10 Tf 50 100 Td (" + b"a" * 5000 + b") Tj ET")
    off = Limits(max_input_bytes=0, max_page_chars=0, max_string_chars=0, max_stream_bytes=0, max_seconds=0)
    assert parse_input("x.pdf", data, limits=off).sections[0].id == "overview"


def test_defaults_are_documented_in_the_readme() -> None:
    readme = (FIXTURES.parent / "README.md").read_text(encoding="utf-8")
    assert DEFAULT_LIMITS == Limits(32 << 20, 50_000, 50_000, 256 << 20, 25.0)
    for flag, shown in [("--max-input-bytes", "32M"), ("--max-page-chars", "50000"),
                        ("--max-string-chars", "50000"), ("--max-stream-bytes", "256M"), ("--max-seconds", "25")]:
        assert f"| `{flag}` | {shown} |" in readme


def test_cli_flags_reach_the_parser_and_the_batch_goes_on(tmp_path: Path) -> None:
    long = tmp_path / "long.pdf"
    long.write_bytes(make_pdf(text_ops(CHAPTER) + b"\nBT /F1 10 Tf 50 100 Td (" + b"a" * 3000 + b") Tj ET"))
    anakinra = str(FIXTURES / "text" / "anakinra.txt")
    out, err = io.StringIO(), io.StringIO()
    status = main(["parse", "--max-string-chars", "2k", str(long), anakinra], stdout=out, stderr=err)
    assert status == 1 and len(out.getvalue().splitlines()) == 1
    assert err.getvalue().splitlines() == [(f"{long}:page 1: LTX032: PDF text string of 3000 characters on page 1, "
                                            "over the limit of 2048 (max_string_chars)")]
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "--max-input-bytes", "1k", anakinra], stdout=out, stderr=err) == 2
    assert "LTX030" in out.getvalue()
    assert main(["parse", "--max-seconds", "-1", anakinra], stdout=out, stderr=err) == 2
