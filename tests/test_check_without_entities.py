"""check skips the entity pass (and spaCy) unless it renders html: the findings must not depend on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from livertox_parse.check import Config, check_view, findings_for
from livertox_parse.view import view_file

FIXTURES = sorted((Path(__file__).resolve().parent.parent / "fixtures").glob("[tn]*/*.*"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_findings_do_not_need_entities(path: Path) -> None:
    full = view_file(path)
    bare = view_file(path, with_entities=False)
    assert bare.monograph.entities == []
    assert bare.monograph.model_copy(update={"entities": full.monograph.entities}) == full.monograph
    findings, read, _ = check_view(str(path), Config(), with_entities=False)
    assert read and findings == findings_for(full.monograph, str(path), Config())
