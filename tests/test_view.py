"""HTML views (chapter, check findings, ingest report), checked as HTML and in a real headless Chromium.

The browser tests drive the system Chromium (Debian package ``chromium``, which ``.ci/run`` installs) with
Playwright; they never download a browser. One browser serves the whole session.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from livertox_parse.cli import main
from livertox_parse.view import ChapterView, render_chapter, view_file
from livertox_parse.view.report import read_report_data, render_report

from .conftest import FIXTURES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
# a reference to anything but a fragment of the page itself or inline data
EXTERNAL = re.compile(r"""(?:src|href|action)\s*=\s*["']?(?![#"']|data:)""", re.IGNORECASE)


@pytest.fixture(scope="module")
def views() -> dict[str, ChapterView]:
    names = ("pdf/metoprolol.pdf", "text/anakinra.txt", "nxml/ARBs.nxml")
    return {name: view_file(FIXTURES / name) for name in names}


# ------------------------------------------------------------------------------------------ plain HTML


def test_chapter_page_is_self_contained(views: dict[str, ChapterView]) -> None:
    for name, view in views.items():
        page = render_chapter(view)
        assert not EXTERNAL.search(page), name
        assert "<link" not in page and "@import" not in page and "url(" not in page, name


def test_every_entity_is_drawn_by_displacy(views: dict[str, ChapterView]) -> None:
    for name, view in views.items():
        page = render_chapter(view)
        marks = re.findall(r'<mark class="entity"[^>]*>\s*(.*?)\s*<span', page, re.DOTALL)
        ents = sorted(view.monograph.entities, key=lambda e: e.start)
        assert len(marks) == len(ents), name
        # displaCy drew each entity's own text (markers between the words aside)
        strip = re.compile(r"<[^>]+>")
        assert [html.unescape(strip.sub("", m)) for m in marks] == [e.text.replace("\t", " ") for e in ents], name
    # a drug name's tooltip carries its dictionary ids (metoprolol is DrugBank DB00264)
    assert 'title="DRUG · DrugBank DB00264' in render_chapter(views["pdf/metoprolol.pdf"])


def test_warning_anchor_sits_at_its_span(views: dict[str, ChapterView]) -> None:
    view = views["pdf/metoprolol.pdf"]
    (warning,) = view.monograph.warnings
    assert warning.code == "LTW132"
    page = render_chapter(view)
    target = re.search(r'<tr class="warning" id="w0">.*?<a href="#([^"]+)"', page).group(1)
    assert target == f"s{warning.start}-{warning.end}"
    between = page.split(f'<a class="t" id="{target}"></a>')[1].split(f'<a class="te" data-end="{target}"></a>')[0]
    drawn = html.unescape(re.sub(r"<span style[^>]*>[A-Z_]+</span>|<[^>]+>", "", between))
    # displaCy's template puts white space around an entity's text; the characters are the span's
    assert "".join(drawn.split()) == "".join(view.text[warning.start:warning.end].split()) == "Metoprolol(200mgdaily)"


def test_pdf_pages_are_marked(views: dict[str, ChapterView]) -> None:
    view = views["pdf/metoprolol.pdf"]
    page = render_chapter(view)
    assert re.findall(r'class="pg" id="page(\d+)"', page) == ["1", "2", "3"]
    assert view.monograph.source.pages == 3


def test_text_that_looks_like_markup_is_escaped() -> None:
    view = views_from_text("Drug <b>&amp;</b> \U000f0001 test")
    page = render_chapter(view)
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in page
    assert "\U000f0001" not in page and "\ufffd" in page


def views_from_text(extra: str) -> ChapterView:
    text = (FIXTURES / "text" / "anakinra.txt").read_text(encoding="utf-8") + "\n" + extra + "\n"
    from livertox_parse.document import Source
    from livertox_parse.pipeline import parse_document
    from livertox_parse.readers import document_from_text, sha256_hex

    doc = document_from_text(text, Source("anakinra+.txt", "text", sha256_hex(text.encode()), None))
    return ChapterView(parse_document(doc), doc.text, doc.page_starts)


# ---------------------------------------------------------------------------------------------- report


REPORT_INPUTS = ("text/anakinra.txt", "nxml/Metoprolol.nxml", "text/arbs.txt")


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("in")
    for name in REPORT_INPUTS:
        shutil.copy(FIXTURES / name, src / Path(name).name)
    (src / "bad.txt").write_bytes(b"\xff\xfe not text")
    # the book's front matter: no monograph (LTX006), a skip rather than a failure
    (src / "Disclaimer.nxml").write_text('<book-part-wrapper from-where="front"><title-group><title>Disclaimer'
                                         "</title></title-group></book-part-wrapper>", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    status = main(["ingest", str(src), "--out", str(out), "--workers", "1"], io.StringIO(), io.StringIO())
    assert status == 1  # bad.txt failed
    assert (out / "report.html").is_file()  # written by ingest itself
    return out


def test_report_numbers(ingested: Path) -> None:
    data = read_report_data(ingested / "livertox.duckdb")
    assert data.counts["parsed"] == 3 and data.counts["unchanged"] == 0
    assert data.counts["failed"] == 1 and data.counts["skipped"] == 1
    assert data.monographs == 3
    assert [(name.split("/")[-1], code) for name, code, _ in data.failures] == [("bad.txt", "LTX002")]
    assert [(name.split("/")[-1], code) for name, code, _ in data.skipped] == [("Disclaimer.nxml", "LTX006")]
    assert data.warnings_by_code == [("LTW132", 1, 1), ("LTW141", 1, 1)]  # Metoprolol's dose, ARBs' CAS
    from livertox_parse import parse

    expected = Counter(s.score for name in REPORT_INPUTS for s in parse(FIXTURES / name).likelihood_scores)
    assert {k: v for k, v in data.scores if v} == dict(expected)
    # Anakinra: Key Points R=32, recomputed 32.1; Metoprolol: R=19, recomputed 18.7 (README, goldens)
    assert sorted((t, kp, r) for t, _, kp, r in data.r_pairs) == [("Anakinra", 32.0, 32.1), ("Metoprolol", 19.0, 18.7)]
    assert {p: (a, b) for p, a, b in data.patterns}["hepatocellular"] == (2, 2)


def test_report_page_is_self_contained(ingested: Path) -> None:
    page = (ingested / "report.html").read_text(encoding="utf-8")
    assert not EXTERNAL.search(page)
    assert page.count('<img src="data:image/svg+xml;base64,') == 4
    assert "LTX002" in page and "bad.txt" in page


def test_report_of_an_empty_database(tmp_path: Path) -> None:
    out = tmp_path / "out"
    empty = tmp_path / "empty"
    empty.mkdir()
    main(["ingest", str(empty), "--out", str(out), "--workers", "1"], io.StringIO(), io.StringIO())
    page = render_report(read_report_data(out / "livertox.duckdb"))
    assert "nothing to draw" in page and "<img" not in page


# --------------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"headless Chromium not found at {CHROMIUM} (Debian package chromium; .ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Page:
    """A browser tab on a file, collecting console errors and uncaught exceptions."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.tab = browser.new_page(viewport={"width": 1280, "height": 800})
        self.errors: list[str] = []
        self.tab.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.tab.on("pageerror", lambda e: self.errors.append(str(e)))
        self.tab.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else self.errors.append(
            f"network request: {r.url}"))
        self.tab.goto(path.as_uri())

    def not_blank(self) -> float:
        """Standard deviation of the screenshot's grey levels (0 for a blank page)."""
        from PIL import Image, ImageStat

        shot = Image.open(io.BytesIO(self.tab.screenshot())).convert("L")
        return float(ImageStat.Stat(shot).stddev[0])


def in_viewport(tab: Any, target: str) -> dict[str, Any]:
    """Where the text between the span's anchors is drawn, against the window's height."""
    return tab.evaluate("""(id) => {
        const a = document.getElementById(id), e = document.querySelector(`[data-end="${id}"]`);
        const r = document.createRange(); r.setStartAfter(a); r.setEndBefore(e);
        const box = r.getBoundingClientRect();
        return {top: box.top, bottom: box.bottom, height: window.innerHeight};
    }""", target)


def test_chapter_in_the_browser(browser: Any, views: dict[str, ChapterView], tmp_path: Path) -> None:
    view = views["pdf/metoprolol.pdf"]
    path = tmp_path / "view.html"
    path.write_text(render_chapter(view), encoding="utf-8")
    page = Page(browser, path)
    tab = page.tab
    assert tab.locator("mark.entity").count() == len(view.monograph.entities) > 50
    assert tab.locator(".pg").count() == 3
    link = tab.locator("tr.warning a")
    target = link.get_attribute("href")[1:]
    assert in_viewport(tab, target)["top"] > 800  # far down the page before the click
    link.click()
    box = in_viewport(tab, target)
    assert 0 <= box["top"] < box["bottom"] <= box["height"]
    assert tab.evaluate("CSS.highlights.get('lt-target').size") == 1
    outline = tab.locator("nav.outline a", has_text="Laboratory Values")
    outline.click()
    assert tab.locator("#sec" + str([s.id for s in view.monograph.sections].index("laboratory_values"))).is_visible()
    assert page.not_blank() > 20
    tab.emulate_media(media="print")
    assert not tab.locator("nav.outline").is_visible()
    assert page.errors == []
    tab.close()


def test_report_in_the_browser(browser: Any, ingested: Path) -> None:
    page = Page(browser, ingested / "report.html")
    tab = page.tab
    images = tab.locator("figure.chart img")
    assert images.count() == 4
    sizes = tab.evaluate("[...document.querySelectorAll('figure.chart img')]"
                         ".map(i => [i.complete, i.naturalWidth, i.getBoundingClientRect().width])")
    assert all(done and natural > 100 and shown > 100 for done, natural, shown in sizes), sizes
    assert tab.locator('[data-count="failed"] b').inner_text() == "1"
    assert tab.locator('[data-count="skipped"] b').inner_text() == "1"
    assert page.not_blank() > 20
    assert page.errors == []
    tab.close()


# ----------------------------------------------------------------------------------------- check html


@pytest.fixture(scope="module")
def check_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """``check --format html`` over two chapters and an unreadable file: (page, status, stderr)."""
    bad = tmp_path_factory.mktemp("bad") / "bad.txt"
    bad.write_bytes(b"\xff\xfe not text")
    out, err = io.StringIO(), io.StringIO()
    status = main(["check", "--format", "html", str(FIXTURES / "text" / "anakinra.txt"),
                   str(FIXTURES / "pdf" / "metoprolol.pdf"), str(bad)], out, err)
    path = tmp_path_factory.mktemp("check") / "check.html"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, status, err.getvalue()


def test_check_html_lists_each_files_findings(check_page: tuple[Path, int, str]) -> None:
    path, status, _ = check_page
    page = path.read_text(encoding="utf-8")
    assert status == 2  # an unreadable input, as with the other formats
    assert not EXTERNAL.search(page)
    assert page.count('<section class="file"') == 3
    assert "checked 3 file(s): 2 error(s), 0 warning(s), 1 unreadable" in page
    metoprolol = page.split("metoprolol.pdf</h2>")[1].split('<section class="file"')[0]
    assert re.search(r'<a href="#f1-s5120-5145">[^<]*metoprolol.pdf:page 2</a>.*LTW132.*lvl-error', metoprolol)
    assert "LTX002" in page.split("bad.txt</h2>")[1]
    # the list of files leaves out the folder they all share (the checkout and the temporary folder may share
    # one, e.g. /tmp in a CI clone; at the root paths stay whole); the full path stays in the title
    anakinra = FIXTURES / "text" / "anakinra.txt"
    m = re.search(r'title="' + re.escape(str(anakinra)) + r'">([^<]+)</a>', page)
    assert m is not None and str(anakinra).endswith(m.group(1))
    shown = Path(m.group(1))
    assert shown.parts[-2:] == ("text", "anakinra.txt")
    folders = [str(anakinra.parent), str(FIXTURES / "pdf"), str(path.parent)]
    assert (str(shown) == str(anakinra)) == (os.path.dirname(os.path.commonpath(folders)) == os.path.commonpath(folders))


def test_check_html_in_the_browser(browser: Any, check_page: tuple[Path, int, str]) -> None:
    page = Page(browser, check_page[0])
    tab = page.tab
    expected = sum(len(view_file(FIXTURES / n).monograph.entities) for n in ("text/anakinra.txt", "pdf/metoprolol.pdf"))
    assert tab.locator("mark.entity").count() == expected
    link = tab.locator("tr.finding a", has_text="metoprolol.pdf")
    target = link.get_attribute("href")[1:]
    assert not tab.locator("#f1 details").evaluate("d => d.open")  # the chapter view starts closed
    link.click()
    assert tab.locator("#f1 details").evaluate("d => d.open")
    box = in_viewport(tab, target)
    assert 0 <= box["top"] < box["bottom"] <= box["height"]
    assert page.errors == []
    tab.close()


# ------------------------------------------------------------------------------------------ command line


def test_show_writes_the_page_and_reports_a_bad_input(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["show", str(FIXTURES / "nxml" / "Metoprolol.nxml"), "-o", str(tmp_path / "v.html")], out, err) == 0
    page = (tmp_path / "v.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>Metoprolol</title>" in page and out.getvalue() == ""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff not text")
    assert main(["show", str(bad)], out, err) == 1
    assert f"{bad}:1:1: LTX002" in err.getvalue() and out.getvalue() == ""


def test_cli_start_up_does_not_load_the_view_libraries() -> None:
    import subprocess
    import sys

    code = ("import sys, livertox_parse.cli as c; c._build_parser(); "
            "print(sorted(m for m in ('matplotlib', 'spacy', 'duckdb') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_check_html_file_list_drops_the_shared_folder() -> None:
    from livertox_parse.view.findings import FileFindings, render_check

    page = render_check([FileFindings("chapters/a/x.txt", [("chapters/a/x.txt", "LTX001", "error", "no such file")],
                                      None), FileFindings("chapters/b/y.txt", [], None)], {})
    assert 'title="chapters/a/x.txt">a/x.txt</a>' in page and 'title="chapters/b/y.txt">b/y.txt</a>' in page
    assert "checked 2 file(s): 1 error(s), 0 warning(s), 2 unreadable" in page


def test_overlapping_entities_and_entities_across_a_heading_keep_the_markup_nested(
        views: dict[str, ChapterView]) -> None:
    from html.parser import HTMLParser

    from livertox_parse.models import Entity

    view = views["nxml/ARBs.nxml"]
    heading = next(s for s in view.monograph.sections if s.title == "OVERVIEW")
    end = heading.start + len(heading.title)
    across = Entity(label="X", text=view.text[end - 3:end + 4], start=end - 3, end=end + 4, section=None)
    first = view.monograph.entities[0]
    overlap = Entity(label="Y", text=view.text[first.start:first.end + 1], start=first.start, end=first.end + 1,
                     section=None)
    crafted = ChapterView(view.monograph.model_copy(update={"entities": [*view.monograph.entities, across, overlap]}),
                          view.text, view.page_starts)
    page = render_chapter(crafted)
    assert page.count('<mark class="entity"') == len(view.monograph.entities) + 1  # 2 added, 1 dropped
    assert "1 entities overlap others and are not highlighted" in page

    class Nesting(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.bad: list[str] = []

        def handle_starttag(self, tag: str, attrs: Any) -> None:
            if tag not in ("meta", "br", "img"):
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if self.stack and self.stack[-1] == tag:
                self.stack.pop()
            else:
                self.bad.append(tag)

    checker = Nesting()
    checker.feed(page)
    assert checker.bad == [] and checker.stack == []
    # the heading was widened to hold the entity that crosses its end
    assert re.search(r'<span class="h h1" id="sec0">OVERV\s*<mark class="entity" title="X"[^>]*>\s*IEW\nThe\s*<span'
                     r"[^>]*>X</span>\s*</mark>\s*</span>", page)
