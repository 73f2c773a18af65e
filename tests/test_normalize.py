"""Stage 4: named case tables for the normalisers; real Key Points phrasing from DOMAIN.md and the archive."""

from __future__ import annotations

import pytest

from livertox_parse.stages.doses import dose_amounts
from livertox_parse.stages.formulas import parse_formula
from livertox_parse.stages.normalize import (
    cas_check_digit_ok,
    covered_case_numbers,
    find_durations,
    find_patient,
    medication_items,
    parse_duration,
    parse_medication,
    parse_pattern,
    parse_severity,
    patterns_named,
    read_pattern,
    read_severity,
    split_medications,
)

DURATIONS = {  # text -> (min_days, max_days) of the first duration
    "weeks": ("3 weeks", 21, 21),
    "approx": ("~2 weeks", 14, 14),
    "range_to": ("2 to 8 weeks", 14, 56),
    "range_dash": ("1-2 months", 30, 60),
    "days_range": ("1 to 3 days", 1, 3),
    "word_number": ("One week", 7, 7),
    "half": ("two and half years", 912.5, 912.5),
    "decimal_years": ("2.5 years, 2 months after dose increase", 912.5, 912.5),
    "vague_lower_bound": ("within a few weeks to up to 6 months", None, 180),
    "within": ("Complete within 30 days", None, 30),
    "vague": ("several months", None, None),
    "more_than": ("more than 6 months", 180, None),
}


@pytest.mark.parametrize("case", DURATIONS)
def test_duration_day_ranges(case: str) -> None:
    text, lo, hi = DURATIONS[case]
    assert parse_duration(text)[:2] == (lo, hi)


@pytest.mark.parametrize("text", ["Fatal", "Incomplete", "Unclear", "Not reported", ""])
def test_duration_absent_gives_no_days(text: str) -> None:
    assert parse_duration(text) == (None, None, [])


TWO_DURATIONS = {
    "onset_and_jaundice": ("24 days to symptoms, 32 days to jaundice", [(24, "symptoms"), (32, "jaundice")]),
    "first_course_and_rechallenge": ("Initially 18 months, with rechallenge 3 days",
                                     [(540, "initially"), (3, "rechallenge")]),
    "rechallenge_after": ("1 month initially, 1 day on rechallenge", [(30, "initially"), (1, "rechallenge")]),
}


@pytest.mark.parametrize("case", TWO_DURATIONS)
def test_both_durations_are_kept(case: str) -> None:
    text, expected = TWO_DURATIONS[case]
    assert [(d.min_days, d.context) for d in find_durations(text)] == expected


def test_duration_spans_point_at_their_text() -> None:
    text = "onset within 2 to 8 weeks of starting"
    (d,) = find_durations(text)
    assert text[d.start : d.end] == d.text == "within 2 to 8 weeks"


def test_no_duration_starts_inside_a_word() -> None:
    # authors of the book's citations: the 'a' ending a name and an initial read as 'a hr', 'a yr', 'a mo'
    text = ("[Modified from: Spahr L, Rubbia-Brandt L, Burkhard PR, Assal F, Hadengue A.] "
            "Moreno-Otero R, Tapia YR, Kamo Y, Chan WK, Lieberman HR.")
    assert find_durations(text) == []
    # one opening with a digit or a sign still may follow a letter; a word before a number word is no part of it
    assert [d.text for d in find_durations("peak at Day3 days later, [mean~4 weeks]")] == ["3 days", "~4 weeks"]


FORMULAS = {
    "pdf_zero_for_oxygen": ("C759-H1186-N208-0232-S10", "C759H1186N208O232S10", {"O": 232, "S": 10}),
    "single_atoms": ("C15-H25-N-O3", "C15H25NO3", {"N": 1, "O": 3}),
    "two_letter_and_salt": ("C22-H23-Cl-N6-O.K", "C22H23ClN6O.K", {"Cl": 1, "K": 1}),
    "hydrate": ("C16-H19-N3-O4-S.3H2-O", "C16H19N3O4S.3H2O", {"H": 25, "O": 7}),
}


@pytest.mark.parametrize("case", FORMULAS)
def test_formula(case: str) -> None:
    text, formula, some_elements = FORMULAS[case]
    parsed = parse_formula(text)
    assert parsed is not None and parsed.formula == formula
    assert some_elements.items() <= parsed.elements.items()


@pytest.mark.parametrize("text", ["Not Available", "Protein", "C15-Xx3", "", "12-34"])
def test_formula_unparsable(text: str) -> None:
    assert parse_formula(text) is None


CAS = {"143090-92-0": True, "51384-51-1": True, "57-43-2": True, "144701-48-4": True,
       "143090-92-1": False, "51384-51-2": False, "not-a-cas": False}


@pytest.mark.parametrize("cas", CAS)
def test_cas_check_digit(cas: str) -> None:
    assert cas_check_digit_ok(cas) is CAS[cas]


SEVERITIES = {"3+ (jaundice, hospitalization)": 3, "4+, variceal hemorrhage": 4, "5+ (death from ALF)": 5,
              "1+ (enzyme elevations and symptoms without jaundice)": 1,
              "Mild (enzyme elevations without jaundice)": 1, "unknown": None, "6+": None}


@pytest.mark.parametrize("text", SEVERITIES)
def test_severity(text: str) -> None:
    assert parse_severity(text) == SEVERITIES[text]


PATTERNS = {
    "Hepatocellular (R=15)": ("hepatocellular", 15.0),
    "Cholestatic (R=0.7)": ("cholestatic", 0.7),
    "Mixed (R=~3.9)": ("mixed", 3.9),
    "Hepatocellular (R~100)": ("hepatocellular", 100.0),  # '~' for '=~' (Topiramate)
    "Cholestatic (R ≈ 1.2)": ("cholestatic", 1.2),
    "Hepatocellular-mixed (R=5.8, falling to 2.1 at time of peak bilirubin)": ("hepatocellular", 5.8),
    "Hepatocellular→Cholestatic (R=7.5→1.1)": ("hepatocellular", 7.5),
    "Hepatocellular (R value could not be determined)": ("hepatocellular", None),
    "None: normal serum enzymes": ("none", None),
}


@pytest.mark.parametrize("text", PATTERNS)
def test_pattern(text: str) -> None:
    assert parse_pattern(text) == PATTERNS[text]


MEDICATIONS = {
    "Anakinra (100 mg daily)": ("Anakinra", "100 mg daily"),
    "Tizanidine 36 mg daily": ("Tizanidine", "36 mg daily"),
    "Flurbiprofen (200 mg daily for ~1 month)": ("Flurbiprofen", "200 mg daily for ~1 month"),
    "Fluoxetine": ("Fluoxetine", None),
    "Desflurane (6%), 90 min anesthesia time": ("Desflurane", None),  # a concentration, a remark: no dose
    # a digit glued to the name is the name's (Interferon); a combination's doses, the way and the frequency are
    # the dose's (AmoxicillinClavulana, Metronidazole)
    "Interferon ß-1b (250 mcg thrice weekly)": ("Interferon ß-1b", "250 mcg thrice weekly"),
    "Interferon ß1a (44 mcg three times weekly)": ("Interferon ß1a", "44 mcg three times weekly"),
    "Amoxicillin-clavulanate 500/125 mg thrice daily for 31 days": ("Amoxicillin-clavulanate",
                                                                    "500/125 mg thrice daily"),
    "Metronidazole, 500 mg iv every 6 hours for 5 days": ("Metronidazole", "500 mg iv every 6 hours"),
}


DOSE_PHRASES = {  # the book's sentences (Dicloxacillin, Zidovudine, Tramadol, Valproate): the whole dose phrase
    "The typical dose is 125 to 500 mg every 6 hours. Common": "125 to 500 mg every 6 hours",
    "recommended dose is 100 mg five times daily or 200 mg": "100 mg five times daily",
    "in doses of 50 to 100 mg every 4 to 6 hours as needed": "50 to 100 mg every 4 to 6 hours",
    "given 1 gram four times daily": "1 gram four times daily",
    "(250 mg four times a day) and 2 weeks later": "250 mg four times a day",
    "10 mg every other day": "10 mg every other day",
    "sulfamethoxazole-trimethoprim (TMP-SMZ) (80 mg/400 mg) for sinusitis": "80 mg/400 mg",  # SMZ-TMP
}


@pytest.mark.parametrize("text", DOSE_PHRASES)
def test_a_dose_phrase_keeps_its_frequency(text: str) -> None:
    from livertox_parse.stages.normalize import DOSE_RE

    found = DOSE_RE.search(text)
    assert found is not None and found.group(0) == DOSE_PHRASES[text]


def test_a_frequency_is_no_duration() -> None:
    text = ("oral dicloxacillin (250 mg four times a day) and 2 weeks later; infusions every 4 weeks for 3 months, "
            "then every other day; doses every 6 to 8 hours; prednisone daily times 3 days")
    assert [d.text for d in find_durations(text)] == ["2 weeks", "3 months", "3 days"]


@pytest.mark.parametrize("text", MEDICATIONS)
def test_medication(text: str) -> None:
    assert parse_medication(text) == MEDICATIONS[text]


def test_other_medications() -> None:
    assert split_medications("Prednisone, folate") == ["Prednisone", "folate"]
    assert split_medications("None mentioned") == []
    assert split_medications("None") == []


@pytest.mark.parametrize(("text", "meds"), [
    # Nilutamide, Allopurinol (LiverTox 2021): sentences in the cell, each naming medications
    ("Leuprolide. Prednisolone and norfloxacin 2 months previously",
     ["Leuprolide", "Prednisolone", "norfloxacin 2 months previously"]),
    (("Glibenclamide, indomethacin, and cimetidine chronically. Enflurane 2 weeks before onset, doxycycline for "
      "the 6 days before onset."), ["Glibenclamide", "indomethacin", "cimetidine chronically",
                              "Enflurane 2 weeks before onset", "doxycycline for the 6 days before onset"]),
    # abbreviations are no sentence's end
    ("St. John's wort and Dr. Smith's tonic", ["St. John's wort", "Dr. Smith's tonic"]),
    ("Prednisone (5 mg/day. Tapered)", ["Prednisone (5 mg/day. Tapered)"]),
])
def test_other_medications_split_at_a_sentence_end(text: str, meds: list[str]) -> None:
    assert split_medications(text) == meds


@pytest.mark.parametrize(("text", "meds"), [
    # the book's cells (Lapatinib, Didanosine, Germander, Amiodarone, PenicilllinGandV): an item saying only when or
    # whether names no medication
    ("Previously, capecitabine, exemestane.", ["capecitabine", "exemestane"]),
    ("Nevirapine, 8 weeks previously", ["Nevirapine"]),
    ("On second occasion, ephedra", ["ephedra"]),
    ("Digoxin, verapamil, others not given", ["Digoxin", "verapamil"]),
    ("Cefazolin, possibly others", ["Cefazolin"]),
    ("chloral hydrate, diazepam and, on day 21, propofol and alfentanil anesthesia.",
     ["chloral hydrate", "diazepam", "propofol", "alfentanil anesthesia"]),
    ("Possibly cocaine and benzodiazepines", ["Possibly cocaine", "benzodiazepines"]),
])
def test_other_medications_name_medications(text: str, meds: list[str]) -> None:
    assert split_medications(text) == meds


def test_a_medication_not_applicable_names_no_drug() -> None:
    # Remdesivir (LiverTox 2021), case 1: liver injury of COVID-19 before any remdesivir
    assert parse_medication("Not applicable") == (None, None)


def test_dose_amounts_read_ranges() -> None:
    assert sorted(dose_amounts("increased the dose (from 75 to 300 mg daily)")) == [75.0, 300.0]
    assert dose_amounts("prednisone (1 mg/kg)") == [1.0]


PATIENTS = {"A 22 year old woman with": (22, "female"), "a 56-year-old man": (56, "male"),
            "An 18 month old girl": (1.5, "female"), "A 39 year old patient": (39, None)}


@pytest.mark.parametrize("text", PATIENTS)
def test_patient(text: str) -> None:
    found = find_patient(text)
    assert found is not None and (found.age_years, found.sex) == PATIENTS[text]


# --- Key Points values as the book's authors write them (real values of the dev corpus, chapter in the id) ---

BOOK_SEVERITIES = {
    "Cimetidine-no-plus": ("3 (jaundice, hospitalization)", 3, "grade"),
    "Disulfiram-no-plus": ("4 (jaundice, prothrombin time prolonged)", 4, "grade"),
    "Hydralazine-grade-inside-words": ("Moderate (3+; jaundice and hospitalization)", 3, "grade"),
    "Remdesivir-mild": ("Mild (anicteric)", 1, "word"),
    "Remdesivir-moderate": ("Moderate", 2, "word"),
    "Vancomycin-severe": ("Severe (INR >1.5)", 4, "word"),
    "Sofosbuvir-fatal": ("Fatal", 5, "word"),
    "Rifampin-mild-comma": ("Mild, asymptomatic", 1, "word"),
    "Fluorouracil-coma": ("Coma", None, "description"),
    "seeded-7-plus": ("7+ (jaundice, hospitalization)", None, "off_scale"),
    "seeded-0-plus": ("0+", None, "off_scale"),
    "seeded-6-no-plus": ("6 (death)", None, "off_scale"),
}


@pytest.mark.parametrize("case", BOOK_SEVERITIES)
def test_book_severity(case: str) -> None:
    text, grade, how = BOOK_SEVERITIES[case]
    found = read_severity(text)
    assert (found.grade, found.how) == (grade, how)


BOOK_PATTERNS = {
    "AndrogenicSteroids-bland": ("Bland cholestasis", "cholestatic", None, "phrase"),
    "Phenotypes_tumor-alp-only": ("Alkaline phosphatase elevation only", "cholestatic", None, "phrase"),
    "Senna-necrosis": ("Acute hepatic necrosis", "hepatocellular", None, "phrase"),
    "Rifampin-bilirubin-only": ("Bilirubin elevations only", "none", None, "phrase"),
    "Valproate-not-applicable": ("(R=not applicable)", "none", None, "phrase"),
    "Methotrexate-undefined": ("Undefined (no serum enzyme elevation)", "unknown", None, "phrase"),
    "Ritonavir-unclear": ("Unclear (no alkaline phosphatase levels)", "unknown", None, "phrase"),
    "issue-unknown": ("Unknown (no ALT or alkaline phosphatase results)", "unknown", None, "phrase"),
    "Sunitinib-minimal": ("Minimal enzyme elevations", "unknown", None, "phrase"),
    "Didanosine-mild-ALT": ("Mild serum ALT elevations", "unknown", None, "phrase"),
    "ObeticholicAcid-jaundice": ("Worsening jaundice", "unknown", None, "phrase"),
    "Sofosbuvir-ACLF": ("Acute on chronic liver failure", "unknown", None, "phrase"),
    "Didanosine-R-only": ("(R=2.3)", "mixed", 2.3, "r"),
    "Nevirapine-R-greater": ("Hepatocellular (R>100)", "hepatocellular", 100.0, "word"),
    "Sulfonylureas-R-less": ("Cholestatic (R=<1.0)", "cholestatic", 1.0, "word"),
    "Probably-hepatocellular": ("Probably hepatocellular (alkaline phosphatase levels not provided)",
                                "hepatocellular", None, "word"),
    "Fluorouracil-none": ("None", "none", None, "word"),
    "words-with-R-typed-by-R": ("Hepatitic (R=32)", "hepatocellular", 32.0, "description"),
    "phrase-with-R-typed-by-R": ("Bland cholestasis (R=3.1)", "mixed", 3.1, "phrase"),
    "cholestasis-noun-is-no-misspelling": ("Cholestasis", "cholestatic", None, "phrase"),
    "seeded-misspelt-with-R": ("Cholestatc (R=0.5)", None, 0.5, "unreadable"),
    "seeded-misspelt": ("Hepatocelular", None, None, "unreadable"),
    "description": ("Sinusoidal obstruction syndrome", None, None, "description"),
}


@pytest.mark.parametrize("case", BOOK_PATTERNS)
def test_book_pattern(case: str) -> None:
    text, kind, r, how = BOOK_PATTERNS[case]
    found = read_pattern(text)
    assert (found.type, found.r_ratio, found.how) == (kind, r, how)


PATTERNS_NAMED = {
    "Phenotypes_Fatty-or": ("Hepatocellular or mixed (R=~4.6)", ("hepatocellular", "mixed")),
    "Cyclophosphamide-hyphen": ("Hepatocellular-mixed (R=5.2)", ("hepatocellular", "mixed")),
    "Atorvastatin-later-after-R": ("Mixed (R=3), later cholestatic", ("mixed",)),
    "Bland-cholestasis-names-none": ("Bland cholestasis", ()),
    "description": ("Sinusoidal obstruction syndrome", ()),
}


@pytest.mark.parametrize("case", PATTERNS_NAMED)
def test_patterns_named_before_r(case: str) -> None:
    text, named = PATTERNS_NAMED[case]
    assert patterns_named(text) == named


CASE_HEADINGS = {
    "Phenotypes_enzy-two-patients": ("Case 1 and 2. Transient and persistent hepatocellular pattern", 1, [1, 2]),
    "plain": ("Case 3. Mild anicteric hepatitis after telithromycin therapy.", 3, [3]),
    "not-a-pair": ("Case 2. A 2 and 3 year course", 2, [2]),
}


@pytest.mark.parametrize("case", CASE_HEADINGS)
def test_case_numbers_a_heading_covers(case: str) -> None:
    title, number, covered = CASE_HEADINGS[case]
    assert list(covered_case_numbers(title, number)) == covered


# Key Points medications of several drugs, as the book writes them (Amiloride, Nifedipine, Bicalutamide,
# Elotuzumab, Cimetidine chapters of LiverTox 2021); one drug or one combination product is one item
@pytest.mark.parametrize(("text", "items"), [
    ("Amiloride (2.5 mg) and hydrochlorothiazide (25 mg daily)",
     [("Amiloride", "2.5 mg", "Amiloride (2.5 mg)"), ("hydrochlorothiazide", "25 mg daily",
                                                       "hydrochlorothiazide (25 mg daily)")]),
    ("Nifedipine (60 mg daily) and then amlodipine (10 mg daily)",
     [("Nifedipine", "60 mg daily", "Nifedipine (60 mg daily)"), ("amlodipine", "10 mg daily",
                                                                  "amlodipine (10 mg daily)")]),
    ("Bicalutamide, 50 mg, 2 doses, and flutamide, 750 mg daily for 3 months",
     [("Bicalutamide", "50 mg", "Bicalutamide, 50 mg, 2 doses"),
      ("flutamide", "750 mg daily", "flutamide, 750 mg daily for 3 months")]),
    ("Elotuzumab with lenalidomide and dexamethasone",
     [("Elotuzumab", None, "Elotuzumab"), ("lenalidomide", None, "lenalidomide"),
      ("dexamethasone", None, "dexamethasone")]),
    ("Famotidine (40 mg daily), Cimetidine (800 and 1200 mg daily)",
     [("Famotidine", "40 mg daily", "Famotidine (40 mg daily)"),
      ("Cimetidine", "800 and 1200 mg daily", "Cimetidine (800 and 1200 mg daily)")]),
    ("Anakinra (100 mg daily)", [("Anakinra", "100 mg daily", "Anakinra (100 mg daily)")]),
    ("Trimethoprim (160 mg)-sulfamethoxazole (800 mg)(TMP/SMZ)",
     [("Trimethoprim (160 mg)-sulfamethoxazole (800 mg)(TMP/SMZ)", None,
       "Trimethoprim (160 mg)-sulfamethoxazole (800 mg)(TMP/SMZ)")]),
    ("", []),
])
def test_medication_items_of_the_book(text: str, items: list[tuple[str, str | None, str]]) -> None:
    assert [(name, dose, text[start:end]) for name, dose, start, end in medication_items(text)] == items


def test_no_duration_crosses_a_cell_or_takes_a_rows_day_label() -> None:
    # lab table rows as the renderer writes them (Sofosbuvir, Amiodarone, ShouWuPian): a cell's number and the
    # next row's 'Day 15' or '-1 month' are no duration; the time cells themselves and prose still are
    rows = ("Hemoglobin 11.4\nDay 15\t0\t52\t196\t16.4\n23.5\tTherapy stopped\nDay 24\tDay 6\t50\n"
            "0.9\t\n-1 month\t\t34\t102\t0.6\t\n3.7\t\nmonths\t1 months\t65")
    assert [d.text for d in find_durations(rows)] == ["1 months"]
    assert [d.text for d in find_durations("started 3 days later; on Day 5 and 2\nmonths previously")] == [
        "3 days", "2\nmonths"]

