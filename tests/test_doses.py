"""Doses compared as regimens: real Key Points doses against real narrative sentences of the dev corpus."""

from __future__ import annotations

import pytest

from livertox_parse.stages.doses import disagreeing, dose_amounts, find_doses

SAME_REGIMEN = {  # id (chapter): (Key Points dose, narrative sentence)
    "Captopril-three-times-daily": ("75 mg daily", "was started on captopril [25 mg three times daily]."),
    "Bosentan-twice-daily": ("250 mg daily", "treated with bosentan in increasing doses up to 125 mg twice daily."),
    "Trisalicylate-g-vs-mg": ("3.0 g daily", "started on trisalicylate in a dose of 1500 mg twice daily"),
    "Pirfenidone-tid": ("600 mg daily", "starting pirfenidone (200 mg three times daily), which was followed"),
    "Methimazole-frequency-later": ("30 mg daily", ("starting therapy with methimazole (10 mg) and propranolol "
                                                   "(20 mg), both given three times daily.")),
    "Buprenorphine-tablet-count": ("24 mg intravenously", ("shortly after injecting 3 to 5 crushed and dissolved "
                                   "tablets of buprenorphine (8 mg, meant for sublingual administration)")),
    "Hydroxycut-rounded": ("1.8 grams C. sinensis extract per day", ("Started Hydroxycut (1.86 g green tea "
                                                                     "extract daily)")),
    "every-8-hours": ("1200 mg daily", "acetaminophen 400 mg every 8 hours"),
    "q6h": ("2 g daily", "500 mg q6h"),
    "every-6-to-8-hours": ("1500 mg daily", "500 mg every 6 to 8 hours"),
    "bid": ("40 mg daily", "20 mg bid"),
    "mcg-vs-mg": ("0.1 mg daily", "levothyroxine 100 mcg daily"),
    "loading-and-maintenance": ("300 mg daily", "a loading dose of 600 mg followed by 300 mg daily"),
    "range": ("150 mg daily", "increased from 75 to 150 mg daily"),
}


@pytest.mark.parametrize("case", SAME_REGIMEN)
def test_same_regimen_written_two_ways_agrees(case: str) -> None:
    stated, narrative = SAME_REGIMEN[case]
    assert find_doses(stated) and find_doses(narrative)
    assert disagreeing(find_doses(stated), find_doses(narrative)) == []


CONTRADICTIONS = {  # id (chapter): (Key Points dose, narrative sentence); real defects of the dev corpus
    "Metoprolol": ("200 mg daily", "2 weeks after starting metoprolol (50 mg daily) for migraine headaches."),
    "Cimetidine-case-1": ("200 mg daily", "7 months after starting cimetidine (400 mg daily)."),
    "Norfloxacin": ("500 mg daily for 6 days", "he was switched to oral norfloxacin (400 mg twice daily)."),
    "Valproate-case-1": ("450 mg/day", "Valproate started: 500 mg daily"),
    "twice-weekly-is-not-daily": ("80 mg daily", "40 mg twice weekly"),
}


@pytest.mark.parametrize("case", CONTRADICTIONS)
def test_contradiction_survives(case: str) -> None:
    stated, narrative = CONTRADICTIONS[case]
    assert disagreeing(find_doses(stated), find_doses(narrative)) != []


NOT_DOSES = {  # lab values and concentrations of real case narratives are no doses
    "bilirubin": "serum bilirubin had risen to approximately 8.5 mg/dL, ALT 350 U/L",
    "albumin": "Albumin 2.7g/dL",
    "ammonia": "ammonia 354 ug/dL",
    "level": "serum level 12 mg/L",
}


@pytest.mark.parametrize("case", NOT_DOSES)
def test_concentrations_are_not_doses(case: str) -> None:
    assert find_doses(NOT_DOSES[case]) == []


def test_dimensions_are_compared_apart() -> None:  # Fluorouracil: 2.4 g/m2 is not 2.4 g
    (per_m2,) = find_doses("2.4 g/m2 daily as 46 hour infusions")
    assert (per_m2.dimension, per_m2.amounts) == ("mg/m2", (2400.0,))
    assert disagreeing(find_doses("2.4 g/m2 daily"), find_doses("2 g of acetaminophen")) == []
    (per_kg,) = find_doses("prednisone (1 mg/kg)")
    assert per_kg.dimension == "mg/kg"
    assert [d.dimension for d in find_doses("heparin 100 units/kg, then 7000 units")] == ["IU/kg", "IU"]


def test_dose_amounts_read_ranges_and_units() -> None:
    assert sorted(dose_amounts("increased the dose (from 75 to 300 mg daily)")) == [75.0, 300.0]
    assert dose_amounts("3.0 g daily") == [3000.0]
    assert dose_amounts("1" + "0" * 30 + " mg daily") == []  # beyond any real dose: stays text
