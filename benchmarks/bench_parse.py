"""Throughput of parse_text against a bare spaCy pass over the same texts, and CLI cold-start time.

Prints numbers; asserts nothing. Run with `make bench`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "fixtures" / "text").glob("*.txt"))]
ROUNDS = 3
REPEATS = 5


def rate(fn, texts: list[str], rounds: int) -> float:  # type: ignore[no-untyped-def]
    fn(texts[0])  # warm-up: build pipelines, fill caches
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            fn(text)
    return rounds * len(texts) / (time.perf_counter() - start)


def main() -> None:
    import spacy

    from livertox_parse import parse_text
    from livertox_parse.rules import load_table

    bare = spacy.blank("en")
    ruler = bare.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns([{"label": "DRUG", "pattern": r["name"]} for r in load_table("drugs").rules])  # type: ignore[attr-defined]

    # alternate the two and keep each one's best round: a shared 2-core machine is noisy
    ours = base = 0.0
    for _ in range(REPEATS):
        ours = max(ours, rate(parse_text, TEXTS, ROUNDS))
        base = max(base, rate(bare, TEXTS, ROUNDS))
    chars = sum(map(len, TEXTS))
    print(f"input: {len(TEXTS)} fixture texts, {chars / 1000:.0f} kB, best of {REPEATS} alternating runs of "
          f"{ROUNDS} rounds, one process")
    print(f"parse_text (full pipeline):        {ours:7.1f} monographs/s")
    print(f"bare spacy.blank('en')+EntityRuler: {base:7.1f} monographs/s")
    print(f"ratio full/bare:                    {ours / base:7.2f} x")

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
