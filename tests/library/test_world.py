"""The registry's States (issue 13, item 8): every UN Member State and observer State, with its ISO 3166
alpha-3 code and its names in every language the project writes, from pycountry; `registry.yaml` overrides
them where UN usage differs (Türkiye), and names resolve in any language, whatever the case or accents."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata

import pytest

from drafting.app import default_registry
from drafting.library.clauses import LANGUAGE_CODES
from drafting.library.registry import _fold, _names_of
from drafting.library.world import LOCALES, un_states, uninvert, world_parties

OBSERVER_STATES = {"VAT", "PSE"}


def test_all_193_member_states_and_the_two_observer_states_are_known_by_their_codes() -> None:
    states = un_states()
    members = [code for code, status in states.items() if status == "member"]
    assert len(members) == len(set(members)) == 193
    assert {code for code, status in states.items() if status == "observer"} == OBSERVER_STATES
    registry = default_registry()
    for code in states:
        party = registry.get(code)
        assert party is not None, code
        assert party.kind == "state" and len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()
        assert {"en", "ru"} <= set(party.names), code
        assert registry.find(party.name("en").short) is party and registry.find(party.name("ru").formal) is party
    # The States of the Almaty Process among them, with the names the project uses.
    assert registry.require("KGZ").name("en").formal == "Kyrgyz Republic"
    assert registry.require("VAT").name("en").short == "Holy See"
    assert registry.require("PSE").name("en").running("formal", definite=True) == "the State of Palestine"


def test_the_languages_are_those_the_project_writes() -> None:
    assert set(LOCALES) == LANGUAGE_CODES


def test_a_russian_name_resolves_and_is_printed_from_pycountry() -> None:
    registry = default_registry()
    for name, code in (("Казахстан", "KAZ"), ("Германия", "DEU"), ("Соединённые Штаты Америки", "USA"),
                       ("соединенные штаты америки", "USA"), ("Республика Корея", "KOR")):
        found = registry.find(name)
        assert found is not None and found.code == code, name
    assert registry.names_in("DEU", "ru").short == "Германия"
    assert registry.names_in("DEU", "ru").formal == "Федеративная Республика Германия"


def test_the_turkiye_override_wins_over_pycountry_and_keeps_its_other_languages() -> None:
    registry = default_registry()
    tur = registry.require("TUR")
    assert (tur.name("en").short, tur.name("en").formal) == ("Türkiye", "Republic of Türkiye")
    assert tur.source.file.endswith("registry.yaml")  # the project's entry, not pycountry's
    assert tur.name("ru").short == "Турция"  # the entry's Russian name
    assert tur.name("fr").short == "Turquie"  # a language the entry does not give: pycountry's
    for name in ("Türkiye", "TURKIYE", "turkiye", "Turkey", "Republic of Turkey", "the Republic of Türkiye", "Турция"):
        found = registry.find(name)
        assert found is not None and found.code == "TUR", name


def test_other_overrides_follow_un_usage() -> None:
    registry = default_registry()
    bol = registry.require("BOL")
    assert bol.name("en").short == "Bolivia (Plurinational State of)"  # ISO: "Bolivia, Plurinational State of"
    assert bol.name("ru").short == "Боливия"
    assert registry.require("IRN").name("en").short == "Iran"  # the project's curated entry
    for name, code in (("Bolivia", "BOL"), ("Bolivia, Plurinational State of", "BOL"), ("Vietnam", "VNM"),
                       ("Viet Nam", "VNM"), ("South Korea", "KOR"), ("Korea, Republic of", "KOR")):
        found = registry.find(name)
        assert found is not None and found.code == code, name


@pytest.mark.parametrize(("name", "code"), [("cote d'ivoire", "CIV"), ("CÔTE D’IVOIRE", "CIV"),
                                            ("guinea bissau", "GNB"), ("Ｋａｚａｋｈｓｔａｎ", "KAZ"),
                                            ("  united   kingdom ", "GBR"), ("kaz", "KAZ")])
def test_lookup_ignores_case_accents_width_spacing_and_punctuation(name: str, code: str) -> None:
    found = default_registry().find(name)
    assert found is not None and found.code == code


def test_no_two_parties_share_a_name() -> None:
    """Every name, folded as looked up, names one party: no lookup depends on which entry comes first."""
    seen: dict[str, str] = {}
    for party in default_registry().parties.values():
        for name in {party.code, *_names_of(party)}:
            owner = seen.setdefault(_fold(name), party.code)
            assert owner == party.code, (name, owner, party.code)


def test_names_are_clean_and_never_an_english_stand_in() -> None:
    for code, party in world_parties().items():
        for language, names in party.names.items():
            for name in (names.short, names.formal):
                assert name == " ".join(name.split()) and "\u0301" not in name, (code, name)
                assert unicodedata.is_normalized("NFC", name)
            if language in ("ru", "ar", "zh"):
                assert names.short != party.name("en").short, (code, language)
    assert world_parties()["IRN"].name("ru").formal == "Исламская Республика Иран"  # pycountry's stress mark gone


@pytest.mark.parametrize(("iso", "shown"), [
    ("Korea, Republic of", "Republic of Korea"),
    ("Congo, The Democratic Republic of the", "Democratic Republic of the Congo"),
    ("Iran, République islamique d'", "République islamique d'Iran"),
    ("Bolivie, état plurinational de", "État plurinational de Bolivie"),
    ("كوريا، جمهوريّة كوريا", "جمهوريّة كوريا"),
    ("Kazakhstan", "Kazakhstan"),
])
def test_iso_list_names_read_as_running_text(iso: str, shown: str) -> None:
    assert uninvert(iso) == shown


def test_the_world_is_read_only_when_a_party_is_looked_up_and_pycountry_is_not_imported() -> None:
    probe = (
        "import json, sys\n"
        "from drafting.app import default_registry\n"
        "registry = default_registry()\n"
        "before = 'drafting.library.world' in sys.modules\n"
        "party = registry.find('Kazakhstan')\n"
        "print(json.dumps([before, 'drafting.library.world' in sys.modules, 'pycountry' in sys.modules, party.code]))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == [False, True, False, "KAZ"]


def test_the_shipped_states_are_a_fresh_build_of_the_installed_data() -> None:
    """world-states.json is what `make world` writes from the pycountry installed and un-states.txt: run it after
    changing either, or world.py's building (this test fails until then)."""
    from drafting.library import world

    fresh = world.build_world_parties()
    assert world.PREBUILT.read_bytes() == world.prebuilt_bytes(fresh, world.inputs_key())
    assert world._read_prebuilt(world.inputs_key()) == fresh


@pytest.mark.parametrize("damage", [
    lambda text: text.replace('"inputs": "', '"inputs": "0'),  # built from other data
    lambda text: text.replace('"drafting-world-states/1"', '"drafting-world-states/0"'),
    lambda text: text[: len(text) // 2],  # cut short
    lambda text: text.replace('"names": {', '"names": [', 1),
])
def test_shipped_states_of_other_data_or_damaged_are_built_instead(tmp_path, monkeypatch, damage) -> None:
    from drafting.library import world

    shipped = tmp_path / "world-states.json"
    shipped.write_text(damage(world.PREBUILT.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setattr(world, "PREBUILT", shipped)
    assert world._read_prebuilt(world.inputs_key()) is None
    world.world_parties.cache_clear()
    try:
        assert world.world_parties() == world.build_world_parties()
    finally:
        world.world_parties.cache_clear()
