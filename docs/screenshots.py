"""Make the README's pictures: docs/img/view.png (``show``) and docs/img/report.png (``ingest``).

Run from the repository root: ``.venv/bin/python docs/screenshots.py``. Uses the system Chromium
(/usr/bin/chromium) through Playwright, as tests/test_view.py does.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def cli(*argv: str) -> None:
    subprocess.run([sys.executable, "-m", "livertox_parse", *argv], check=False, cwd=ROOT,
                   stdout=subprocess.DEVNULL)


def main() -> None:
    IMG.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cli("show", "fixtures/pdf/metoprolol.pdf", "-o", str(work / "view.html"))
        cli("ingest", "fixtures/text", "fixtures/pdf", "fixtures/nxml", "--out", str(work / "out"),
            "--workers", "1")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            tab = browser.new_page(viewport={"width": 1280, "height": 760})
            tab.goto((work / "view.html").as_uri())
            tab.locator("tr.warning a").click()  # the Key Points dose that contradicts the narrative
            tab.screenshot(path=str(IMG / "view.png"))
            tab.set_viewport_size({"width": 1280, "height": 1000})
            tab.goto((work / "out" / "report.html").as_uri())
            tab.screenshot(path=str(IMG / "report.png"), full_page=True)
            browser.close()
    print(f"wrote {IMG / 'view.png'} and {IMG / 'report.png'}")


if __name__ == "__main__":
    main()
