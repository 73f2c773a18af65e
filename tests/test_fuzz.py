"""Issue 9, fuzzing the contract: every input parses to a Monograph that serialises and loads back, or
raises LiverToxError with a specific code (never LTX099, never another exception), in one line.

Three strategies, all built from the fixtures: real text chapters with lines inserted (real lines of any
chapter, odd strings from the issue, random text), deleted, repeated or spliced; real NXML chapters with
whole elements of any chapter inserted, or a tag cut; and byte-level mutations (flips, inserts, deletions,
repeats, truncation, zeroed runs) of every fixture file, PDFs included.
`make test` runs about a minute of examples; ``pytest --fuzz-long`` (or ``LIVERTOX_FUZZ_LONG=1``) runs
20 times as many.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from livertox_parse import Limits, LiverToxError, parse_input, parse_text
from livertox_parse.emit import load, to_bytes
from livertox_parse.errors import ERROR_CODES
from livertox_parse.models import Monograph

from .conftest import FIXTURES

LIMITS = Limits(max_seconds=20)  # the defaults, with room for a loaded test machine
FILES = sorted(p for sub in ("text", "nxml", "pdf") for p in (FIXTURES / sub).iterdir() if p.is_file())


LONG = os.environ.get("LIVERTOX_FUZZ_LONG", "") not in ("", "0")  # set by --fuzz-long (conftest.py)


def fuzz(n: int) -> settings:
    """``n`` examples (20 times as many in a long run), no deadline; the short run is the same every time."""
    return settings(max_examples=n * 20 if LONG else n, deadline=None, derandomize=not LONG, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def holds(run) -> None:  # type: ignore[no-untyped-def]
    """The contract, for one parse."""
    try:
        result = run()
    except LiverToxError as exc:
        assert exc.code in ERROR_CODES and exc.code != "LTX099", str(exc)
        assert "\n" not in str(exc) and "\r" not in str(exc)
        return
    assert isinstance(result, Monograph)
    assert load(to_bytes(result)) == result


@cache
def chapters() -> tuple[tuple[str, ...], ...]:
    """The lines of each text fixture."""
    return tuple(tuple(p.read_text("utf-8").splitlines()) for p in sorted((FIXTURES / "text").glob("*.txt")))


@cache
def xml_elements() -> tuple[str, ...]:
    """Whole elements cut out of the fixture chapters: paragraphs, list items, table rows, titles, dates."""
    found: list[str] = []
    for p in sorted((FIXTURES / "nxml").glob("*.nxml")):
        xml = p.read_text("utf-8")
        for tag in ("p", "title", "list-item", "tr", "td", "year", "sec", "table-wrap", "ref", "fn"):
            found += re.findall(rf"<{tag}\b[^>]*>(?:(?!<{tag}\b).)*?</{tag}>", xml, re.DOTALL)
    return tuple(dict.fromkeys(e for e in found if len(e) < 20_000))


ODD = st.sampled_from(["\u0130", "\ufb01", "\u00ad", "\u2028", "\x0c", "\t", "\r", "\x00", "\ufeff", "\u0301",
                       "99999999999999999999", "Case 3000000000.", "(R=1e999)", "0" * 50, "-" * 30, "\U0001f600",
                       "ALT " + "9" * 400 + " U/L", "C99999999999999999999-H25-N-O3", "Latency: 9999999999 years"])
LINE = st.one_of(st.sampled_from([ln for c in chapters() for ln in c]), ODD, st.text(max_size=40))


@st.composite
def edited_chapter(draw: st.DrawFn) -> str:
    """A real chapter with a few lines inserted (real lines of any chapter, odd strings, random text),
    deleted, repeated, or with a string spliced into them."""
    lines = list(draw(st.sampled_from(chapters())))
    for _ in range(draw(st.integers(0, 10))):
        i = draw(st.integers(0, len(lines)))
        op = draw(st.sampled_from(["insert", "delete", "repeat", "splice"]))
        if op == "insert":
            lines.insert(i, draw(LINE))
        elif op == "delete":
            del lines[i:i + draw(st.integers(1, 20))]
        elif op == "repeat":
            lines[i:i] = lines[i:i + draw(st.integers(1, 30))] * draw(st.integers(1, 3))
        elif lines:
            line = lines[min(i, len(lines) - 1)]
            at = draw(st.integers(0, len(line)))
            lines[min(i, len(lines) - 1)] = line[:at] + draw(st.one_of(ODD, st.text(max_size=10))) + line[at:]
    return draw(st.sampled_from(["\n", "\r\n", "\n\n"])).join(lines)


@fuzz(1500)
@given(edited_chapter())
def test_chapters_edited_with_real_and_odd_lines(text: str) -> None:
    holds(lambda: parse_text(text, source="fuzz.txt", limits=LIMITS))


ELEMENT = st.one_of(st.sampled_from(xml_elements()),
                    st.sampled_from(["<sec><title>CASE REPORT</title></sec>", "<year>99999999999999999999</year>",
                                     "&#x130;", "<p>\u0130\u0130\u0130oprolol</p>", "<![CDATA[x]]>", "<!-- -->",
                                     "<p>Case 99999999999999999999. x</p>", "<p>ALT " + "9" * 400 + " U/L</p>"]))
_BOUNDARY = re.compile(r"</(?:p|sec|tr|list-item|title|ref)>")


@st.composite
def edited_nxml(draw: st.DrawFn) -> bytes:
    """A real NXML chapter with whole elements of any chapter inserted after element ends, elements cut
    out, and now and then one cut in half (malformed XML)."""
    path = draw(st.sampled_from(sorted((FIXTURES / "nxml").glob("*.nxml"))))
    xml = path.read_text("utf-8")
    ends = [m.end() for m in _BOUNDARY.finditer(xml)]
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.sampled_from(ends))
        if draw(st.booleans()):
            xml = xml[:at] + draw(ELEMENT) + xml[at:]
        else:
            xml = xml[:at] + xml[at:][xml[at:].find(">") + 1:] if draw(st.integers(0, 9)) == 0 else xml
            ends = [m.end() for m in _BOUNDARY.finditer(xml)]
    return xml.encode("utf-8")


@fuzz(800)
@given(edited_nxml())
def test_nxml_chapters_edited_with_real_elements(data: bytes) -> None:
    holds(lambda: parse_input("fuzz.nxml", data, limits=LIMITS))


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    path: Path = draw(st.sampled_from(FILES))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        op = draw(st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "zero"]))
        span = draw(st.integers(1, 400))
        if op == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=40))
        elif op == "delete":
            del data[at:at + span]
        elif op == "duplicate":
            data[at:at] = data[at:at + span] * draw(st.integers(1, 20))
        elif op == "truncate" and draw(st.booleans()):
            del data[at:]
        elif op == "zero":
            data[at:at + span] = bytes(len(data[at:at + span]))
    return path.name, bytes(data)


@fuzz(250)
@given(mutated())
def test_byte_mutations_of_every_fixture(case: tuple[str, bytes]) -> None:
    name, data = case
    holds(lambda: parse_input(name, data, limits=LIMITS))
