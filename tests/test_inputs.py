"""parse, parse_many and check take what ingest takes (files, folders, archives) and ``-`` for stdin; ``-o``
never overwrites silently, never ends in a traceback, and writes files the umask allows."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from livertox_parse import LiverToxError, Monograph, parse_many
from livertox_parse.cli import main

from .conftest import FIXTURES


def run(*argv: str | Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(a) for a in argv], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    """A folder with a nested folder, an archive of two chapters, a hidden file and a file of another kind."""
    root = tmp_path / "chapters"
    (root / "deep" / "deeper").mkdir(parents=True)
    shutil.copyfile(FIXTURES / "text" / "anakinra.txt", root / "anakinra.txt")
    shutil.copyfile(FIXTURES / "pdf" / "nabumetone.pdf", root / "deep" / "nabumetone.pdf")
    shutil.copyfile(FIXTURES / "nxml" / "Metoprolol.nxml", root / "deep" / "deeper" / "Metoprolol.nxml")
    with tarfile.open(root / "bulk.tar.gz", "w:gz") as tar:
        for name in ("ARBs", "Barbiturates"):
            tar.add(FIXTURES / "nxml" / f"{name}.nxml", arcname=f"livertox/{name}.nxml")
    (root / ".hidden.txt").write_text("not a monograph")
    (root / "notes.md").write_text("not a monograph")
    return root


EXPECTED_NAMES = ["anakinra.txt", "bulk.tar.gz!livertox/ARBs.nxml", "bulk.tar.gz!livertox/Barbiturates.nxml",
                  "deep/deeper/Metoprolol.nxml", "deep/nabumetone.pdf"]


def test_parse_many_takes_a_folder_recursively(tree: Path) -> None:
    results = list(parse_many([tree]))
    assert [name.removeprefix(f"{tree}/") for name, _ in results] == EXPECTED_NAMES
    assert all(isinstance(m, Monograph) for _, m in results)


def test_parse_and_check_take_a_folder(tree: Path) -> None:
    code, out, err = run("parse", tree)
    assert code == 0, err
    assert [json.loads(line)["source"]["path"].removeprefix(f"{tree}/") for line in out.splitlines()] == EXPECTED_NAMES
    code, out, err = run("check", "--format", "json", tree)
    assert "checked 5 file(s)" not in err  # json format: no summary line
    code, out, err = run("check", tree)
    assert code in (0, 1) and "checked 5 file(s)" in err


def test_a_folder_without_monographs_is_an_error_not_silence(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, out, err = run("parse", tmp_path / "empty")
    assert code == 1 and out == ""
    assert err.strip() == f"{tmp_path / 'empty'}: LTX001: folder holds no .txt, .pdf, .nxml, .xml or .tar.gz files"
    ((_, error),) = list(parse_many([tmp_path / "empty"]))
    assert isinstance(error, LiverToxError) and error.code == "LTX001"


@pytest.fixture()
def stdin_bytes(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def feed(data: bytes) -> None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    yield feed


@pytest.mark.parametrize("fixture", ["text/anakinra.txt", "pdf/anakinra.pdf", "nxml/Metoprolol.nxml"])
def test_dash_reads_stdin(fixture: str, stdin_bytes) -> None:  # type: ignore[no-untyped-def]
    stdin_bytes((FIXTURES / fixture).read_bytes())
    code, out, err = run("parse", "-")
    assert code == 0, err
    data = json.loads(out)
    assert data["source"]["path"] == "<stdin>" and data["source"]["format"] == fixture.split("/")[0]
    stdin_bytes((FIXTURES / fixture).read_bytes())
    code, out, err = run("check", "-")
    assert code in (0, 1) and "checked 1 file(s)" in err


def test_dash_refuses_an_archive_with_a_hint(stdin_bytes, tree: Path) -> None:  # type: ignore[no-untyped-def]
    stdin_bytes((tree / "bulk.tar.gz").read_bytes())
    code, out, err = run("parse", "-")
    assert code == 1 and out == "" and err.strip() == "<stdin>: LTX004: an archive on standard input: give its path instead"


def test_stdin_as_a_real_pipe() -> None:
    done = subprocess.run([sys.executable, "-m", "livertox_parse", "parse", "-"], input=(
        FIXTURES / "text" / "anakinra.txt").read_bytes(), capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == "Anakinra"


# --- -o ----------------------------------------------------------------------------------------------------


def test_same_name_inputs_get_distinct_files(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copyfile(FIXTURES / "text" / "anakinra.txt", tmp_path / "a" / "x.txt")
    shutil.copyfile(FIXTURES / "pdf" / "anakinra.pdf", tmp_path / "b" / "x.pdf")
    out = tmp_path / "out"
    code, _, err = run("parse", tmp_path / "a" / "x.txt", tmp_path / "b" / "x.pdf", "-o", out)
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == ["x.json", "x.pdf.json"]
    assert json.loads((out / "x.json").read_text())["source"]["format"] == "text"
    assert json.loads((out / "x.pdf.json").read_text())["source"]["format"] == "pdf"
    assert err.strip() == f"{tmp_path / 'b' / 'x.pdf'}: written to {out / 'x.pdf.json'} (x.json is " \
                          f"{tmp_path / 'a' / 'x.txt'}'s)"
    # a run again replaces its own files (documented in --help) and still keeps the two apart
    assert run("parse", tmp_path / "a" / "x.txt", tmp_path / "b" / "x.pdf", "-o", out)[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["x.json", "x.pdf.json"]


def test_output_dir_that_is_a_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    existing = tmp_path / "out.json"
    existing.write_text("keep me")
    code, out, err = run("parse", FIXTURES / "text" / "anakinra.txt", "-o", existing)
    assert code == 2 and out == ""
    assert err == f"livertox-parse parse: error: -o {existing}: is a file; -o names a folder (created if missing)\n"
    assert existing.read_text() == "keep me"


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_written_files_honour_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    from livertox_parse.emit import file_mode

    file_mode.cache_clear()
    old = os.umask(mask)
    try:
        code, _, err = run("parse", FIXTURES / "text" / "anakinra.txt", "-o", tmp_path / "out")
        code_ingest, _, _ = run("ingest", FIXTURES / "text" / "anakinra.txt", "--out", tmp_path / "db",
                                "--workers", "1")
    finally:
        os.umask(old)
        file_mode.cache_clear()
    assert code == 0 and code_ingest == 0, err
    written = [tmp_path / "out" / "anakinra.json", tmp_path / "db" / "monographs.jsonl",
               *(tmp_path / "db" / "json").glob("*.json")]
    assert len(written) == 3
    assert {stat.S_IMODE(p.stat().st_mode) for p in written} == {mode}


# --- progress ---------------------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only(tree: Path, tmp_path: Path) -> None:
    files = [tree / "anakinra.txt", tree / "deep" / "nabumetone.pdf"]
    err = Terminal()
    assert main(["parse", *map(str, files), "-o", str(tmp_path / "o")], stdout=io.StringIO(), stderr=err) == 0
    assert "parse: 100%" in err.getvalue() and "2/2" in err.getvalue()
    err = Terminal()
    assert main(["check", *map(str, files)], stdout=io.StringIO(), stderr=err) in (0, 1)
    assert "check: 100%" in err.getvalue() and "2/2" in err.getvalue()
    code, out, plain = run("parse", *files, "-o", tmp_path / "o2")
    assert code == 0 and out == "" and plain == ""  # not a terminal: nothing


def test_no_bar_when_the_json_goes_to_the_same_terminal(tree: Path) -> None:
    out, err = Terminal(), Terminal()
    assert main(["parse", str(tree / "anakinra.txt"), str(tree / "anakinra.txt")], stdout=out, stderr=err) == 0
    assert err.getvalue() == ""
