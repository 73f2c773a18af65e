"""Row helpers shared by the store and to_frames: chapter keys and lab times in days, as named case tables."""

from __future__ import annotations

import pytest

from livertox_parse.rows import chapter_key, lab_days

# timepoint text as the parser gives it (lab table columns of real chapters) -> (days after start, after stop)
LAB_TIMES = {
    "Time After Starting: 3 weeks; Weeks After Stopping: 0": (21.0, 0.0),
    "Weeks After Stopping: 5 days": (None, 5.0),
    "Days After Starting: 18 (0)": (18.0, None),  # bare number: the column says days
    "Weeks After Starting: 23 (3)": (161.0, None),
    "Time After Starting*: 15 [2] weeks": (105.0, None),  # the bracket is the other clock
    "Time After Starting: Week 10": (70.0, None),
    "Time After Starting: Day 0": (0.0, None),
    "Time After Starting: -1 month": (-30.0, None),
    "Time After Stopping: [1] week": (None, 7.0),
    "Time After Starting: ~1 year": (365.0, None),
    "Time After Starting*: 1year": (365.0, None),
    "Time After Starting: 6months*": (180.0, None),
    "Time After Stopping: 24 hours": (None, 1.0),
    # no number of a known unit: text kept, no days
    "Time After Starting: Pre": (None, None),
    "Time After Stopping: Normal": (None, None),
    "Time After Starting: 2": (None, None),  # 2 what?
    "Time After Starting: 20 monhts": (None, None),
    "Time After Starting: 2 years after transplant": (None, None),
    "Time After Starting: Post-op day 1": (None, None),
    "Postoperative Days: 10": (None, None),  # after surgery, not after the drug
    "Protime (seconds): 12.0": (None, None),  # a test read as a time column: not a time
    "Date: Apr 10, 1999": (None, None),
}


@pytest.mark.parametrize("text", LAB_TIMES)
def test_lab_days(text: str) -> None:
    days = lab_days(text)
    assert (days["days_after_start"], days["days_after_stop"]) == LAB_TIMES[text]


def test_no_timepoint_no_days() -> None:
    assert lab_days(None) == {"days_after_start": None, "days_after_stop": None}


@pytest.mark.parametrize("title, key", [
    ("Venlafaxine, Desvenlafaxine", "venlafaxine-desvenlafaxine"),
    ("Angiotensin II Receptor Antagonists", "angiotensin-ii-receptor-antagonists"),
    ("Ginkgo (Ginkgo biloba)", "ginkgo-ginkgo-biloba"),
    ("Éphédra", "ephedra"),
    (None, None),
    ("", None),
])
def test_chapter_key(title: str | None, key: str | None) -> None:
    assert chapter_key(title) == key
