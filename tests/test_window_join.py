"""The windows spaCy sees are joined by ``WINDOW_SEPARATOR`` into one Doc: each window must be tokenised as it
is alone (the separator only adds its own token), and the separator must be no tokenizer special case (after
one, spaCy's tokenizer caches no word of the Doc: the reason it is not a single newline). A window starts and
ends with a hit's first and last characters, never blank (no regex of ours starts or ends a match with a
space; names are words); whitespace at both sides of the separator would make one token of it."""

from __future__ import annotations

import pytest

from livertox_parse.readers.text import read_text
from livertox_parse.stages.assemble import build
from livertox_parse.stages.entities import (
    UNSPECIAL_SPACE,
    WINDOW_SEPARATOR,
    _lexicon,
    _names,
    _windows,
    get_nlp,
    unspecial_space,
)
from livertox_parse.stages.sections import sectionize

from .conftest import TEXTS

ODD_WINDOWS = ["e.g. 3 weeks.", "ALT 300 U/L.", "x.", "c.", "(Kineret)", "'s", "Dr.", "a\tb", "a\nb", "1+", "İİ",
               "weeks", "days,", "U/L", "-", "mg/dL)", "vs.", "(ALT", "e.g.", ":)"]


def tokens_alone(windows: list[str]) -> list[tuple[int, str]]:
    """(offset in the joined text, text) of every token of each window tokenised by itself."""
    nlp = get_nlp()
    out, pos = [], 0
    for window in windows:
        out += [(pos + t.idx, t.text) for t in nlp.make_doc(window)]
        pos += len(window) + len(WINDOW_SEPARATOR)
    return out


def tokens_joined(windows: list[str]) -> list[tuple[int, str]]:
    return [(t.idx, t.text) for t in get_nlp().make_doc(WINDOW_SEPARATOR.join(windows)) if t.text != WINDOW_SEPARATOR]


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_windows_are_tokenised_in_the_joined_text_as_alone(path) -> None:  # type: ignore[no-untyped-def]
    doc = read_text(path)
    spans = sectionize(doc)
    windows = _windows(doc, spans, _names(build(doc, spans)[0]))
    parts = [windows.text[s:e - len(WINDOW_SEPARATOR)] for s, e in
             zip(windows.starts, [*windows.starts[1:], len(windows.text) + len(WINDOW_SEPARATOR)])]
    assert len(parts) > 20 and WINDOW_SEPARATOR.join(parts) == windows.text
    assert all(p == p.strip() for p in parts)
    assert tokens_joined(parts) == tokens_alone(parts)


@pytest.mark.parametrize("window", ODD_WINDOWS)
def test_odd_windows_are_tokenised_in_the_joined_text_as_alone(window: str) -> None:
    for windows in ([window, window], ["after 3 weeks", window, "ALT 300 U/L."], [window, "x"]):
        assert tokens_joined(windows) == tokens_alone(windows)


def test_the_separator_is_no_special_case_and_in_no_name() -> None:
    assert WINDOW_SEPARATOR.isspace() and WINDOW_SEPARATOR != " "
    special_cases = get_nlp().tokenizer.rules  # type: ignore[union-attr]
    assert WINDOW_SEPARATOR not in special_cases
    assert "\n" in special_cases  # why it is not "\n"
    assert not any(WINDOW_SEPARATOR in name for name in _lexicon())


def boundaries(text: str) -> list[tuple[int, int, str]]:
    """(offset, length, lower-case text) of every token; a whitespace token's text left out."""
    return [(t.idx, len(t), "" if t.is_space else t.lower_) for t in get_nlp().make_doc(text)]


@pytest.mark.parametrize("window", [*ODD_WINDOWS, "100 to\n400 mg", "ALT\t300\tU/L", "5\xa0mg", "a \n b", "x\n\t\ny",
                                    "(\nAST", "U/L\n)", "\t-1 year", "İ\nİ", "mg/kg)\n3 weeks"])
def test_special_whitespace_replaced_gives_the_same_tokens(window: str) -> None:
    # what extract_entities hands spaCy: each '\n', '\t' and '\xa0' (tokenizer special cases, after which spaCy
    # caches no word of the Doc) in another whitespace character: the same tokens at the same offsets
    for text in (window, WINDOW_SEPARATOR.join([window, "after 3 weeks", window])):
        assert boundaries(unspecial_space(text)) == boundaries(text)


def test_the_replacements_are_whitespace_and_no_special_case() -> None:
    special_cases = get_nlp().tokenizer.rules  # type: ignore[union-attr]
    for old, new in UNSPECIAL_SPACE:
        assert old in special_cases and old.isspace()
        assert new not in special_cases and new.isspace() and new != " "
