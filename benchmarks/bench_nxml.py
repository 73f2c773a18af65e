"""Print how many NXML chapters per second ``read_nxml`` turns into Documents on one core.

Usage: ``python benchmarks/bench_nxml.py [seconds]`` (default 3). Reads the five fixture chapters from memory
so that only parsing and rendering are timed. Target: 100 chapters/s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from livertox_parse.readers.nxml import read_nxml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "nxml"


def main(argv: list[str]) -> int:
    """Run the benchmark for the given number of seconds and print the figures."""
    seconds = float(argv[0]) if argv else 3.0
    chapters = [(p.name, p.read_bytes()) for p in sorted(FIXTURES.glob("*.nxml"))]
    for name, data in chapters:  # warm up
        read_nxml(name, data)
    per_file = {name: 0.0 for name, _ in chapters}
    count = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for name, data in chapters:
            t0 = time.perf_counter()
            read_nxml(name, data)
            per_file[name] += time.perf_counter() - t0
            count += 1
    elapsed = time.perf_counter() - started
    rounds = count // len(chapters)
    total_kb = sum(len(d) for _, d in chapters) / 1024
    print(f"read_nxml: {count / elapsed:.1f} chapters/s ({rounds} rounds over {len(chapters)} chapters, "
          f"{total_kb * rounds / elapsed / 1024:.2f} MB/s)")
    for name, spent in per_file.items():
        print(f"  {name:<20} {1000 * spent / rounds:6.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
