from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# `make test` draws the same examples every run (a CI gate fails only for a change, never for a new draw, and
# no example database carries a failure from one checkout's runs into the next); `--fuzz-long` draws new ones
settings.register_profile("make-test", derandomize=True, database=None)
settings.register_profile("fuzz", derandomize=False)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GOLDEN = FIXTURES / "golden"
TEXTS = sorted((FIXTURES / "text").glob("*.txt"))


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--fuzz-long", default=False):
        os.environ["LIVERTOX_FUZZ_LONG"] = "1"  # read by tests/test_fuzz.py when it is imported
    settings.load_profile("fuzz" if os.environ.get("LIVERTOX_FUZZ_LONG", "") not in ("", "0") else "make-test")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-long", action="store_true",
                     help="tests/test_fuzz.py: 20 times as many examples; every property test: a new random sample each run")
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite fixtures/golden/*.json (read every diff by hand before committing)")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
