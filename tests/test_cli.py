"""The CLI in-process through main(argv), and once as a real subprocess."""

from __future__ import annotations

import io
import json
import subprocess
import sys

from livertox_parse.cli import main

from .conftest import FIXTURES

ANAKINRA = str(FIXTURES / "text" / "anakinra.txt")
METOPROLOL = str(FIXTURES / "text" / "metoprolol.txt")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_several_inputs_give_one_line_each_in_order() -> None:
    code, out, err = run("parse", ANAKINRA, METOPROLOL)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [json.loads(x)["title"] for x in lines] == ["Anakinra", "Metoprolol"]


def test_bad_input_is_one_line_and_the_batch_goes_on(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xff")
    code, out, err = run("parse", str(bad), str(tmp_path / "missing.txt"), ANAKINRA)
    assert code == 1
    assert len(out.splitlines()) == 1 and json.loads(out)["title"] == "Anakinra"
    errors = err.splitlines()
    assert errors == [f"{bad}:1:1: LTX002: byte 0xff is not valid UTF-8 (expected UTF-8 text)",
                      f"{tmp_path / 'missing.txt'}: LTX001: no such file"]


def test_not_a_monograph(tmp_path) -> None:  # type: ignore[no-untyped-def]
    other = tmp_path / "recipe.txt"
    other.write_text("Pancakes\nMix flour and eggs.\n", encoding="utf-8")
    code, out, err = run("parse", str(other))
    assert (code, out) == (1, "")
    assert "LTX005" in err and str(other) in err


def test_output_dir_and_pretty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run("parse", ANAKINRA, "-o", str(tmp_path), "--pretty")
    assert code == 0 and out == ""
    written = (tmp_path / "anakinra.json").read_text(encoding="utf-8")
    assert written.startswith("{\n  ") and json.loads(written)["trade_names"] == ["Kineret"]
    assert [p.name for p in tmp_path.iterdir()] == ["anakinra.json"]  # no temporary files left


def test_subprocess_version_and_no_traceback(tmp_path) -> None:  # type: ignore[no-untyped-def]
    version = subprocess.run([sys.executable, "-m", "livertox_parse", "--version"], capture_output=True, text=True, check=False)
    assert version.returncode == 0 and version.stdout.startswith("livertox-parse ")
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"")
    proc = subprocess.run([sys.executable, "-m", "livertox_parse", "parse", str(bad)], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"{bad}: LTX003: file is empty (expected a LiverTox monograph)"
    assert "Traceback" not in proc.stderr


def test_archive_members_are_parsed_and_non_chapters_noted(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import tarfile

    archive = tmp_path / "livertox_NBK547852.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ("Metoprolol.nxml", "Nabumetone.nxml"):
            tar.add(FIXTURES / "nxml" / name, arcname=f"livertox/{name}")
        readme = tmp_path / "README.txt"
        readme.write_text("not a chapter", encoding="utf-8")
        tar.add(readme, arcname="livertox/README.txt")
    code, out, err = run("parse", str(archive))
    assert code == 0
    assert [json.loads(x)["title"] for x in out.splitlines()] == ["Metoprolol", "Nabumetone"]
    assert "README.txt: skipped" in err
