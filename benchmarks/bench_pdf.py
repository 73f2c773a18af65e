"""Throughput and memory of the PDF reader.

Prints pages/s of ``read_pdf`` and of the full ``parse`` over ``fixtures/pdf/*.pdf``, pages/s of bare
pdfplumber ``page.extract_text()`` over the same files, the time ratios (target for the full parse: at most
1.3), and the peak RSS of
reading a 3-page and a ~200-page PDF, each in a fresh subprocess (target: 200 pages within 1.5x of 3 pages).

    .venv/bin/python benchmarks/bench_pdf.py [--rounds N] [--pages N]

Needs pypdf (dev extra) to build the long PDF by appending copies of one chapter.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parent.parent
PDFS = sorted((ROOT / "fixtures" / "pdf").glob("*.pdf"))
RSS_SCRIPT = """
import resource, sys
from livertox_parse import parse
from livertox_parse.stages.entities import get_nlp
get_nlp()  # imports and the spaCy pipeline count as start-up, not as pages

def peak():  # KiB; VmHWM, since ru_maxrss of a child starts at the parent's size when it was forked
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

base = peak()
monograph = parse(sys.argv[1])
print(monograph.source.pages, base, peak())
"""


def bare(paths: list[Path]) -> int:
    """Plain pdfplumber text extraction, page by page; returns the page count."""
    pages = 0
    for path in paths:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    return pages


def full(paths: list[Path]) -> int:
    """The reader; returns the page count."""
    from livertox_parse.readers.pdf import read_pdf

    return sum(read_pdf(path).source.pages or 0 for path in paths)


def whole(paths: list[Path]) -> int:
    """The full parse (reader, sections, entities, validation) into a Monograph; returns the page count."""
    from livertox_parse import parse

    return sum(parse(path).source.pages or 0 for path in paths)


def best_times(rounds: int) -> tuple[float, float, float, int]:
    """Least CPU time of ``rounds`` runs of bare extraction, of the reader and of the full parse, run
    alternately so that load from other processes hits all alike; and the number of pages read."""
    t_bare = t_full = t_whole = float("inf")
    pages = 0
    for _ in range(rounds):
        start = time.process_time()
        bare(PDFS)
        t_bare = min(t_bare, time.process_time() - start)
        start = time.process_time()
        pages = full(PDFS)
        t_full = min(t_full, time.process_time() - start)
        start = time.process_time()
        whole(PDFS)
        t_whole = min(t_whole, time.process_time() - start)
    return t_bare, t_full, t_whole, pages


def long_pdf(source: Path, target_pages: int, out: Path) -> int:
    """Write ``out`` with copies of ``source`` appended until it has about ``target_pages`` pages."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    while len(writer.pages) < target_pages:
        writer.append(PdfReader(source))  # a fresh reader per copy: no objects shared between copies
    with out.open("wb") as fh:
        writer.write(fh)
    return len(writer.pages)


def peak_rss(path: Path) -> tuple[int, int, int]:
    """(pages, peak RSS after imports, peak RSS after the full parse; KiB) of parsing ``path`` in a fresh
    interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT, str(path)], check=True, capture_output=True, text=True, cwd=ROOT
    )
    pages, base, rss = done.stdout.split()
    return int(pages), int(base), int(rss)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args(argv)

    whole(PDFS[:1])  # warm imports, font metrics and the spaCy pipeline for every run
    t_bare, t_full, t_whole, pages = best_times(args.rounds)
    print(f"fixtures: {len(PDFS)} PDFs, {pages} pages, least CPU time of {args.rounds} alternating rounds")
    print(f"bare pdfplumber extract_text: {pages / t_bare:7.1f} pages/s  ({t_bare:.3f} s)")
    print(f"read_pdf:                     {pages / t_full:7.1f} pages/s  ({t_full:.3f} s)")
    print(f"full parse (livertox_parse.parse): {pages / t_whole:5.1f} pages/s  ({t_whole:.3f} s)")
    print(f"time ratio read_pdf / bare:   {t_full / t_bare:7.2f}")
    ratio = t_whole / t_bare
    print(
        f"time ratio full parse / bare: {ratio:7.2f}  (target <= 1.30: {'ok' if ratio <= 1.3 else 'MISSED'})"
    )

    with tempfile.TemporaryDirectory() as tmp:
        short = ROOT / "fixtures" / "pdf" / "metoprolol.pdf"
        long = Path(tmp) / "long.pdf"
        long_pdf(short, args.pages, long)
        p_short, base, rss_short = peak_rss(short)
        start = time.perf_counter()
        p_long, _, rss_long = peak_rss(long)
        t_long = time.perf_counter() - start
    growth = rss_long / rss_short
    print(f"peak RSS after imports:  {base / 1024:7.1f} MiB")
    print(f"peak RSS {p_short:4d} pages: {rss_short / 1024:7.1f} MiB")
    print(
        f"peak RSS {p_long:4d} pages: {rss_long / 1024:7.1f} MiB  ({p_long / t_long:.1f} pages/s incl. start-up)"
    )
    print(
        f"RSS ratio long / short:       {growth:7.2f}  (target <= 1.50: {'ok' if growth <= 1.5 else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
