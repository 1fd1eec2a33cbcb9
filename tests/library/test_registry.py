"""Registry names per language: a document never borrows another language's name."""

from __future__ import annotations

import pytest

from drafting.errors import DraftingInputError
from drafting.library.registry import Registry, party_names
from drafting.model.document import Party, PartyName, Source, StateRef

KAZ = Party("KAZ", "state", {"en": PartyName("Kazakhstan", "Republic of Kazakhstan")}, Source("registry.yaml", 7))
TJK = Party("TJK", "state", {"en": PartyName("Tajikistan", "Republic of Tajikistan"),
                             "ru": PartyName("Таджикистан", "Республика Таджикистан")}, Source("registry.yaml", 12))
REGISTRY = Registry({"KAZ": KAZ, "TJK": TJK}, "registry.yaml")


def names(refs, language, order="given"):
    return party_names(refs, REGISTRY, language=language, form="short", order=order, definite=False,
                       source="spec.yaml", line=3)


def test_a_missing_name_is_an_error_naming_the_registry_entry():
    with pytest.raises(DraftingInputError) as caught:
        names((StateRef("TJK"), StateRef("KAZ")), "ru")
    assert str(caught.value) == ("spec.yaml:3: KAZ has no ru name in the registry (registry.yaml:7): "
                                 "add one under its names")


def test_a_label_quoted_in_the_language_needs_no_registry_name():
    refs = (StateRef("TJK"), StateRef("KAZ", label="Республика Казахстан", language="ru"))
    assert names(refs, "ru") == ["Таджикистан", "Республика Казахстан"]
    assert names(refs, "ru", order="alphabetical") == ["Республика Казахстан", "Таджикистан"]
    assert names(refs, "en") == ["Tajikistan", "Kazakhstan"]  # the label is Russian: English uses the registry


def test_unknown_codes_are_still_refused_even_with_a_label():
    with pytest.raises(DraftingInputError, match="unknown State or organisation code 'XYZ'"):
        names((StateRef("XYZ", label="Xyz", language="ru"),), "ru")
