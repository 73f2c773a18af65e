"""HTML views: a parsed chapter (``show``, ``check --format html``) and an ingest run (``out/report.html``).

Every page is one self-contained file: inline CSS, a few lines of inline script, charts as data URIs; it
loads nothing from the network. Importing this package is cheap: spaCy's displaCy is imported when a chapter
is rendered, matplotlib when a report is.
"""

from __future__ import annotations

from .chapter import ChapterView, chapter_outline, chapter_section, render_chapter, render_page, view_file

__all__ = ["ChapterView", "chapter_outline", "chapter_section", "render_chapter", "render_page", "view_file"]
