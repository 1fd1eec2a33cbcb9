"""Registry.find through the index built once at load: the same answers as scanning every name."""

from __future__ import annotations

import unicodedata

import pytest

from drafting.app import default_registry
from drafting.library.registry import Registry
from drafting.model.document import Party, PartyName, Source


def _fold(text: str) -> str:
    """Letters and digits only, accents, case and width folded (written out again: the oracle's own)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def known_names(party: Party) -> set[str]:
    """Every name `party` is known by, folded: short, formal, "the " + the English formal name, aliases."""
    names = {*party.aliases}
    for language, pair in party.names.items():
        names |= {pair.short, pair.formal, *(("the " + pair.formal,) if language == "en" else ())}
    return {_fold(name) for name in names}


def scan(registry: Registry, name: str, folded: list[tuple[Party, set[str]]]) -> Party | None:
    """The look-up without an index: code first, then every party's names (`folded`), in order."""
    key = _fold(name)
    if not key:
        return None
    if registry.get(name.strip()) is not None:
        return registry.get(name.strip())
    return next((party for party, names in folded if key in names), None)


def every_spelling(registry: Registry) -> list[str]:
    out = []
    for party in registry.parties.values():
        out += [party.code, party.code.lower(), f" {party.code} "]
        for names in party.names.values():
            out += [names.short, names.formal, "the " + names.formal, names.short.upper(),
                    "  " + names.formal.replace(" ", "   ") + " ", "THE " + names.formal.casefold()]
        out += list(party.aliases)
    return [*out, "", "   ", "Atlantis", "the", "Republic of", "Kazakhstan delegation", "Türkiye", "turkiye"]


def test_find_agrees_with_a_scan_of_every_name_in_the_registry() -> None:
    registry = default_registry()
    spellings = every_spelling(registry)
    assert len(spellings) > 100
    folded = [(party, known_names(party)) for party in registry.parties.values()]
    for name in spellings:
        assert registry.find(name) == scan(registry, name, folded), name


def test_the_first_party_listed_wins_a_shared_name() -> None:
    one = Party("AAA", "state", {"en": PartyName("Shared", "Republic of Shared")}, Source("r.yaml", 1))
    two = Party("BBB", "state", {"en": PartyName("Other", "Shared")}, Source("r.yaml", 2))
    registry = Registry({"AAA": one, "BBB": two}, "r.yaml")
    assert registry.find("shared") is one
    assert registry.find("other") is two
    assert registry.find("the shared") is two  # "the " + BBB's formal name; AAA has no such name


@pytest.mark.parametrize("name", ["Ｋａｚａｋｈｓｔａｎ", "kazakhstan", "  Republic   of Kazakhstan "])
def test_width_case_and_spacing_are_folded(name: str) -> None:
    found = default_registry().find(name)
    assert found is not None and found.code == "KAZ"


def test_the_index_takes_no_part_in_equality_or_repr() -> None:
    registry = default_registry()
    again = default_registry()
    assert registry == again
    assert "_index" not in repr(Registry({}, "r.yaml"))
