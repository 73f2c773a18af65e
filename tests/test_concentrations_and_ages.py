"""What is not a dose or a duration: a concentration ('5.9 mg/dL', '50 mg/mL', '300 IU/L') and an age ('a 49
year old man'), as the book writes them; and how it introduces a case's patient."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livertox_parse import parse_text
from livertox_parse.stages.normalize import (
    DOSE_RE,
    PATIENT_RE,
    find_durations,
    find_patient,
    parse_medication,
)


@pytest.mark.parametrize("text", ["bilirubin 5.9 mg/dL", "albumin 2.9 g/dL", "ammonia 85 μg/dL", "ALT 300 IU/L",
                                  "acetaminophen level was 4 mg/L", "vials of 25 mg/mL", "HCV RNA 2300 IU/mL",
                                  "bilirubin 0.3-0.5 mg/DL"])
def test_concentrations_are_no_doses(text: str) -> None:
    assert DOSE_RE.search(text) is None


@pytest.mark.parametrize(("text", "dose"), [("100 mg daily", "100 mg daily"), ("40 mg/d for a week", "40 mg/d"),
                                            ("4.8 g/day", "4.8 g/day"), ("1 mg/kg/day", "1 mg/kg/day"),
                                            ("300 mg/m2 daily", "300 mg/m2 daily"), ("15 mg/week", "15 mg/week")])
def test_doses_per_day_week_and_body_size_stay(text: str, dose: str) -> None:
    m = DOSE_RE.search(text)
    assert m is not None and m.group(0).strip() == dose


def test_a_serum_level_is_no_key_points_dose() -> None:
    # Aspirin (LiverTox 2021): the Key Points give a target level, not a dose
    assert parse_medication("Aspirin (salicylate levels maintained at 20-25 mg/dL)") == ("Aspirin", None)
    assert parse_medication("Anakinra (100 mg daily)") == ("Anakinra", "100 mg daily")


@pytest.mark.parametrize("text", ["A 49 year old man", "a nine year old girl", "a 24-year-old woman",
                                  "(62 year old man)", "an infant 6 months old"])
def test_ages_are_no_durations(text: str) -> None:
    assert find_durations(text) == []


def test_a_duration_beside_an_age_stays() -> None:
    found = find_durations("A 49 year old man developed jaundice 6 weeks after starting")
    assert [(d.text, d.min_days) for d in found] == [("6 weeks", 42.0)]


def test_entities_of_a_case_narrative() -> None:
    text = ("Drug X\n\nCASE REPORT\n\nCase 1. Hepatitis.\n\nA 49 year old man took drug X 100 mg daily for 6 weeks. "
            "Serum bilirubin was 5.9 mg/dL and ALT 300 IU/L.\n")
    ents = {(e.label, e.text) for e in parse_text(text).entities}
    assert ("DOSE", "100 mg daily") in ents and ("DURATION", "6 weeks") in ents
    assert not {t for label, t in ents if label == "DOSE"} - {"100 mg daily"}
    assert not {t for label, t in ents if label == "DURATION"} - {"6 weeks"}


# how the dev chapters introduce a case's patient (LiverTox 2021)
@pytest.mark.parametrize(("text", "age", "sex"), [
    ("A nine year old girl with cystic fibrosis", 9, "female"),  # AmphotericinB
    ("a ten-year-old boy", 10, "male"),
    ("A 47 year old African-American man with refractory multiple myeloma", 47, "male"),  # Pomalidomide
    ("A 49 year woman underwent arthroscopic surgery", 49, "female"),  # Sevoflurane: 'old' left out
    ("A woman in her early 40s with a history of chronic knee pain", None, "female"),  # DILIN: a decade
    ("A man in his 60s", None, "male"),
    ("An 18 month old girl", 1.5, "female"),
    ("A 55 old year woman developed anorexia", 55, "female"),  # Etodolac: the words swapped
    ("A 16 year old adolescent female was found to have", 16, "female"),  # Isotretinoin: the sex after the noun
    ("A 15 year old adolescent male with seizures", 15, "male"),  # Valproate
    ("A 24 year old body builder developed pruritus", 24, None),  # AndrogenicSteroids: no word for the sex
    # Nafcillin, ketoconazole's case in Phenotypes_enzy, Rifampin: no age, the narrative opens with its patient
    ("An elderly lady with septic arthritis was treated", None, "female"),
    ("A woman was started on ketoconazole as experimental therapy", None, "female"),
    ("A child with tuberculosis was treated with isoniazid", None, None),
    # Simvastatin: the bracketed line citing the case's source names another patient first
    (("[Modified from: Lata S, Chudy B. [Acute cholestatic hepatitis caused by simvastatin in a 67-year-old "
      "patient]. Przegl Lek 2006; 63 (suppl 7): 97-8. Polish. PubMed Citation\nA 67 year old woman was admitted"),
     67, "female"),
    # Phenotypes_enzy copied by pdftotext: the citation wraps, and the narrative opens on the line after it
    (("[Modified from: Leal-Cerro A, GarcíLuna PP, Jiméz Mejí E, Astorga R. [Hepatotoxicity of ketoconazole in "
      "patients\nwith adrenal pathology]. Med Clin (Barc) 1987; 88: 519. PubMed Citation]\nA woman was started on "
      "ketoconazole as experimental therapy"), None, "female"),
])
def test_patient_forms_of_the_book(text: str, age: float | None, sex: str | None) -> None:
    found = find_patient(text)
    assert found is not None and (found.age_years, found.sex) == (age, sex)


@pytest.mark.parametrize("text", ["a 2 year course of therapy in a man", "data from a 10 year study of women",
                                  "Alpha 22 year old woman",
                                  # 'A woman' names the patient only as the narrative's opening words
                                  "Liver injury arose after 3 weeks. A woman in the same trial had none.",
                                  "[Modified from: a case in a 45 year old man]",
                                  # the citation wrapped by a text copy names its patient on its second line
                                  ("[Modified from: Lata S, Chudy B. [Acute cholestatic hepatitis caused by "
                                   "simvastatin\nin a 67-year-old patient]. Przegl Lek 2006; 63 (suppl 7): 97-8. "
                                   "Polish. PubMed Citation]")])
def test_no_patient_in_other_phrases(text: str) -> None:
    assert find_patient(text) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "A", "an", "An", "AN", "xa", "_a", "1a", " ", "\n", "22", "nine", "year",
                                 "-", "old", "woman", "in", "her", "40s", "early", "Fabian", "é"]), max_size=14))
def test_patient_regex_leading_class_is_word_boundary_a(words: list[str]) -> None:
    """PATIENT_RE opens with '[aA](?<!\\w[aA])n?' for speed: the same matches as '\\b(?:a|an)' ignoring case."""
    text = " ".join(words).replace(" - ", "-")
    plain = re.compile(PATIENT_RE.pattern.replace(r"[aA](?<!\w[aA])n?\s+", r"\b(?:a|an)\s+", 1), re.IGNORECASE)
    assert plain.pattern != PATIENT_RE.pattern
    assert [m.span() for m in PATIENT_RE.finditer(text)] == [m.span() for m in plain.finditer(text)]
