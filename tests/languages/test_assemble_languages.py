"""Issue 6, point 1 and the Cyrillic part of the acceptance: `drafting assemble` renders every language
version of a spec, each with its own conventions (M3, M4, §4.2): Russian quotation marks «…», dates
"7 сентября 2012 года", sub-paragraph labels "a)", lists of States in Russian alphabetical order, formal
names from the registry's Russian name table, the genitive where a clause asks for it; and LibreOffice
reads the Russian .docx as our text and the Russian PDF embeds its fonts and gives back the Russian words.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from drafting.app import default_registry, load_document
from drafting.final.text import final_document
from drafting.library.i18n import format_date
from drafting.model.document import Document, Role
from drafting.readers.files import load_version
from tests.conftest import ALMATY_SPEC
from tests.languages import (
    FORMAL_RU,
    GENITIVE_FORMAL_RU,
    GENITIVE_SHORT_RU,
    MEMBERS,
    MEMBERS_EN,
    MEMBERS_RU,
    NAME,
    dp_paragraphs,
    in_order,
    pdf_fonts,
    pdf_words,
    run,
    write_tiny_spec,
)

LATIN = re.compile(r"[A-Za-z]")
CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё]+")


def join_ru(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " и " + names[-1]


def join_en(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1]


def texts(document: Document) -> dict[str, str]:
    return {p.id: p.text for p in document.paragraphs}


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """The sample assembled through the CLI, as issued and in UN resolution style (Markdown and Word)."""
    out = tmp_path_factory.mktemp("sample")
    code, stdout, err = run("assemble", ALMATY_SPEC, "-o", out, "--format", "md,docx")
    assert code == 0, err
    assert stdout.splitlines() == [str(out / f"{NAME}{ext}") for ext in (".md", ".docx", ".ru.md", ".ru.docx")]
    code, _, err = run("assemble", ALMATY_SPEC, "-o", out, "--format", "md,docx", "--profile", "un-resolution",
                       "--name", "un")
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample-pdf")
    code, _, err = run("assemble", ALMATY_SPEC, "-o", out, "--format", "docx,pdf")
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return write_tiny_spec(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def tiny_en(tiny) -> Document:
    return load_document(tiny, language="en")


@pytest.fixture(scope="module")
def tiny_ru(tiny) -> Document:
    return load_document(tiny, language="ru")


# -- every language version, under its own name --------------------------------------------------------------


def test_assemble_writes_the_spec_language_plainly_and_the_others_with_their_code(sample):
    names = {p.name for p in sample.iterdir()}
    assert {f"{NAME}.md", f"{NAME}.docx", f"{NAME}.ru.md", f"{NAME}.ru.docx",
            "un.md", "un.docx", "un.ru.md", "un.ru.docx"} == names


def test_language_option_renders_that_version_only(tmp_path):
    code, stdout, err = run("assemble", ALMATY_SPEC, "-o", tmp_path, "--format", "md", "--language", "ru")
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == [f"{NAME}.ru.md"]
    assert stdout.strip() == str(tmp_path / f"{NAME}.ru.md")


def test_both_versions_carry_the_same_paragraph_ids_and_their_language(sample):
    en = load_version(sample / f"{NAME}.md")
    ru = load_version(sample / f"{NAME}.ru.md")
    assert [p.id for p in ru.paragraphs] == [p.id for p in en.paragraphs]
    assert (en.identity.language, ru.identity.language) == ("en", "ru")
    assert en.identity.document_id == ru.identity.document_id == "almaty-2012-recommendations"
    assert en.identity.content_hash != ru.identity.content_hash


def test_russian_version_is_russian_throughout():
    """Nothing English is left in the Russian version: metadata, clauses, one-off paragraphs, parameter values
    and names all come from their Russian wording (the document symbol is not a paragraph)."""
    ru = load_document(ALMATY_SPEC, language="ru")
    leftovers = {p.id: p.text for p in ru.paragraphs if LATIN.search(p.text)}
    assert leftovers == {}
    assert ru.meta.place == "Алматы" and ru.meta.country == "Казахстан"
    assert ru.meta.symbol == load_document(ALMATY_SPEC).meta.symbol == "AP/NCM/2012/1"


# -- quotation marks -----------------------------------------------------------------------------------------


def test_russian_quotation_marks_replace_english_ones_emphasis_kept(sample):
    en = texts(load_document(ALMATY_SPEC))
    ru = texts(load_document(ALMATY_SPEC, language="ru"))
    assert "the “Almaty Process” as a full" in en["title"]
    assert "началу «Алматинского процесса» в качестве" in ru["title"]
    assert "«Алматинский процесс»" in ru["regional_process"]
    assert not [pid for pid, text in ru.items() if re.search("[\"“”„]", text)]
    markdown = dp_paragraphs((sample / f"{NAME}.ru.md").read_text(encoding="utf-8"))
    assert "*«Алматинский процесс»*" in markdown["regional_process"]  # the quoted name stays in italics


def test_quotation_marks_in_clause_text_and_sub_items(tiny_en, tiny_ru):
    en, ru = texts(tiny_en), texts(tiny_ru)
    assert 'the "Regional Forum"' in en["name"]
    assert "назвать форум «Региональный форум» и:" in ru["name"]
    assert ru["name_a_i"] == "Докладывать «пленарному заседанию»;"


# -- dates ----------------------------------------------------------------------------------------------------


def test_place_and_date_line_in_each_language():
    assert texts(load_document(ALMATY_SPEC))["place_date"] == "Almaty, September 7th 2012"  # as issued in 2012
    assert texts(load_document(ALMATY_SPEC, profile="un-resolution"))["place_date"] == "Almaty, 7 September 2012"
    for profile in ("as-issued", "un-resolution"):
        ru = texts(load_document(ALMATY_SPEC, language="ru", profile=profile))
        assert ru["place_date"] == "Алматы, 7 сентября 2012 года"
        assert ru["issuing"].endswith("состоявшегося в Алматы, Казахстан, 7 сентября 2012 года")


def test_date_parameter_in_each_language(tiny_en, tiny_ru):
    assert texts(tiny_en)["welcome"].endswith("received on 15 March 2011;")
    assert texts(tiny_ru)["welcome"].endswith("полученные 15 марта 2011 года;")


@pytest.mark.parametrize(("month", "genitive"), list(enumerate(
    ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября",
     "декабря"], start=1)))
def test_russian_months_are_in_the_genitive(month, genitive):
    import datetime as dt

    assert format_date(dt.date(2013, month, 21), "ru") == f"21 {genitive} 2013 года"


# -- sub-paragraph labels ------------------------------------------------------------------------------------


def test_sub_paragraph_labels_follow_each_language(tiny_en, tiny_ru):
    labels_en = {p.id: p.label for p in tiny_en.paragraphs if p.label and p.role is not Role.BULLET}
    labels_ru = {p.id: p.label for p in tiny_ru.paragraphs if p.label and p.role is not Role.BULLET}
    assert labels_en == {"replies": "1.", "welcome": "2.", "name": "3.", "name_a": "(a)", "name_a_i": "(i)",
                         "name_a_ii": "(ii)", "name_b": "(b)", "members": "4."}
    assert labels_ru == {"replies": "1.", "welcome": "2.", "name": "3.", "name_a": "a)", "name_a_i": "i)",
                         "name_a_ii": "ii)", "name_b": "b)", "members": "4."}


def test_sample_sub_paragraphs_in_un_style_and_as_issued(sample):
    un_ru = dp_paragraphs((sample / "un.ru.md").read_text(encoding="utf-8"))
    un_en = dp_paragraphs((sample / "un.md").read_text(encoding="utf-8"))
    for key in "abc":
        assert un_en[f"ministerial_conference_{key}"].startswith(f"({key}) ")
        assert un_ru[f"ministerial_conference_{key}"].startswith(f"{key}) ")
    as_issued = load_document(ALMATY_SPEC, language="ru")
    assert [p.label for p in as_issued.paragraphs if p.role is Role.SUBITEM] == ["a -", "b -", "c -"]


# -- lists of States -------------------------------------------------------------------------------------------


def test_member_lists_follow_each_languages_alphabetical_order(tiny_en, tiny_ru):
    def bullets(document: Document) -> list[tuple[str, str]]:
        return [(p.id, p.text) for p in document.paragraphs if p.role is Role.BULLET]

    assert [text for _, text in bullets(tiny_en)] == MEMBERS_EN
    assert [text for _, text in bullets(tiny_ru)] == MEMBERS_RU
    order_en = [pid.removeprefix("members_") for pid, _ in bullets(tiny_en)]
    order_ru = [pid.removeprefix("members_") for pid, _ in bullets(tiny_ru)]
    assert order_en == ["afg", "aze", "chn", "irn", "ita", "pak", "tur"]
    assert order_ru == ["aze", "afg", "irn", "ita", "chn", "pak", "tur"]
    # Each bullet keeps its State's id whatever its position: members_afg is Afghanistan in both.
    assert dict(bullets(tiny_en))["members_afg"] == "Afghanistan"
    assert dict(bullets(tiny_ru))["members_afg"] == "Афганистан"
    assert {pid for pid, _ in bullets(tiny_ru)} == {f"members_{code.lower()}" for code in MEMBERS}


def test_running_lists_follow_each_languages_alphabetical_order(tiny_en, tiny_ru):
    assert texts(tiny_en)["replies"] == f"Takes note of the replies received from {join_en(MEMBERS_EN)};"
    assert texts(tiny_ru)["replies"] == (f"Принимает к сведению ответы, полученные от следующих государств: "
                                         f"{join_ru(MEMBERS_RU)};")


def test_russian_alphabetical_order_sorts_yo_with_ye():
    from drafting.library.registry import sort_key

    names = ["Ёлкино", "Египет", "Ежово", "Жужуй", "Дания"]
    assert sorted(names, key=lambda n: sort_key(n, "ru")) == ["Дания", "Египет", "Ежово", "Ёлкино", "Жужуй"]


# -- names from the registry, never translated word for word -----------------------------------------------


def test_registry_carries_the_official_russian_names():
    registry = default_registry()
    assert {code: registry.require(code).name("ru").formal for code in FORMAL_RU} == FORMAL_RU
    assert registry.require("AZE").name("ru").formal != "Республика Азербайджан"  # not word for word


def test_formal_names_in_the_russian_text_come_from_the_registry():
    ru = texts(load_document(ALMATY_SPEC, language="ru"))
    # The English spec quotes two names as the 2012 text worded them ("The Islamic Republic of Iran"); the
    # Russian version takes the registry's names instead.
    assert ru["open_membership"].endswith(
        "(Исламская Республика Иран, Азербайджанская Республика, Турецкая Республика, Российская Федерация, "
        "Китайская Народная Республика и Исламская Республика Афганистан).")
    assert [p.text for p in load_document(ALMATY_SPEC, language="ru").paragraphs if p.role is Role.BULLET] == [
        "Казахстан", "Кыргызстан", "Таджикистан", "Туркменистан"]


# -- the genitive --------------------------------------------------------------------------------------------


def test_genitive_where_the_sample_asks_for_it():
    ru = texts(load_document(ALMATY_SPEC, language="ru"))
    assert ("вместе с представителями Исламской Республики Афганистан, Исламской Республики Иран, Российской "
            "Федерации и Турецкой Республики") in ru["subject"]
    assert ru["open_membership"].startswith("Членство будет также открыто для Узбекистана, а также")


def test_genitive_of_every_registry_state_formal_and_short(tiny_ru, tiny_en):
    formal = list(GENITIVE_FORMAL_RU.values())
    short = list(GENITIVE_SHORT_RU.values())
    assert texts(tiny_ru)["welcome"] == (f"Приветствует участие {join_ru(formal)} и взносы {join_ru(short)}, "
                                         "полученные 15 марта 2011 года;")
    assert "the participation of Islamic Republic of Afghanistan, Republic of Azerbaijan" in texts(tiny_en)["welcome"]


def test_signature_blocks_name_each_government_in_the_genitive(tiny_ru):
    meta = replace(tiny_ru.meta, signature_form="blocks", signatories=tuple(GENITIVE_FORMAL_RU))
    final = final_document(replace(tiny_ru, meta=meta), languages=["en", "ru"], registry=default_registry())
    blocks = [p.text for p in final.paragraphs if p.role is Role.SIGNATURE]
    assert blocks == [f"За Правительство {name}:" for name in GENITIVE_FORMAL_RU.values()]


# -- LibreOffice reads the Russian .docx, the PDF gives back the Russian text ----------------------------------


@pytest.mark.libreoffice
def test_libreoffice_reads_the_russian_docx_as_our_russian_text(sample, libreoffice):
    ru = load_document(ALMATY_SPEC, language="ru")
    info = libreoffice.paragraph_info(sample / f"{NAME}.ru.docx")
    assert [item["text"] for item in info] == [p.text for p in ru.paragraphs]
    numbered = [(item["label"], p.label) for item, p in zip(info, ru.paragraphs, strict=True)
                if p.role in (Role.OPERATIVE, Role.SUBITEM)]
    assert all(found == ours for found, ours in numbered) and len(numbered) == 10
    assert libreoffice.user_properties(sample / f"{NAME}.ru.docx")["DraftingLanguage"] == "ru"


@pytest.mark.libreoffice
def test_libreoffice_shows_russian_sub_paragraph_labels(sample, libreoffice):
    info = libreoffice.paragraph_info(sample / "un.ru.docx")
    by_text = {item["text"]: item["label"] for item in info}
    un_ru = load_document(ALMATY_SPEC, language="ru", profile="un-resolution")
    subitems = [p.text for p in un_ru.paragraphs if p.role is Role.SUBITEM]
    assert [by_text[text] for text in subitems] == ["a)", "b)", "c)"]
    assert [item["label"] for item in libreoffice.paragraph_info(sample / "un.docx") if "(" in item["label"]] == [
        "(a)", "(b)", "(c)"]


@pytest.mark.libreoffice
def test_russian_pdf_embeds_its_fonts(sample_pdf):
    fonts = pdf_fonts(sample_pdf / f"{NAME}.ru.pdf")
    assert fonts and all(embedded for _, embedded in fonts), fonts


@pytest.mark.libreoffice
def test_pdftotext_gives_back_the_russian_text(sample_pdf):
    ru = load_document(ALMATY_SPEC, language="ru")
    expected = [w for p in ru.paragraphs for w in re.findall(r"\w+", p.text)]
    found = pdf_words(sample_pdf / f"{NAME}.ru.pdf")
    assert in_order(expected, found)
    assert {"Алматинского", "сентября", "Кыргызстан", "Азербайджанская", "Узбекистана"} <= set(found)
    assert len([w for w in found if CYRILLIC_WORD.fullmatch(w)]) > 400


def test_a_party_without_a_name_in_the_language_is_refused_not_borrowed(tmp_path):
    """A Russian text never prints an English name: the registry entry lacking `ru` is named. (Every State
    has a Russian name from pycountry; an organisation has only those of its registry entry.)"""
    from drafting.errors import DraftingInputError
    from tests.languages import GENITIVE_FORMAL_RU, write_tiny_spec

    spec = write_tiny_spec(tmp_path, observers=(*GENITIVE_FORMAL_RU, "IOM"))
    registry = tmp_path / "clauses" / "registry.yaml"
    text = registry.read_text(encoding="utf-8")
    start = text.index("  - code: IOM")
    entry_end = text.index("\n  - code:", start + 1)
    entry = text[start:entry_end]
    assert "ru: {" in entry
    registry.write_text(text[:start] + "\n".join(line for line in entry.splitlines() if "ru: {" not in line
                                                 and line.strip() != "names:") + text[entry_end:],
                        encoding="utf-8")
    assert load_document(spec, language="en").paragraphs  # English is unaffected
    with pytest.raises(DraftingInputError) as caught:
        load_document(spec, language="ru")
    message = str(caught.value)
    assert "IOM has no ru name in the registry" in message
    assert f"{registry}:" in message and message.startswith(str(spec))
