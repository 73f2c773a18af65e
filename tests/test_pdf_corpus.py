"""The PDF reader over the book at large: chapters printed in the Bookshelf layout by tools/print_pdf.py.

First the printer is held to the fixtures the corpus maintainers made (fixtures/pdf from fixtures/nxml, and
their pdftotext copies in fixtures/text); then a sample of the dev corpus is printed and parsed, and each PDF
must give the contract of its NXML, less the losses listed in KNOWN_LOSSES.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from livertox_parse import parse
from livertox_parse.errors import LiverToxError
from tools.corpus_report import DEFAULT_CORPUS
from tools.print_pdf import print_pdf

from .conftest import FIXTURES
from .test_cross_format import CHAPTERS, contract

PRINTED = {stem: nxml for stem, nxml in CHAPTERS.items() if nxml}  # anakinra.pdf was not made from an NXML
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext is not installed (Debian package poppler-utils)")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bookshelf")
    out = {}
    for stem, nxml in PRINTED.items():
        out[stem] = folder / f"{stem}.pdf"
        print_pdf(FIXTURES / "nxml" / f"{nxml}.nxml", out[stem])
    return out


@needs_pdftotext
@pytest.mark.parametrize("stem", PRINTED)
def test_printer_gives_the_fixture_text_byte_for_byte(stem: str, printed: dict[str, Path]) -> None:
    """Same line breaks, hyphenation points, page breaks and running lines as the maintainers' PDFs."""
    text = subprocess.run(["pdftotext", str(printed[stem]), "-"], capture_output=True, check=True).stdout
    assert text == (FIXTURES / "text" / f"{stem}.txt").read_bytes()


@pytest.mark.parametrize("stem", PRINTED)
def test_printed_pdf_parses_like_the_fixture_pdf(stem: str, printed: dict[str, Path]) -> None:
    ours = parse(printed[stem])
    theirs = parse(FIXTURES / "pdf" / f"{stem}.pdf")
    assert contract(ours, with_tables=True, with_links=False) == contract(theirs, with_tables=True,
                                                                           with_links=False)
    assert ours.source.pages == theirs.source.pages


# Fields where a printed chapter may honestly differ from its NXML, by chapter: what a PDF cannot carry.
KNOWN_LOSSES: dict[str, set[str]] = {}  # none left in the sample (Bleomycin, Rilonacept, Phenotypes_immun fixed)

SAMPLE = sorted(DEFAULT_CORPUS.glob("*.nxml"))[::25] if DEFAULT_CORPUS.is_dir() else []


@pytest.mark.skipif(not SAMPLE, reason=f"the dev corpus is not at {DEFAULT_CORPUS} (beside the checkout in CI)")
@pytest.mark.parametrize("nxml", SAMPLE, ids=[p.stem for p in SAMPLE])
def test_printed_dev_chapter_parses_like_its_nxml(nxml: Path, tmp_path: Path) -> None:
    try:
        from_nxml = parse(nxml)
    except LiverToxError as exc:
        assert exc.code == "LTX006"  # front matter (the book's own pages) is not a drug chapter
        pytest.skip("front matter")
    pdf = tmp_path / f"{nxml.stem}.pdf"
    print_pdf(nxml, pdf)
    want: dict[str, Any] = contract(from_nxml, with_tables=True, with_links=False)
    got: dict[str, Any] = contract(parse(pdf), with_tables=True, with_links=False)
    for field in KNOWN_LOSSES.get(nxml.stem, set()):
        want.pop(field), got.pop(field)
    assert got == want
