"""The entity pass's name finder (Aho-Corasick hits checked at word starts) against a plain word-by-word scan
with the same rules: both must give the same spans and the same dictionary names, block by block."""

from __future__ import annotations

from functools import cache

from hypothesis import example, given, settings
from hypothesis import strategies as st

from livertox_parse.stages.drug_lexicon import WORD, dictionary_names
from livertox_parse.stages.entities import MARK, _NameFinder, marked, same_length_lower

OWN = ["Zorblumab", "Qux Dolor", "qux-7", "Qux\nDolor"]  # chapter names the dictionary lacks
PIECES = ["Anakinra", "anakinra", "insulin", "Insulin Glulisine Recombinant", "insulin-like growth factor-ii",
          "St. John's Wort", "st john's wort", "N-acetylcysteine", "s-adenosylmethionine sulfate tosylate",
          "Zorblumab", "qux dolor", "QUX-7", "qux", "Dolor", "pembrolizumab", "mabs", "losartan", "olol", "statin",
          "xanakinra", "5anakinra", "a5anakinra", "_anakinra", "5_losartan", "x5losartan",
          " ", "  ", "-", "_", "5", "x", "'s", ".", ",", "\n", "İ", "Σ", "é", "²", "(", ")",
          # boundaries the marked search must see as such: non-ASCII non-letters, astral letters and non-letters
          "–", "’", "\u00a0", "×", "\U0001d400", "\U0001f600", "\x00"]


@cache
def dictionary_by_first_word() -> dict[str, list[str]]:
    """The dictionary's names by their first word: what the scan looks a word up in."""
    out: dict[str, list[str]] = {}
    for name in dictionary_names():
        out.setdefault(WORD.match(name).group(0), []).append(name)  # type: ignore[union-attr]
    return out


def reference(lower: str, own: list[str], stems: dict[str, int]) -> tuple[set[tuple[int, int]], set[str]]:
    """Every word (``WORD``) looked up in turn: the longest name starting with it, else a stem ending it."""
    dictionary = dictionary_by_first_word()
    own_by_first: dict[str, list[str]] = {}
    for name in own:
        own_by_first.setdefault(WORD.match(name.lower()).group(0), []).append(name.lower())  # type: ignore[union-attr]
    from livertox_parse.stages.entities import _lexicon

    for name in _lexicon():
        if (first := WORD.match(name.lower())) is not None:
            own_by_first.setdefault(first.group(0), []).append(name.lower())

    def longest(names: list[str], word: str, start: int) -> str | None:
        best = None
        for name in names:
            stop = start + len(name)
            if not lower.startswith(name, start):
                continue
            one_word = WORD.match(name).end() == len(name)  # type: ignore[union-attr]
            if (name == word if one_word else stop == len(lower) or not lower[stop].isalnum()):
                best = name if best is None or len(name) > len(best) else best
        return best

    spans, found = set(), set()
    for m in WORD.finditer(lower):
        w = m.group(0)
        mine = longest(own_by_first.get(w, []), w, m.start())
        known = longest(dictionary.get(w, []), w, m.start())
        if known:
            found.add(known)
        if mine or known:
            spans.add((m.start(), m.start() + max(len(mine or ""), len(known or ""))))
        elif any(w.endswith(e) and len(w) >= n for e, n in stems.items()):
            spans.add((m.start(), m.end()))
    return spans, found


@settings(max_examples=300, deadline=None)
@example(["a qux", "Dolor xanakinra", "qux\nDolor"])  # a chapter name across two blocks is no name
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), min_size=1, max_size=4))
def test_name_finder_matches_a_word_by_word_scan(blocks: list[str]) -> None:
    finder = _NameFinder(OWN)
    lowered = [same_length_lower(b) for b in blocks]
    starts, ends, pos = [], [], 0
    for block in lowered:
        starts.append(pos)
        ends.append(pos + len(block))
        pos += len(block) + 1
    got = finder.spans("\n".join(lowered), starts, ends)
    expected: set[tuple[int, int]] = set()
    found: set[str] = set()
    for start, block in zip(starts, lowered, strict=True):
        spans, names = reference(block, OWN, finder.stems)
        expected |= {(start + s, start + e) for s, e in spans}
        found |= names
    assert sorted(got) == sorted(expected)
    assert finder.found == found


def test_dictionary_names_are_lower_cased_names_that_start_a_word() -> None:
    names = dictionary_names()
    assert len(names) > 40_000
    assert all(n == n.lower() and WORD.match(n) for n in names)
    assert "acetaminophen" in names and "tylenol" in names


def test_marked_keeps_letters_and_marks_every_other_character() -> None:
    """``marked`` (numpy over the code points, a regex beyond the Basic Multilingual Plane) against its plain
    definition, on every character of Unicode (lone surrogates included)."""
    every = [chr(c) for c in range(0x110000)]
    for lo in range(0, 0x110000, 0x10000):
        chunk = "".join(every[lo : lo + 0x10000])
        plain = "".join(c if c.isalnum() and not c.isdecimal() else MARK for c in chunk)
        assert marked(chunk) == plain
    assert marked("") == ""
    assert marked("5-anakinra_x ²") == MARK * 2 + "anakinra" + MARK + "x" + MARK + "²"
