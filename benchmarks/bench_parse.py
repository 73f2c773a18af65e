"""Throughput of parse_text against a bare spaCy pass over the same texts, and CLI cold-start time.

Two inputs: the fixture texts, and (when ``../shared/corpus/livertox-2021`` is there) the text of the first
100 dev chapters as the NXML reader gives it (``Document.text``), fed to ``parse_text`` as a pasted chapter
would be. The bare pass is ``spacy.blank("en")`` plus an EntityRuler holding the drug lexicon, over the whole
of each text. Prints numbers; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "text").glob("*.txt"))]
CORPUS = next((p for p in (ROOT.parent / "shared" / "corpus" / "livertox-2021",
                           ROOT.parent.parent / "shared" / "corpus" / "livertox-2021") if p.is_dir()), None)
CHAPTERS = 100
ROUNDS = 10  # of the 6 fixture texts per run: 3 rounds (~60 ms) were at the mercy of the scheduler on a shared machine
REPEATS = 5


def rate(fn: Callable[[str], Any], texts: list[str], rounds: int) -> tuple[float, float]:
    """Texts a second, by the wall clock and by this process's CPU time (steadier when other jobs share
    the cores: both sides run in one thread)."""
    fn(texts[0])  # warm-up: build pipelines, fill caches
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for text in texts:
            fn(text)
    n = rounds * len(texts)
    return n / (time.perf_counter() - start), n / (time.process_time() - cpu)


def corpus_texts() -> list[str]:
    """``Document.text`` of the first CHAPTERS dev chapters that are monographs (front matter is skipped)."""
    from livertox_parse import LiverToxError, parse_text
    from livertox_parse.readers import read_document

    assert CORPUS is not None
    texts = []
    for path in sorted(CORPUS.glob("*.nxml")):
        try:
            text = read_document(str(path), path.read_bytes()).text
            parse_text(text)
        except LiverToxError:
            continue
        texts.append(text)
        if len(texts) == CHAPTERS:
            break
    return texts


def compare(what: str, texts: list[str], ours: Callable[[str], Any], bare: Callable[[str], Any],
            rounds: int) -> None:
    # alternate the two and keep each one's best round: a shared 2-core machine is noisy
    ours_wall = ours_cpu = bare_wall = bare_cpu = 0.0
    for _ in range(REPEATS):
        wall, cpu = rate(ours, texts, rounds)
        ours_wall, ours_cpu = max(ours_wall, wall), max(ours_cpu, cpu)
        wall, cpu = rate(bare, texts, rounds)
        bare_wall, bare_cpu = max(bare_wall, wall), max(bare_cpu, cpu)
    chars = sum(map(len, texts))
    print(f"input: {what}: {len(texts)} texts, {chars / 1000:.0f} kB, best of {REPEATS} alternating runs of "
          f"{rounds} rounds, one process")
    print(f"  parse_text (full pipeline):         {ours_wall:7.1f} monographs/s ({ours_cpu:.1f} by CPU time)")
    print(f"  bare spacy.blank('en')+EntityRuler: {bare_wall:7.1f} monographs/s ({bare_cpu:.1f} by CPU time)")
    print(f"  ratio full/bare:                    {ours_wall / bare_wall:7.2f} x ({ours_cpu / bare_cpu:.2f} x by CPU time)")


def main() -> None:
    import spacy

    from livertox_parse import parse_text
    from livertox_parse.rules import load_table

    bare = spacy.blank("en")
    ruler = bare.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": "DRUG", "pattern": r["name"]} for r in load_table("drugs").rules])  # type: ignore[attr-defined]

    compare("fixture texts", TEXTS, parse_text, bare, ROUNDS)
    if CORPUS is None:
        print("corpus texts: skipped, no ../shared/corpus/livertox-2021 beside the checkout")
    else:
        compare(f"corpus chapter texts (Document.text of the first {CHAPTERS} chapters of {CORPUS.name})",
                corpus_texts(), parse_text, bare, 1)

    cold = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "livertox_parse", "parse", str(ROOT / "fixtures/text/anakinra.txt")],
                       check=True, capture_output=True)
        cold.append(time.perf_counter() - start)
    print(f"CLI cold start, parse one text:     {min(cold):7.2f} s (best of 3)")
    chapter = ROOT / "fixtures" / "nxml" / "Metoprolol.nxml"
    cold = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "livertox_parse", "check", str(chapter)],
                       check=False, capture_output=True)  # exit 1: the chapter has findings
        cold.append(time.perf_counter() - start)
    print(f"CLI cold start, check one chapter:  {min(cold):7.2f} s (best of 3; {chapter.name})")


if __name__ == "__main__":
    main()
