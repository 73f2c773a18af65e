"""Stage 1: text normalisation, furniture removal, and the offset map back to the source."""

from __future__ import annotations

import pytest

from livertox_parse.document import Source
from livertox_parse.errors import LiverToxError
from livertox_parse.readers.text import document_from_text, read_text

from .conftest import FIXTURES, TEXTS


def _doc(text: str):  # type: ignore[no-untyped-def]
    return document_from_text(text, Source(None, "text"))


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_every_character_maps_back_to_its_source(path) -> None:  # type: ignore[no-untyped-def]
    doc = read_text(path)
    source = path.read_text(encoding="utf-8")
    for i, ch in enumerate(doc.text):
        if ch != "\n":
            assert source[doc.source_offset(i)] == ch, i


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.stem)
def test_print_furniture_is_removed(path) -> None:  # type: ignore[no-untyped-def]
    doc = read_text(path)
    lines = doc.text.split("\n")
    assert "NCBI Bookshelf" not in doc.text
    assert "LiverTox" not in lines
    for number, start in enumerate(doc.page_starts[1:], start=1):  # no page number left at a page end
        assert doc.text[:start].rstrip().rsplit("\n", 1)[-1] != str(number)
    assert not any(line.startswith(" ") for line in lines)


def test_page_break_rejoins_the_sentence_and_keeps_the_page() -> None:
    doc = read_text(FIXTURES / "text" / "metoprolol.txt")
    i = doc.text.index("has not been listed as a\ncause. Rechallenge")
    assert doc.page_of(i) == 1
    assert doc.page_of(doc.text.index("cause. Rechallenge")) == 2
    assert doc.source.pages == 3
    loc = doc.locate(doc.text.index("cause. Rechallenge"))
    assert (loc.line, loc.column) == (44, 1)


HYPHENATION_CASES = {
    "typeset_break_joined": ("The amino-\ntransferase levels rose.", "aminotransferase levels"),
    "compound_seen_elsewhere_kept": ("a beta-\nblocker like any beta-blocker", "beta-blocker like"),
    "number_after_hyphen_kept": ("against beta-\n1 receptors", "beta-\n1 receptors"),
    "capital_after_hyphen_kept": ("IL-\n1 and C759-\nH1186", "C759-\nH1186"),
    "word_seen_joined_elsewhere": ("hepato-\ntoxicity and hepatotoxicity", "hepatotoxicity and"),
}


@pytest.mark.parametrize("case", HYPHENATION_CASES)
def test_line_end_hyphenation(case: str) -> None:
    text, expected = HYPHENATION_CASES[case]
    assert expected in _doc(text).text


def test_ligatures_odd_spaces_and_nfc() -> None:
    doc = _doc("  The ﬁrst\u00a0case of cafe\u0301 hepatitis\n")
    assert doc.text.startswith("The first case of café hepatitis")
    assert doc.text[doc.text.index("café") + 3] == "é"


def test_undecodable_bytes_name_line_and_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"OVERVIEW\nIntro \xff here\n")
    with pytest.raises(LiverToxError) as err:
        read_text(bad)
    assert err.value.code == "LTX002"
    assert (err.value.line, err.value.column) == (2, 7)
    assert str(bad) in str(err.value)


def test_empty_file_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(LiverToxError, match="empty") as err:
        read_text(empty)
    assert err.value.code == "LTX003"


def _browser_pages(text: str, pages: int = 3) -> str:
    """The text as a browser prints it to PDF, then pdftotext: date and title at the top of each page, the
    address and 'n/N' at the bottom, pages split by form feeds (at paragraph breaks)."""
    paragraphs = text.split("\n\n")
    size = len(paragraphs) // pages + 1
    out = []
    for n in range(pages):
        body = "\n\n".join(paragraphs[n * size : (n + 1) * size])
        out.append(f"11/{20 + n}/26, 10:3{n} PM\tAnakinra - LiverTox - NCBI Bookshelf\n\n{body}\n\n"
                   f"https://www.ncbi.nlm.nih.gov/books/NBK548615/\n\n{n + 1}/{pages}\n")
    return "\f".join(out)


def test_browser_printed_text_loses_its_headers_and_footers() -> None:
    from livertox_parse import parse_text

    plain = (FIXTURES / "text" / "anakinra.txt").read_text(encoding="utf-8")
    printed = _browser_pages(plain)
    doc = _doc(printed)
    assert "NCBI Bookshelf" not in doc.text and "https://" not in doc.text and "10:3" not in doc.text
    assert not any(line.strip().endswith("/3") for line in doc.text.split("\n"))
    assert doc.source.pages == 3
    a, b = parse_text(printed), parse_text(plain)
    assert (a.likelihood_scores[0].text, a.drug_class, a.trade_names, a.chemicals[0].cas) == (
        b.likelihood_scores[0].text, b.drug_class, b.trade_names, b.chemicals[0].cas)
    assert a.cases[0].key_points is not None and b.cases[0].key_points is not None
    assert a.cases[0].key_points.pattern.text == b.cases[0].key_points.pattern.text
    assert [(x.test, x.value) for x in a.cases[0].labs] == [(x.test, x.value) for x in b.cases[0].labs]
