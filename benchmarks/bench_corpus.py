"""Parse throughput over a folder of real chapters (default: the shared dev corpus, 566 .nxml), one process.

Prints numbers; asserts nothing. Usage: python benchmarks/bench_corpus.py [FOLDER]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = next((p for p in (ROOT.parent / "shared" / "corpus" / "livertox-2021",
                            ROOT.parent.parent / "shared" / "corpus" / "livertox-2021") if p.is_dir()), None)


def main() -> None:
    from livertox_parse import parse_many
    from livertox_parse.models import Monograph

    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if folder is None:
        sys.exit("no corpus folder found; pass one")
    paths = sorted(folder.glob("*.nxml"))
    list(parse_many(paths[:1]))  # warm-up: build the pipeline
    start, cpu = time.perf_counter(), time.process_time()
    ok = entities = drugs = 0
    for _, result in parse_many(paths):
        if isinstance(result, Monograph):
            ok += 1
            entities += len(result.entities)
            drugs += sum(e.label in ("DRUG", "TRADE_NAME") for e in result.entities)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    # CPU time of this process as well: on a shared machine the wall clock also counts other people's work
    print(f"{len(paths)} chapters ({ok} parsed) in {elapsed:.1f} s wall, {cpu:.1f} s CPU: "
          f"{len(paths) / cpu:.1f} chapters per CPU second; {entities} entities, {drugs} DRUG/TRADE_NAME")


if __name__ == "__main__":
    main()
