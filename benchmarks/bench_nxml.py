"""The NXML reader alone against a bare lxml parse + text walk of the same chapters (issue 10).

Every .nxml of ``../shared/corpus/livertox-2021`` (or the folder given; the five fixture chapters when there is
none) is read into memory once; then, in one process and alternating, round after round: ``read_nxml`` of
each chapter, its tag pairing alone (``token_tree``, the route a regular chapter takes: the tags paired and lxml
checking only that the XML is well formed; and ``tag_spans`` on a tree parsed beforehand, the route of any
other chapter) and ``lxml.etree.fromstring`` + ``itertext`` of the same bytes. Each keeps its best round of CPU time (the machine is shared: CPU time is
what other processes disturb least). Prints ms per chapter and the ratio bare/reader; asserts nothing.

``--baseline DIR`` also times the ``livertox_parse`` package of another checkout (e.g. a ``git worktree`` of
main) in the same rounds, imported under another name, and prints its figures side by side.

Usage: python benchmarks/bench_nxml.py [FOLDER] [--rounds N] [--limit K] [--baseline CHECKOUT]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = next((p for p in (ROOT.parent / "shared" / "corpus" / "livertox-2021",
                            ROOT.parent.parent / "shared" / "corpus" / "livertox-2021") if p.is_dir()),
               ROOT / "fixtures" / "nxml")


def load_baseline(checkout: Path) -> ModuleType:
    """The ``livertox_parse`` package of another checkout, imported as ``baseline_livertox_parse``."""
    init = checkout / "livertox_parse" / "__init__.py"
    spec = importlib.util.spec_from_file_location("baseline_livertox_parse", init,
                                                  submodule_search_locations=[str(init.parent)])
    if spec is None or spec.loader is None:
        raise SystemExit(f"bench_nxml: no livertox_parse package in {checkout}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    from lxml import etree

    from livertox_parse import LiverToxError
    from livertox_parse.readers.nxml import _PARSER_OPTIONS, read_nxml
    from livertox_parse.readers.nxml.provenance import tag_spans
    from livertox_parse.readers.nxml.tree import token_tree

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0, help="only the first K chapters")
    ap.add_argument("--baseline", type=Path, help="a checkout whose reader is timed side by side")
    args = ap.parse_args()
    chapters = [(str(p), p.read_bytes()) for p in sorted(args.folder.glob("*.nxml"))[: args.limit or None]]
    if not chapters:
        print(f"bench_nxml: skipped, no .nxml in {args.folder}")
        return
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    trees = [(data.decode("utf-8"), etree.fromstring(data, parser)) for _, data in chapters]

    def reader(read: Callable[[str, bytes], object]) -> Callable[[], None]:
        def run() -> None:
            for name, data in chapters:
                try:
                    read(name, data)
                except LiverToxError:
                    pass
        return run

    misaligned: set[str] = set()

    def pairing(pair: Callable[[str, object], object]) -> Callable[[], None]:
        def run() -> None:
            for (name, _), (text, root) in zip(chapters, trees, strict=True):
                try:
                    pair(text, root)
                except Exception:  # noqa: BLE001 -- Misaligned (of either package): timed as far as it got
                    misaligned.add(name)
        return run

    def bare() -> None:
        for _, data in chapters:
            "".join(etree.fromstring(data, parser).itertext())

    def tree_free() -> None:
        for (_, data), (text, _) in zip(chapters, trees, strict=True):
            token_tree(text, data, _PARSER_OPTIONS)

    runs: dict[str, Callable[[], None]] = {"read_nxml": reader(read_nxml), "token_tree": tree_free,
                                           "tag_spans": pairing(tag_spans), "bare lxml": bare}
    if args.baseline:
        base = load_baseline(args.baseline)
        nxml = importlib.import_module(f"{base.__name__}.readers.nxml")
        provenance = importlib.import_module(f"{base.__name__}.readers.nxml.provenance")
        base_errors = importlib.import_module(f"{base.__name__}.errors")
        LiverToxErrors = (LiverToxError, base_errors.LiverToxError)

        def base_read(name: str, data: bytes) -> None:
            try:
                nxml.read_nxml(name, data)
            except LiverToxErrors:
                pass

        runs["read_nxml (baseline)"] = reader(base_read)
        runs["tag_spans (baseline)"] = pairing(provenance.tag_spans)
    for run in runs.values():  # warm-up
        run()
    best = dict.fromkeys(runs, float("inf"))
    for _ in range(args.rounds):
        for key, run in runs.items():
            started = time.process_time()
            run()
            best[key] = min(best[key], time.process_time() - started)
    n = len(chapters)
    print(f"NXML reader over {n} chapters of {args.folder} (best CPU time of {args.rounds} alternating rounds, "
          f"load average {os.getloadavg()[0]:.2f}):")
    for key, spent in best.items():
        print(f"  {key:<22} {1000 * spent / n:7.3f} ms/chapter  {n / spent:8.1f} chapters/s")
    if misaligned:
        print(f"  ({len(misaligned)} chapters misaligned: their tag pairing stops early)")
    print(f"  ratio bare lxml / read_nxml: {best['bare lxml'] / best['read_nxml']:.3f}")
    if args.baseline:
        print(f"  ratio bare lxml / read_nxml (baseline): {best['bare lxml'] / best['read_nxml (baseline)']:.3f}; "
              f"reader speed-up {best['read_nxml (baseline)'] / best['read_nxml']:.2f}x, tag_spans "
              f"{best['tag_spans (baseline)'] / best['tag_spans']:.2f}x")


if __name__ == "__main__":
    main()
