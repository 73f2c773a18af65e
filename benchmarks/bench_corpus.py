"""Full parse of real NXML chapters against a bare lxml parse + text walk of the same bytes (issue 10).

Every .nxml of ``../shared/corpus/livertox-2021`` (or the folder given) is read into memory once; then, in one
process and alternating, round after round: the full parse (``parse_document(read_document(...))``: sections,
facts, entities, provenance, everything) and ``lxml.etree.fromstring`` + ``itertext`` of the same bytes. Front
matter that raises LTX006 counts as parsed and skipped. Each side keeps its best round (a shared machine is
noisy); the ratio full/bare is the figure the issue sets (target >= 0.2, aim 0.3). Prints; asserts nothing.

Usage: python benchmarks/bench_corpus.py [FOLDER] [--rounds N] [--limit K]
"""

from __future__ import annotations

import argparse
import os
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = next((p for p in (ROOT.parent / "shared" / "corpus" / "livertox-2021",
                            ROOT.parent.parent / "shared" / "corpus" / "livertox-2021") if p.is_dir()), None)


def main() -> None:
    from lxml import etree

    from livertox_parse import LiverToxError, parse_document
    from livertox_parse.readers import read_document

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0, help="only the first K chapters")
    args = ap.parse_args()
    if args.folder is None or not args.folder.is_dir():
        print("bench_corpus: skipped, no corpus folder (expected ../shared/corpus/livertox-2021 beside the "
              "checkout; or pass one)")
        return
    paths = sorted(args.folder.glob("*.nxml"))[: args.limit or None]
    chapters = [(str(p), p.read_bytes()) for p in paths]
    counts = {"parsed": 0, "skipped": 0, "failed": 0}

    def full() -> None:
        counts.update(parsed=0, skipped=0, failed=0)
        for name, data in chapters:
            try:
                parse_document(read_document(name, data))
                counts["parsed"] += 1
            except LiverToxError as exc:
                counts["skipped" if exc.code == "LTX006" else "failed"] += 1

    parser = etree.XMLParser(resolve_entities=False, no_network=True)

    def bare() -> None:
        for _, data in chapters:
            "".join(etree.fromstring(data, parser).itertext())

    full()  # warm-up: builds the spaCy pipeline and the dictionary index
    best = {"full": (float("inf"), float("inf")), "bare": (float("inf"), float("inf"))}
    for _ in range(args.rounds):
        for label, fn in (("full", full), ("bare", bare)):
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[label] = min(best[label], (wall, cpu))
    n = len(chapters)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"input: {n} NXML chapters of {args.folder} ({sum(len(d) for _, d in chapters) / 1e6:.1f} MB), "
          f"best of {args.rounds} alternating rounds, one process; load average {load}")
    print(f"full parse:  {counts['parsed']} parsed, {counts['skipped']} skipped (LTX006), {counts['failed']} failed")
    for label, text in (("full", "full parse (everything, provenance)"), ("bare", "bare lxml fromstring+itertext")):
        wall, cpu = best[label]
        print(f"{text:<36} {n / wall:8.1f} chapters/s wall  {n / cpu:8.1f} chapters/CPU-s")
    ratio_wall = best["bare"][0] / best["full"][0]
    ratio_cpu = best["bare"][1] / best["full"][1]
    print(f"ratio full/bare:                     {ratio_wall:8.3f} wall  {ratio_cpu:8.3f} CPU  (target >= 0.2, aim 0.3)")
    print("where the full parse spends its time (CPU ms per chapter, best of the rounds, stage by stage):")
    for stage, ms in stage_times(chapters, args.rounds).items():
        print(f"  {stage:<34} {ms:8.3f}")


def stage_times(chapters: list[tuple[str, bytes]], rounds: int) -> dict[str, float]:
    """The full parse cut at its stage boundaries: the reader, sections, chapter facts and cases, entities,
    then dictionary links and the final model; ms per chapter, each stage's best round."""
    from livertox_parse import LiverToxError
    from livertox_parse.readers import read_document
    from livertox_parse.stages.assemble import build
    from livertox_parse.stages.drug_lexicon import link_monograph
    from livertox_parse.stages.entities import extract_entities
    from livertox_parse.stages.sections import sectionize

    best: dict[str, float] = {}
    for _ in range(rounds):
        spent = dict.fromkeys(("read_document (NXML reader)", "sectionize", "build (facts, cases, checks)",
                               "extract_entities (spaCy + regex)", "links + final model"), 0.0)
        for name, data in chapters:
            marks = [time.process_time()]
            try:
                doc = read_document(name, data)
                marks.append(time.process_time())
                spans = sectionize(doc)
                marks.append(time.process_time())
                monograph, warnings = build(doc, spans)
                marks.append(time.process_time())
                entities = extract_entities(doc, spans, monograph)
                marks.append(time.process_time())
                monograph.model_copy(update={"entities": entities, "warnings": warnings, **link_monograph(monograph)})
                marks.append(time.process_time())
            except LiverToxError:
                pass
            for stage, (a, b) in zip(spent, pairwise(marks), strict=False):
                spent[stage] += b - a
        best = {k: min(best.get(k, v), v) for k, v in spent.items()}
    return {k: v * 1000 / len(chapters) for k, v in best.items()}


if __name__ == "__main__":
    main()
