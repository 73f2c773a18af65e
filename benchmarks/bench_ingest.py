"""Ingest throughput with 1 and 2 workers, and peak memory at 100 chapters vs all of them.

The input is the dev corpus (../shared/corpus/livertox-2021, 566 NXML chapters: the first 100, then all)
when it is beside the checkout; otherwise 100 and 1,000 copies of the fixture texts and NXML files under
distinct names (PDFs are left out: they take ~0.6 s each and would measure pdfplumber, not ingest). Each measurement runs in a fresh process that
builds the spaCy pipeline first (forked workers inherit it), so the figures are steady-state throughput;
the cold start is printed separately. Prints numbers; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "livertox-2021"
if CORPUS.is_dir():
    SOURCES = sorted(CORPUS.glob("*.nxml"))
    SIZES = (100, len(SOURCES))
    WHAT = f"the dev corpus {CORPUS} ({len(SOURCES)} NXML chapters)"
else:
    SOURCES = sorted((ROOT / "fixtures" / "text").glob("*.txt")) + sorted((ROOT / "fixtures" / "nxml").glob("*.nxml"))
    SIZES = (100, 1000)
    WHAT = f"copies of {len(SOURCES)} fixture texts and NXML files, no PDFs (no corpus at {CORPUS})"


def make_corpus(folder: Path, n: int) -> None:
    """``n`` chapters: the sources in turn, each under a name of its own."""
    folder.mkdir(parents=True)
    for i in range(n):
        src = SOURCES[i % len(SOURCES)]
        shutil.copyfile(src, folder / f"{src.stem}-{i:05d}{src.suffix}")


def child(corpus: str, out: str, workers: int) -> None:
    """One measured ingest, in this process: prints a JSON line of figures."""
    from livertox_parse.ingest import Ingest
    from livertox_parse.stages.entities import get_nlp

    start = time.perf_counter()
    get_nlp()
    warm = time.perf_counter() - start
    ingest = Ingest([corpus], Path(out), workers=workers, stderr=open(os.devnull, "w"))  # noqa: SIM115
    start = time.perf_counter()
    counts = ingest.run()
    seconds = time.perf_counter() - start
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"parsed": counts["parsed"], "seconds": seconds, "warm": warm,
                      "peak_main_mb": me.ru_maxrss / 1024, "peak_worker_mb": kids.ru_maxrss / 1024,
                      "cpu_main": me.ru_utime + me.ru_stime, "cpu_workers": kids.ru_utime + kids.ru_stime}))


def measure(corpus: Path, workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run([sys.executable, __file__, "--child", str(corpus), out, str(workers)],
                              check=True, capture_output=True, text=True, cwd=ROOT)
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"CPUs: {os.cpu_count()}; input: {WHAT}")
    n_small, n_large = SIZES
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small", Path(tmp) / "large"
        make_corpus(small, n_small)
        make_corpus(large, n_large)
        one = measure(large, 1)
        two = measure(large, 2)
        two_small = measure(small, 2)
        one_small = measure(small, 1)
    for label, r in ((f"{n_large} chapters, 1 worker ", one), (f"{n_large} chapters, 2 workers", two)):
        print(f"{label}: {r['parsed'] / r['seconds']:6.1f} chapters/s ({r['seconds']:.1f} s; pipeline "
              f"built in {r['warm']:.1f} s before), peak RSS main {r['peak_main_mb']:.0f} MB, "
              f"worker {r['peak_worker_mb']:.0f} MB")
    ratio = (two["parsed"] / two["seconds"]) / (one["parsed"] / one["seconds"])
    print(f"2 workers / 1 worker:       {ratio:6.2f} x  (target >= 1.8)")
    print(f"CPU per chapter: 1 worker {1000 * one['cpu_main'] / one['parsed']:.1f} ms; 2 workers: main "
          f"{1000 * two['cpu_main'] / two['parsed']:.1f} ms + workers {1000 * two['cpu_workers'] / two['parsed']:.1f} ms"
          f" (pipeline build included); load average before: {load}")
    for label, small_r, large_r in (("1 worker ", one_small, one), ("2 workers", two_small, two)):
        print(f"peak RSS main, {label}:   {n_small} -> {small_r['peak_main_mb']:.0f} MB, {n_large} -> "
              f"{large_r['peak_main_mb']:.0f} MB (target: flat)")
    print(f"peak RSS worker, 2 workers: {n_small} -> {two_small['peak_worker_mb']:.0f} MB, {n_large} -> "
          f"{two['peak_worker_mb']:.0f} MB")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
