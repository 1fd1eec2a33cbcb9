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


# -- names checked: a delegation or participant resolves, or is refused with the closest names ------------


def test_a_misspelt_delegation_is_refused_in_one_line_with_the_closest_name():
    from drafting.app import default_registry

    registry = default_registry()
    with pytest.raises(DraftingInputError) as caught:
        registry.resolve("Kazakstan")
    assert str(caught.value) == "unknown delegation 'Kazakstan' (did you mean Kazakhstan?)"
    with pytest.raises(DraftingInputError) as caught:
        registry.resolve("Казахтан")  # misspelt in Russian: the English name is suggested
    assert str(caught.value) == "unknown delegation 'Казахтан' (did you mean Kazakhstan?)"
    with pytest.raises(DraftingInputError) as caught:
        registry.resolve("Narnia", also=["Narnia Observer Mission"])
    assert str(caught.value) == "unknown delegation 'Narnia' (did you mean Narnia Observer Mission?)"
    assert registry.resolve("kazakhstan").code == "KAZ"


def test_registry_entries_may_list_aliases(tmp_path):
    from drafting.library.registry import load_registry

    path = tmp_path / "registry.yaml"
    path.write_text("organizations:\n  - code: OTS\n    short: Organization of Turkic States\n"
                    "    aliases: [Turkic Council, Cooperation Council of Turkic Speaking States]\n", encoding="utf-8")
    registry = load_registry(path)
    assert registry.require("OTS").aliases == ("Turkic Council", "Cooperation Council of Turkic Speaking States")
    assert registry.find("turkic council") is registry.require("OTS")
    assert registry.find("Kazakhstan") is not None  # the world's States are there too
    assert list(load_registry(path, world=False).parties) == ["OTS"]
    path.write_text("organizations:\n  - code: OTS\n    short: OTS\n    aliases: Turkic Council\n", encoding="utf-8")
    with pytest.raises(DraftingInputError, match=r"registry.yaml:4: aliases must be a list of names"):
        load_registry(path)
