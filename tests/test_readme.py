"""Every ``sh`` and ``python`` snippet of the README runs, in order, offline, as a new user would run it.

The snippets name files a user would have (``anakinra.txt``, ``chapters/``, the bulk archive); the test makes
them in a scratch folder from the fixtures, by the table :data:`FILES` below, and runs the snippets there.
``livertox-parse ...`` lines run through ``cli.main`` in this process (the spaCy pipeline is built once);
one test runs the installed script as a real subprocess. What the test changes or leaves out is listed here:

* :data:`SKIP`: lines that install or test the project itself (``make ...``, ``source .venv/bin/activate``);
* :data:`REWRITE`: ``--workers 8`` runs with 2 workers (the test machine has 2 cores);
* like a shell: ``*`` globs are expanded and ``< file`` is fed to standard input;
* a comment line right after a ``livertox-parse`` line that starts like ``# path:line:col: CODE`` is the
  output the README promises: its location and code must be in what the command printed.
"""

from __future__ import annotations

import glob
import io
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from livertox_parse.cli import main

from .conftest import FIXTURES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)

# name in the README -> fixture it stands for (a folder name ends in "/": those fixtures go in it)
FILES: dict[str, str | list[str]] = {
    "anakinra.txt": "text/anakinra.txt",
    "chapter.txt": "text/anakinra.txt",
    "metoprolol.txt": "text/metoprolol.txt",
    "Metoprolol.nxml": "nxml/Metoprolol.nxml",
    "metoprolol.pdf": "pdf/metoprolol.pdf",
    "arbs.pdf": "pdf/arbs.pdf",
    "chapters/": ["text/metoprolol.txt", "nxml/ARBs.nxml"],
}
ARCHIVE = "livertox_NBK547852.tar.gz"  # made from fixtures/nxml/*.nxml, as livertox/<name>.nxml
SKIP = re.compile(r"^(make|source|pip) ")
REWRITE = [("--workers 8", "--workers 2")]
EXPECTED = re.compile(r"^# (?P<location>\S+?:(?:\d+:\d+|page \d+)): (?P<code>LT[WX]\d{3})\b")


def snippets() -> list[tuple[str, str]]:
    """(language, body) of every fenced block that can run: sh and python."""
    return [(m["lang"], m["body"]) for m in FENCE.finditer(README) if m["lang"] in ("sh", "python")]


def workspace(tmp: Path) -> Path:
    """A scratch folder holding every file the README names, and a link to the repository's fixtures."""
    for name, fixture in FILES.items():
        if isinstance(fixture, list):
            (tmp / name).mkdir()
            for f in fixture:
                shutil.copyfile(FIXTURES / f, tmp / name / Path(f).name)
        else:
            shutil.copyfile(FIXTURES / fixture, tmp / name)
    with tarfile.open(tmp / ARCHIVE, "w:gz") as tar:
        for f in sorted((FIXTURES / "nxml").glob("*.nxml")):
            tar.add(f, arcname=f"livertox/{f.name}")
    (tmp / "fixtures").symlink_to(FIXTURES, target_is_directory=True)
    return tmp


def commands(body: str) -> list[tuple[str, list[str]]]:
    """(command line, expected-output comments after it) for each line of an sh snippet."""
    out: list[tuple[str, list[str]]] = []
    for raw in body.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            if out and EXPECTED.match(line):
                out[-1][1].append(line)
            continue
        if line and not SKIP.match(line):
            for old, new in REWRITE:
                line = line.replace(old, new)
            out.append((line, []))
    return out


def run_sh_line(line: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """Run one README command line as the shell would: globs expanded, ``< file`` fed to stdin."""
    argv = shlex.split(line, comments=True)
    assert argv[0] == "livertox-parse", f"README sh line the test cannot run: {line!r}"
    if "<" in argv:
        at = argv.index("<")
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(Path(argv[at + 1]).read_bytes())))
        argv = argv[:at] + argv[at + 2:]
    argv = [x for a in argv for x in (sorted(glob.glob(a)) if "*" in a else [a])]
    out, err = io.StringIO(), io.StringIO()
    code = main(argv[1:], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_readme_has_runnable_snippets() -> None:
    langs = [lang for lang, _ in snippets()]
    assert langs.count("python") >= 2 and langs.count("sh") >= 4


def test_every_readme_snippet_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workspace(tmp_path))
    ran = 0
    for lang, body in snippets():
        if lang == "python":
            exec(compile(body, "README.md", "exec"), {"__name__": "readme_snippet"})  # noqa: S102
            ran += 1
            continue
        for line, expected in commands(body):
            code, out, err = run_sh_line(line, monkeypatch)
            ran += 1
            # check exits 1 for error-level findings, which the README's examples show on purpose
            assert code in ((0, 1) if " check " in line else (0,)), f"{line!r} exited {code}: {err}"
            assert "Traceback" not in err, f"{line!r}: {err}"
            for comment in expected:
                m = EXPECTED.match(comment)
                assert m is not None
                assert f"{m['location']}: {m['code']}" in out, f"{line!r} did not print {comment!r}:\n{out}"
    assert ran >= 12


def test_installed_script_runs_as_the_readme_says() -> None:
    script = Path(sys.executable).parent / "livertox-parse"
    if not script.exists():
        pytest.skip(f"{script} is not installed (run make install)")
    assert ".venv/bin/livertox-parse" in README and "source .venv/bin/activate" in README
    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and done.stdout.startswith("livertox-parse ")


def test_notebook_extra_is_what_make_installs() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    extra = pyproject[pyproject.index("notebook = ["):]
    extra = extra[:extra.index("]")]
    core = pyproject[pyproject.index("dependencies = ["):]
    core = core[:core.index("]")]
    assert re.search(r'"pandas>=[\d.]+,<\d+"', extra)
    assert re.search(r'"pyarrow>=[\d.]+,<\d+"', core)  # ingest needs it: core, not the extra
    assert ".[dev,notebook]" in (ROOT / "Makefile").read_text(encoding="utf-8")
