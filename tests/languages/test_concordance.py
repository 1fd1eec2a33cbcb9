"""Issue 6, point 2: `drafting concordance SPEC|DIR` (M2, M5, D1) passes on the sample and catches, in one
language version only, a deleted paragraph, a missing sub-item, an extra bracket, a changed number and a
different symbol; missing translations are listed. Lists of States whose order differs by language (M4) and
label typography ("(a)" / "a)", M3) are not discrepancies.

The variants are the sample's Russian version changed as a `Document` and compared through
`drafting.conventions.concordance.compare_versions`; others go through the CLI on a spec whose clause library or
Russian wording was changed (the workspace variants are in test_translations.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import pytest

from drafting.app import load_document
from drafting.conventions.concordance import Discrepancy, compare_versions, label_value
from drafting.model.document import Document, Paragraph, Role, Span
from tests.conftest import ALMATY_SPEC
from tests.languages import run, sample_copy, write_tiny_spec


@pytest.fixture(scope="module")
def versions() -> dict[str, Document]:
    """The sample in UN resolution style (numbered 1., 2., sub-paragraphs (a) / a)), in both languages."""
    return {lang: load_document(ALMATY_SPEC, language=lang, profile="un-resolution") for lang in ("en", "ru")}


def without(document: Document, pid: str) -> Document:
    assert document.paragraph(pid) is not None
    return replace(document, paragraphs=tuple(p for p in document.paragraphs if p.id != pid))


def changed(document: Document, pid: str, change: Callable[[Paragraph], Paragraph]) -> Document:
    assert document.paragraph(pid) is not None
    return replace(document, paragraphs=tuple(change(p) if p.id == pid else p for p in document.paragraphs))


def with_text(text: Callable[[str], str]) -> Callable[[Paragraph], Paragraph]:
    return lambda p: replace(p, spans=(Span(text(p.text)),))


def swapped(document: Document, first: str, second: str) -> Document:
    paragraphs = list(document.paragraphs)
    i, j = document.ids.index(first), document.ids.index(second)
    paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
    return replace(document, paragraphs=tuple(paragraphs))


# Each defect: how the Russian version is changed, and the (paragraph, rule) that must be reported.
DEFECTS: dict[str, tuple[Callable[[Document], Document], tuple[str, str]]] = {
    "deleted paragraph": (lambda d: without(d, "security_threats"), ("security_threats", "M5")),
    "deleted operative paragraph": (lambda d: without(d, "endorse_rap"), ("endorse_rap", "M5")),
    "missing sub-item": (lambda d: without(d, "ministerial_conference_b"), ("ministerial_conference_b", "M5")),
    "sub-item made a paragraph": (
        lambda d: changed(d, "ministerial_conference_c", lambda p: replace(p, role=Role.OPERATIVE, level=0)),
        ("ministerial_conference_c", "M5")),
    "missing member of a list": (lambda d: without(d, "initial_members_tjk"), ("initial_members_tjk", "M5")),
    "extra bracket pair": (lambda d: changed(d, "endorse_rap", with_text(lambda t: re.sub(
        r"(\w+)(\W*)$", r"[\1]\2", t))), ("endorse_rap", "M5")),
    "extra opening bracket": (lambda d: changed(d, "herewith", with_text(lambda t: "[" + t)), ("herewith", "M5")),
    "changed number": (lambda d: changed(d, "secretariat_seat", lambda p: replace(p, label="6.")),
                       ("secretariat_seat", "M2")),
    "changed sub-paragraph letter": (lambda d: changed(d, "ministerial_conference_b", lambda p: replace(
        p, label="c)")), ("ministerial_conference_b", "M2")),
    "bis number": (lambda d: changed(d, "secretariat_seat", lambda p: replace(p, label="4 bis.")),
                   ("secretariat_seat", "M2")),
    "different symbol": (lambda d: replace(d, meta=replace(d.meta, symbol="AP/NCM/2012/1/Rev.1")), ("", "D1")),
    "paragraphs in another order": (lambda d: swapped(d, "protection_commitments", "security_threats"),
                                    ("", "M5")),
}


def test_the_sample_versions_agree(versions):
    assert compare_versions(versions, "en") == []
    assert compare_versions(versions, "ru") == []


def test_label_typography_is_not_a_discrepancy(versions):
    labels = {lang: {p.id: p.label for p in d.paragraphs} for lang, d in versions.items()}
    assert (labels["en"]["ministerial_conference_a"], labels["ru"]["ministerial_conference_a"]) == ("(a)", "a)")
    assert label_value("(a)") == label_value("a)") == label_value("a -") == "a"
    assert label_value("- 4 bis -") == label_value("4 bis.") == "4 bis" != label_value("4.")


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_a_defect_in_the_russian_version_only_is_caught(versions, defect):
    damage, (pid, rule) = DEFECTS[defect]
    found = compare_versions({"en": versions["en"], "ru": damage(versions["ru"])}, "en")
    assert found, defect
    assert {d.language for d in found} == {"ru"}
    assert any((d.paragraph, d.rule) == (pid, rule) for d in found), found


@pytest.mark.parametrize("defect", list(DEFECTS))
def test_the_same_defect_in_the_english_version_is_caught_too(versions, defect):
    damage, _ = DEFECTS[defect]
    assert compare_versions({"en": damage(versions["en"]), "ru": versions["ru"]}, "en")


def test_a_defect_in_one_of_three_versions_is_attributed_to_it(versions):
    """With a third version (here a copy of the Russian one, standing in for another language), only the
    damaged version is reported."""
    third = replace(versions["ru"], language="fr")
    damage, (pid, rule) = DEFECTS["extra bracket pair"]
    found = compare_versions({"en": versions["en"], "fr": third, "ru": damage(versions["ru"])}, "en")
    assert found == [Discrepancy("ru", pid, rule, "1 opening and 1 closing brackets, not 0 and 0")]


def test_lists_of_states_in_each_languages_order_agree(tmp_path):
    """M4: the member list is alphabetical in each language, so its order differs; that is concordance."""
    spec = write_tiny_spec(tmp_path)
    en, ru = (load_document(spec, language=lang) for lang in ("en", "ru"))
    assert [p.id for p in en.paragraphs if p.role is Role.BULLET] != [p.id for p in ru.paragraphs
                                                                      if p.role is Role.BULLET]
    assert compare_versions({"en": en, "ru": ru}, "en") == []
    code, out, err = run("concordance", spec)
    assert (code, out.strip()) == (0, "OK: the language versions agree"), err
    # … but a State missing from one list is still caught.
    found = compare_versions({"en": en, "ru": without(ru, "members_chn")}, "en")
    assert [(d.language, d.paragraph) for d in found] == [("ru", "members_chn")]


# -- through the CLI, on a spec -------------------------------------------------------------------------------


def test_cli_passes_on_the_sample():
    code, out, err = run("concordance", ALMATY_SPEC)
    assert code == 0, out + err
    assert out.strip() == "OK: the language versions agree"


def test_cli_catches_a_sub_item_missing_in_the_russian_wording(tmp_path):
    spec, library = sample_copy(tmp_path)
    clauses = library / "operative.yaml"
    text = clauses.read_text(encoding="utf-8")
    line = '        - {key: b, opening: Официально начать, text: "*{{ process }}*;"}\n'
    assert line in text
    clauses.write_text(text.replace(line, ""), encoding="utf-8")
    code, out, err = run("concordance", spec)
    assert code == 1
    lines = out.splitlines()
    assert all(line.startswith("[ru] ") for line in lines), lines
    assert "[ru] ministerial_conference_b: M5: paragraph b - is missing" in lines
    assert "[ru] ministerial_conference_c: M2: numbered 'b -', not 'c -'" in lines  # c moved up to b
    assert any(line.startswith("[ru] ministerial_conference: M5: clause operative.ministerial-conference: "
                               "sub-items ['a', 'c']") for line in lines), lines
    assert "discrepancy" in err


def test_cli_catches_an_extra_bracket_in_a_russian_one_off_paragraph(tmp_path):
    spec, _ = sample_copy(tmp_path)
    text = spec.read_text(encoding="utf-8")
    assert "управления смешанной миграцией;" in text
    spec.write_text(text.replace("управления смешанной миграцией;", "управления [смешанной] миграцией;"),
                    encoding="utf-8")
    code, out, _ = run("concordance", spec)
    assert code == 1
    assert out.splitlines() == ["[ru] herewith: M5: 1 opening and 1 closing brackets, not 0 and 0"]


def test_cli_lists_a_clause_without_russian_wording(tmp_path):
    spec, library = sample_copy(tmp_path)
    clauses = library / "operative.yaml"
    text = clauses.read_text(encoding="utf-8")
    wording = ('  translations:\n    ru: {opening: Предложить, text: "учредить межправительственный секретариат '
               '*{{ process }}* в {{ seat }};"}\n')
    assert wording in text
    clauses.write_text(text.replace(wording, ""), encoding="utf-8")
    code, out, _ = run("concordance", spec)
    assert code == 1
    assert "[ru] secretariat_seat: M1: clause operative.secretariat-seat has no translation" in out.splitlines()
    assert all(line.startswith("[ru] ") for line in out.splitlines())


def test_cli_lists_a_one_off_paragraph_and_a_title_without_russian_wording(tmp_path):
    spec, _ = sample_copy(tmp_path)
    text = spec.read_text(encoding="utf-8")
    start = text.index("      translations:\n        ru:\n          text: >-\n            Исходя из этого")
    end = text.index("\noperative:")
    text = text[:start] + text[end:]
    start = text.index("      title: >-\n        Рекомендации")
    end = text.index("      issuing: >-\n        Приняты")
    spec.write_text(text[:start] + text[end:], encoding="utf-8")
    code, out, _ = run("concordance", spec)
    assert code == 1
    lines = out.splitlines()
    assert "[ru] herewith: M1: one-off paragraph has no translation" in lines
    assert "[ru]: M1: document title has no translation" in lines
