"""Ingest throughput with 1 and 2 workers, CPU per chapter, and peak memory at 100 chapters vs all of them.

The input is the dev corpus (../shared/corpus/livertox-2021, 566 NXML chapters: the first 100, then all)
when it is beside the checkout; otherwise 100 and 1,000 copies of the fixture texts and NXML files under
distinct names (PDFs are left out: they take ~0.6 s each and would measure pdfplumber, not ingest). Each
measurement runs in a fresh process that builds the spaCy pipeline and parses one chapter first (the
parser's caches; forked workers inherit both), so the figures are steady-state throughput of a whole run
(pool start, database, export and report.html included); the cold start is printed separately.

``--baseline CHECKOUT`` (e.g. ``git worktree add /tmp/base main`` or ``git archive main | tar -x -C
/tmp/base``) runs every measurement on that checkout too, alternating with this one (same inputs, same
interpreter), so the shared machine's load falls on both alike; ``--rounds N`` repeats them and keeps each
one's fastest quiet run. Each throughput line says how many cores other programs took during that run (from
/proc/stat: the machine's busy time less this run's own CPU): on a shared machine a run that met a busy
neighbour says little, so a quiet run (under 0.15 cores taken by others) is kept before any faster one that
was not. ``--twice`` adds a 2-worker run over every input twice, for memory past
the whole corpus. Prints numbers; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import argparse
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


def make_corpus(folder: Path, n: int, with_largest: bool = False) -> None:
    """``n`` chapters: the sources in turn, each under a name of its own (``with_largest``: the last one is the
    largest source of all, so that a peak set by one big chapter is in both sets compared)."""
    folder.mkdir(parents=True)
    for i in range(n):
        src = SOURCES[i % len(SOURCES)]
        if with_largest and i == n - 1:
            src = max(SOURCES, key=lambda p: p.stat().st_size)
        shutil.copyfile(src, folder / f"{src.stem}-{i:05d}{src.suffix}")


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


PEAKS = Path(tempfile.gettempdir()) / f"bench-ingest-peaks-{os.getpid()}"


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (every core; /proc/stat, Linux), steal time
    (taken by the hypervisor) included; 0 where there is no /proc/stat."""
    try:
        with open("/proc/stat") as fh:
            fields = [int(x) for x in fh.readline().split()[1:9]]
    except OSError:
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def peak_recorded(tasks: object, **kwargs: object) -> object:
    """The work of a worker process, recording the process's peak RSS after each chunk (in a file named by
    its pid): other children of the measured process (e.g. one drawing charts, forked from the main
    process and so sharing its pages) must not be taken for workers."""
    import livertox_parse.ingest as ingest_module

    result = ingest_module.work_chunk_measured(tasks, **kwargs)  # type: ignore[attr-defined]
    (PEAKS / str(os.getpid())).write_text(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    return result


def draw_recorded(*args: object) -> object:
    """The charts' drawing in the first chart-drawing process (ingest.charts), recording its thread's CPU time
    (the part of the run's end it takes, as the main process's was when it drew half the charts itself) and
    the process's peak RSS."""
    import livertox_parse.ingest.charts as charts_module

    start = time.thread_time()
    result = charts_module.draw_both_measured(*args)  # type: ignore[attr-defined]
    spent = time.thread_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    (PEAKS / f"charts-{os.getpid()}").write_text(f"{spent} {peak}")
    return result


def child(corpus: str, out: str, workers: int) -> None:
    """One measured ingest, in this process (which imports whichever livertox_parse PYTHONPATH gives):
    prints a JSON line of figures."""
    import livertox_parse.ingest as ingest_module
    from livertox_parse.ingest import Ingest, parse_source
    from livertox_parse.stages.entities import get_nlp

    PEAKS.mkdir()
    ingest_module.work_chunk_measured = ingest_module.work_chunk  # type: ignore[attr-defined]
    ingest_module.work_chunk = peak_recorded  # type: ignore[assignment]
    try:  # (a checkout that draws its charts in processes forked as the run starts)
        import livertox_parse.ingest.charts as charts_module
    except ImportError:
        pass
    else:
        charts_module.draw_both_measured = charts_module._draw_both  # type: ignore[attr-defined]
        charts_module._draw_both = draw_recorded  # type: ignore[assignment]

    start = time.perf_counter()
    get_nlp()
    first = SOURCES[0]  # one parse builds the parser's own caches (drug lexicon, rules): ~0.3 s
    parse_source("warm-up", str(first), first.read_bytes())
    warm = time.perf_counter() - start
    ingest = Ingest([corpus], Path(out), workers=workers, stderr=open(os.devnull, "w"))  # noqa: SIM115
    serial = time_serial_end(Ingest)
    before = resource.getrusage(resource.RUSAGE_SELF)
    rss_before = rss_mb()
    kids_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy = busy_seconds()
    start = time.perf_counter()
    counts = ingest.run()
    seconds = time.perf_counter() - start
    busy = busy_seconds() - busy
    # the run does not wait for the exit of the processes that drew its charts: their CPU time counts all the same
    import multiprocessing

    for process in multiprocessing.active_children():
        process.join()
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = (me.ru_utime + me.ru_stime - before.ru_utime - before.ru_stime + kids.ru_utime + kids.ru_stime
            - kids_before.ru_utime - kids_before.ru_stime)
    peaks = [int(p.read_text()) for p in PEAKS.iterdir() if not p.name.startswith("charts-")]
    drawn = [p.read_text().split() for p in PEAKS.iterdir() if p.name.startswith("charts-")]
    shutil.rmtree(PEAKS)
    chart_cpu = sum(float(d[0]) for d in drawn)
    print(json.dumps({"done": counts["parsed"] + counts["skipped"] + counts["failed"], "seconds": seconds,
                      "warm": warm, "rss_start_mb": rss_before, "peak_main_mb": me.ru_maxrss / 1024,
                      "peak_worker_mb": max(peaks, default=0) / 1024,
                      "peak_charts_mb": max((int(d[1]) for d in drawn), default=0) / 1024,
                      "cpu_main": me.ru_utime + me.ru_stime - before.ru_utime - before.ru_stime,
                      "cpu_workers": kids.ru_utime + kids.ru_stime, "serial_cpu": serial[0] + chart_cpu,
                      # what the rest of the machine took meanwhile (other programs, the hypervisor), in cores
                      "others": max(0.0, busy - ours) / seconds}))


def time_serial_end(ingest_class: type) -> list[float]:
    """Count the CPU time of the run's end that nothing can overlap (JSON Lines export, report.html): the
    methods exist in both checkouts."""
    spent = [0.0]
    for name in ("_export", "_report"):
        method = getattr(ingest_class, name)

        def timed(self: object, *args: object, _method: object = method) -> object:
            start = time.thread_time()
            try:
                return _method(self, *args)  # type: ignore[operator]
            finally:
                spent[0] += time.thread_time() - start

        setattr(ingest_class, name, timed)
    return spent


def measure(checkout: Path, corpus: Path, workers: int) -> dict[str, float]:
    """One run of :func:`child` on ``checkout``'s code, in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(checkout))
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run([sys.executable, __file__, "--child", str(corpus), out, str(workers)],
                              check=True, capture_output=True, text=True, cwd=checkout, env=env)
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def commit_of(checkout: Path) -> str:
    done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, check=False)
    return done.stdout.strip() or checkout.name


def marginal(small: dict[str, float], large: dict[str, float], key: str) -> float:
    """Milliseconds of ``key`` per chapter beyond the first ones: what each further chapter costs."""
    return 1000 * (large[key] - small[key]) / (large["done"] - small["done"])


def report(name: str, runs: dict[tuple[int, int], dict[str, float]]) -> list[str]:
    """The lines for one checkout: rates, ratio, CPU per chapter, peak RSS at both sizes."""
    n_small, n_large = SIZES

    def rate(r: dict[str, float]) -> float:
        return r["done"] / r["seconds"]

    one, two = runs[(n_large, 1)], runs[(n_large, 2)]
    lines = [f"{name}:"]
    for label, r in (("1 worker ", one), ("2 workers", two)):
        lines.append(f"  {n_large} chapters, {label}: {rate(r):6.1f} chapters/s ({r['seconds']:.2f} s; other "
                     f"programs took {r.get('others', 0.0):.2f} cores meanwhile)")
    lines.append(f"  2 workers / 1 worker:        {rate(two) / rate(one):6.2f} x   (target >= 1.8)")
    # on a shared machine the measured ratio says more about the neighbours than about ingest: from CPU
    # times, what 2 idle cores would give (1 worker runs on one core; with 2 workers all CPU time but the
    # serial end is shared by the two cores)
    one_cpu = one["cpu_main"]
    two_cpu = two["cpu_main"] + two["cpu_workers"]
    projected = one_cpu / (two["serial_cpu"] + (two_cpu - two["serial_cpu"]) / 2)
    lines.append(f"  projected for 2 idle cores:  {projected:6.2f} x   (CPU {one_cpu:.2f} s with 1 worker, "
                 f"{two_cpu:.2f} s with 2, of which {two['serial_cpu']:.2f} s at the end: export, report)")
    lines.append(f"  CPU per chapter: 1 worker {1000 * one['cpu_main'] / one['done']:.2f} ms; 2 workers: main "
                 f"{1000 * two['cpu_main'] / two['done']:.2f} ms + workers (and chart-drawing processes) "
                 f"{1000 * two['cpu_workers'] / two['done']:.2f} ms")
    small, large = runs[(n_small, 2)], two
    lines.append(f"  marginal CPU per chapter ({n_small} -> {n_large} chapters, fixed costs taken out): 1 worker "
                 f"{marginal(runs[(n_small, 1)], one, 'cpu_main'):.2f} ms; 2 workers: main "
                 f"{marginal(small, large, 'cpu_main'):.2f} ms + workers {marginal(small, large, 'cpu_workers'):.2f} ms")
    for w in (1, 2):
        small, large = runs[(n_small, w)], runs[(n_large, w)]
        lines.append(f"  peak RSS main, {w} worker{'s' if w > 1 else ' '}: {n_small} -> "
                     f"{small['peak_main_mb']:.0f} MB, {n_large} -> {large['peak_main_mb']:.0f} MB (at start "
                     f"{large['rss_start_mb']:.0f} MB; target: flat)")
    lines.append(f"  peak RSS worker, 2 workers: {n_small} -> {runs[(n_small, 2)]['peak_worker_mb']:.0f} MB, "
                 f"{n_large} -> {runs[(n_large, 2)]['peak_worker_mb']:.0f} MB")
    if two.get("peak_charts_mb"):
        lines.append(f"  peak RSS chart-drawing process, 2 workers: {n_small} -> "
                     f"{runs[(n_small, 2)]['peak_charts_mb']:.0f} MB, {n_large} -> {two['peak_charts_mb']:.0f} MB")
    return lines


QUIET = 0.15  # cores other programs may take during a run that still counts as quiet


def _better(run: dict[str, float], kept: dict[str, float]) -> bool:
    """Whether ``run`` is kept rather than ``kept``: a quiet run (other programs took less than QUIET cores)
    before one that met a busy neighbour, then the faster."""
    quiet, kept_quiet = run.get("others", 0.0) < QUIET, kept.get("others", 0.0) < QUIET
    return quiet > kept_quiet or (quiet == kept_quiet and run["seconds"] < kept["seconds"])


def largest(n: int) -> str:
    """The largest of the first ``n`` inputs: a worker's peak is mostly the working set of its largest one."""
    biggest = max((SOURCES[i % len(SOURCES)] for i in range(n)), key=lambda p: p.stat().st_size)
    return f"{biggest.name} ({biggest.stat().st_size // 1024} KB)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", type=Path, help="another checkout, measured alternately with this one")
    parser.add_argument("--rounds", type=int, default=3,
                        help="repeat each measurement, keep the fastest (one round moved 2w/1w by 0.25x on a quiet host)")
    parser.add_argument("--twice", action="store_true",
                        help="also the peak RSS of a 2-worker run over every input twice (under other names): "
                             "whether memory still grows past all of them")
    args = parser.parse_args()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"CPUs: {os.cpu_count()}; load average before: {load}; input: {WHAT}")
    checkouts = {f"this checkout ({commit_of(ROOT)})": ROOT}
    if args.baseline:
        checkouts[f"baseline {args.baseline} ({commit_of(args.baseline)})"] = args.baseline.resolve()
    best: dict[str, dict[tuple[int, int], dict[str, float]]] = {name: {} for name in checkouts}
    with tempfile.TemporaryDirectory() as tmp:
        corpora = {n: Path(tmp) / f"c{n}" for n in SIZES}
        for n, folder in corpora.items():
            make_corpus(folder, n)
        # the peak RSS of a run is mostly its largest chapter's working set: the first 100 with the largest
        # chapter in place of the 100th tell growth with the number of chapters apart from that
        with_largest = Path(tmp) / "c-largest"
        make_corpus(with_largest, SIZES[0], with_largest=True)
        for i in range(args.rounds):
            order = list(checkouts.items())
            for n, workers in [(SIZES[1], 1), (SIZES[1], 2), (SIZES[0], 2), (SIZES[0], 1)]:
                for name, checkout in order if i % 2 == 0 else order[::-1]:
                    r = measure(checkout, corpora[n], workers)
                    kept = best[name].get((n, workers))
                    if kept is None or _better(r, kept):
                        best[name][(n, workers)] = r
        controlled = {name: measure(checkout, with_largest, 2) for name, checkout in checkouts.items()}
        twice: dict[str, dict[str, float]] = {}
        if args.twice:
            doubled = Path(tmp) / "c-twice"
            make_corpus(doubled, 2 * SIZES[1])
            twice = {name: measure(checkout, doubled, 2) for name, checkout in checkouts.items()}
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average after: {load} (the 1-minute figure counts these runs too: ~2 with 2 workers)")
    warm = next(iter(best.values()))[(SIZES[1], 1)]["warm"]
    print(f"(spaCy pipeline and parser caches built in {warm:.1f} s before each run, not timed; rounds: {args.rounds}; "
          f"largest input of the first {SIZES[0]}: {largest(SIZES[0])}, of all {SIZES[1]}: {largest(SIZES[1])})")
    for name in checkouts:
        print("\n".join(report(name, best[name])))
        c, large = controlled[name], best[name][(SIZES[1], 2)]
        print(f"  peak RSS, 2 workers, {SIZES[0]} chapters the last of which is the largest: main "
              f"{c['peak_main_mb']:.0f} MB, worker {c['peak_worker_mb']:.0f} MB (all {SIZES[1]}: main "
              f"{large['peak_main_mb']:.0f} MB, worker {large['peak_worker_mb']:.0f} MB)")
        if name in twice:
            t = twice[name]
            print(f"  peak RSS, 2 workers, every input twice ({2 * SIZES[1]} chapters): main {t['peak_main_mb']:.0f} MB, "
                  f"worker {t['peak_worker_mb']:.0f} MB ({t['done'] / t['seconds']:.1f} chapters/s)")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
