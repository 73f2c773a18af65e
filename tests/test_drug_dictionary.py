"""The shipped drug dictionary (rules/drug_dictionary.json, built by tools/build_drug_dictionary.py)."""

from __future__ import annotations

import re

import pytest

from livertox_parse.stages.drug_lexicon import lexicon, link


@pytest.mark.parametrize(("brand", "generic", "drugbank_id"), [
    ("Sinequan", "Doxepin", "DB01142"), ("Taxol", "Paclitaxel", "DB01229"), ("Abraxane", "Paclitaxel", "DB01229"),
    ("Mifeprex", "Mifepristone", "DB00834"), ("Korlym", "Mifepristone", "DB00834"),
    ("Lemtrada", "Alemtuzumab", "DB00087"), ("Campath", "Alemtuzumab", "DB00087"),
])
def test_brands_of_a_drugs_products_link_to_the_drug(brand: str, generic: str, drugbank_id: str) -> None:
    # the source lists them under 'Doxepin (Depression, Anxiety)', 'Paclitaxel (with albumin)'..., without ids
    found = link(brand)
    assert (found.generic, found.drugbank_id) == (generic, drugbank_id)


def test_no_product_entry_without_an_id_beside_its_drug() -> None:
    drugs = {info.generic for info in lexicon().values()}
    with_id = {info.generic.lower() for info in lexicon().values() if info.drugbank_id}
    orphans = [name for name in drugs if name.lower() not in with_id
               and (m := re.fullmatch(r"(.+?)\s*\([^()]*\)", name)) and m.group(1).lower() in with_id]
    assert not orphans


@pytest.mark.parametrize(("brand", "generic"), [("Glyxambi", "Empagliflozin / Linagliptin"),
                                                ("Steglujan", "Ertugliflozin / Sitagliptin"),
                                                ("Stalevo", "Carbidopa / Entacapone / Levodopa")])
def test_a_combination_brand_names_its_drugs_without_one_drugs_id(brand: str, generic: str) -> None:
    # DrugBank lists them as 'glyxambi component empagliflozin', 'glyxambi component linagliptin' (SGLT-2_Inhibitors)
    found = link(brand)
    assert (found.generic, found.drugbank_id, found.unii) == (generic, None, None)


def test_a_combination_with_one_drug_known_is_no_brand_of_that_drug() -> None:
    # 'vytorin component ezetimibe': the source names no other component; Vytorin is not ezetimibe
    assert link("Vytorin").generic != "Ezetimibe"


@pytest.mark.parametrize(("name", "generic"), [("Nitrofurantoin (Monohydrate)", "Nitrofurantoin"),
                                               ("Diazepam (Oral)", "Diazepam"),
                                               ("Epoprostenol [Prostacyclin]", "Epoprostenol"),
                                               ("Penicillin G (Benzylpenicillin)", "Penicillin G")])
def test_an_agent_the_book_qualifies_links_to_its_drug(name: str, generic: str) -> None:
    found = link(name)
    assert found.generic == generic and found.drugbank_id is not None and found.name == name


def test_a_qualified_name_in_the_dictionary_is_taken_as_it_is() -> None:
    assert link("Doxepin (Insomnia)").generic == "Doxepin"  # merged at build: the same drug either way
    assert link("Unknownazole (Oral)").generic is None


@pytest.mark.parametrize(("name", "drugbank_id"), [
    # the book's US names, which the sources list without an id but with the FDA UNII of the drug's entry
    ("Ursodiol", "DB01586"),  # Ursodeoxycholic Acid (Ursodiol, Chenodiol and BileAcids chapters)
    ("Alendronate", "DB00630"), ("Risedronate", "DB00884"),  # Alendronic / Risedronic acid (Bisphosphonates)
    ("Norethindrone", "DB00717"), ("Mesalamine", "DB00244"), ("Aciclovir", "DB00787"),
    ("Erenumab-aooe", "DB14039"),  # a US biologic's suffixed name
])
def test_a_name_without_an_id_links_by_its_unii(name: str, drugbank_id: str) -> None:
    found = link(name)
    assert found.drugbank_id == drugbank_id and found.generic == name


def test_a_combination_sharing_a_unii_takes_no_single_drugs_id() -> None:
    # the source gives 'Acetaminophen and Codeine' acetaminophen's UNII: the combination is not acetaminophen
    assert link("Acetaminophen and Codeine").drugbank_id is None


@pytest.mark.parametrize(("name", "generic", "drugbank_id"), [
    ("Cyproterone", "Cyproterone Acetate", "DB04839"),  # not in the sources under the active part's name
    ("Certolizumab", "Certolizumab", "DB08904"),  # Certolizumab Pegol
    ("Clorazepate", "Clorazepate", "DB00628"),  # Clorazepate Dipotassium
    ("Medroxyprogesterone", "Medroxyprogesterone", "DB00603"),  # Medroxyprogesterone Acetate
])
def test_a_drug_listed_as_its_salt_links_to_it(name: str, generic: str, drugbank_id: str) -> None:
    found = link(name)
    assert (found.generic, found.drugbank_id) == (generic, drugbank_id)


@pytest.mark.parametrize(("name", "generic", "drugbank_id"), [
    # MonoclonalAntibodies lists 'Gemtuzumab', 'Inotuzumab', 'Moxetumomab'; their chapters say 'inotuzumab'
    ("Gemtuzumab", "Gemtuzumab Ozogamicin", "DB00056"),
    ("Inotuzumab", "Inotuzumab Ozogamicin", "DB05889"),
    ("Moxetumomab", "Moxetumomab pasudotox", "DB12688"),
    ("Trastuzumab", "Trastuzumab", "DB00072"),  # the antibody itself, not ado-trastuzumab emtansine
])
def test_an_antibody_drug_conjugate_named_by_its_antibody_links_to_it(name: str, generic: str,
                                                                      drugbank_id: str) -> None:
    found = link(name)
    assert (found.generic, found.drugbank_id) == (generic, drugbank_id)


def test_several_salts_with_ids_link_none() -> None:
    # lithium carbonate and lithium citrate are two entries with two ids: which one the text means is unknown
    assert link("Lithium").drugbank_id is None


def test_an_abbreviation_is_no_salts_drug() -> None:
    # Omega3FattyAcids: 'DHA' (docosahexaenoic acid); the dictionary's 'DHA sulfate' is dehydroepiandrosterone's
    assert link("DHA").drugbank_id is None


@pytest.mark.parametrize(("name", "generic"), [
    # combinations' chapters and rows as the book joins their drugs, against the dictionary's own spelling
    ("Amoxicillin-Clavulanate", "Amoxicillin / Clavulanic Acid"),  # clavulanate is clavulanic acid
    ("Ticarcillin-Clavulanic Acid", "Ticarcillin/clavulanic acid"),
    ("Imipenem-Cilastatin", "Imipenem and Cilastatin"),
    ("Sulfamethoxazole-Trimethoprim", "Trimethoprim/sulfamethoxazole"),  # in either order
    ("Sofosbuvir/Ledipasvir", "Ledipasvir and Sofosbuvir"),
    ("Glecaprevir, Pibrentasvir", "Glecaprevir and Pibrentasvir"),
    ("Dasabuvir, Ombitasvir, Paritaprevir and Ritonavir", "Dasabuvir, Ombitasvir, Paritaprevir, and Ritonavir"),
    ("Quinupristin-Dalfopristin", "Quinupristin and Dalfopristin"),
])
def test_drugs_the_book_joins_link_to_their_combination(name: str, generic: str) -> None:
    found = link(name)
    assert (found.generic, found.drugbank_id, found.unii) == (generic, None, None)


def test_one_drug_named_twice_links_to_it() -> None:
    found = link("Acetylsalicylic Acid, Aspirin")  # Aspirin's chemical row
    assert (found.generic, found.drugbank_id) == ("Aspirin", "DB00945")
    assert link("Vitamin B6, Pyridoxine").generic == "Pyridoxine"


@pytest.mark.parametrize("name", [
    "Cetirizine/Levocetirizine",  # a drug and its isomer, two chapters' drugs: no combination product
    "Vitamin B3, Niacin",  # niacinamide and niacin, two substances
    "Muromonab-CD3", "Beta-2 Adrenergic Agonists", "Anti-TNF", "isoniazid-induced",  # a part is no generic
    "Trifluridine/tipracil",  # a typo (tipiracil)
    "Tylenol-Codeine",  # a brand is no combination's part
])
def test_joined_names_that_are_no_known_combination_link_none(name: str) -> None:
    assert link(name).generic is None


@pytest.mark.parametrize(("name", "generic", "drugbank_id"), [
    ("Glatiramer Acetate", "Glatiramer", "DB05259"), ("Ulipristal Acetate", "Ulipristal", "DB08867"),
    ("Nalmefene HCl", "Nalmefene", "DB06230"), ("Salmeterol Xinafoate", "Salmeterol", "DB00938"),
])
def test_a_salt_of_a_drug_listed_alone_links_to_the_drug(name: str, generic: str, drugbank_id: str) -> None:
    found = link(name)
    # the UNII names the substance, and the salt's is not the drug's
    assert (found.generic, found.drugbank_id, found.unii) == (generic, drugbank_id, None)


def test_a_conjugate_is_not_its_antibody_and_a_short_name_no_salts_drug() -> None:
    assert link("Rituximab vedotin").generic is None  # a payload is no salt
    assert link("Tylenol Sodium").generic is None  # a brand's
    assert link("DHA acetate").generic is None  # under six letters (Omega3FattyAcids' 'DHA')


def test_a_joined_name_is_read_only_up_to_a_bound() -> None:
    # the salt pattern backtracks over a run of spaces: a hostile 'name' of thousands of them is not read at all
    assert link("-".join(["aspirin"] * 3)).generic == "Aspirin"
    assert link("-".join(["aspirin"] * 40)).generic is None
    assert link("glatiramer" + " " * 5000 + "acetate").generic is None
