"""Assembly of the Almaty sample in both profiles, and the assembly pipeline's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.app import load_document
from drafting.conventions.assemble import assemble, with_end_mark
from drafting.conventions.identity import content_hash
from drafting.errors import DraftingInputError
from drafting.library.clauses import load_library
from drafting.library.spec import load_spec
from drafting.model.document import Role, Span
from tests.conftest import ALMATY_SPEC, CLAUSES


@pytest.fixture(scope="module")
def as_issued():
    return load_document(ALMATY_SPEC)


@pytest.fixture(scope="module")
def un_style():
    return load_document(ALMATY_SPEC, profile="un-resolution")


def _by_id(document, paragraph_id):
    paragraph = document.paragraph(paragraph_id)
    assert paragraph is not None, paragraph_id
    return paragraph


def test_as_issued_keeps_the_texts_own_layout(as_issued):
    assert _by_id(as_issued, "endorse_rcf").label == "- 1 -"
    assert _by_id(as_issued, "ministerial_conference").label == "- 7 -"
    assert _by_id(as_issued, "ministerial_conference_b").label == "b -"
    assert _by_id(as_issued, "forum_needed").text.endswith("in particular;")
    assert _by_id(as_issued, "place_date").text == "Almaty, September 7th 2012"
    assert _by_id(as_issued, "preamble_heading").text == "Preamble"
    opening = _by_id(as_issued, "forum_needed").spans[0]
    assert opening.opening and not opening.italic


def test_un_resolution_applies_s8_to_s12(un_style):
    assert _by_id(un_style, "endorse_rcf").label == "1."
    assert _by_id(un_style, "endorse_rcf").text == "Endorse the draft Regional Cooperation Framework;"
    assert _by_id(un_style, "forum_needed").text.endswith("in particular,")
    assert _by_id(un_style, "subject").text.endswith("March 2011,")
    # Lead-in with sub-items ends with a colon; the last sub-item of the last paragraph takes the full stop.
    assert _by_id(un_style, "ministerial_conference").text.endswith("to:")
    assert _by_id(un_style, "ministerial_conference_a").text.endswith("steps;")
    assert _by_id(un_style, "ministerial_conference_c").text.endswith("RAP.")
    assert _by_id(un_style, "ministerial_conference_a").label == "(a)"
    # Bullets take no punctuation (S13); the operative paragraph goes on in its continuation.
    assert _by_id(un_style, "initial_members_kaz").text == "Kazakhstan"
    assert _by_id(un_style, "open_membership").text.endswith("Afghanistan);")
    assert _by_id(un_style, "place_date").text == "Almaty, 7 September 2012"
    assert un_style.paragraph("preamble_heading") is None
    opening = _by_id(un_style, "forum_needed").spans[0]
    assert opening.text == "Bearing in mind" and opening.italic and opening.opening
    assert _by_id(un_style, "title").text.endswith("international protection")


def test_same_ids_in_both_profiles_except_apparatus(as_issued, un_style):
    assert set(un_style.ids) == set(as_issued.ids) - {"preamble_heading"}


def test_registry_lists_read_as_in_2012(as_issued):
    subject = _by_id(as_issued, "subject").text
    assert ("Representatives of the Islamic Republic of Afghanistan, the Islamic Republic of Iran, "
            "the Russian Federation, and the Republic of Turkey") in subject
    members = [p.text for p in as_issued.paragraphs if p.id.startswith("initial_members_")]
    assert members == ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan"]
    assert ("(The Islamic Republic of Iran, Republic of Azerbaijan, Republic of Turkey, Russian Federation, "
            "People's Republic of China and the Islamic Republic of Afghanistan)"
            in _by_id(as_issued, "open_membership").text)


def test_emphasis_survives_as_italic_spans(as_issued):
    spans = _by_id(as_issued, "secretariat_seat").spans
    assert Span("Almaty Process", italic=True) in spans


def test_ids_are_stable_when_paragraphs_are_added_before(spec_copy):
    before = load_document(spec_copy)
    text = spec_copy.read_text(encoding="utf-8").replace(
        "  paragraphs:\n    - clause: operative.endorse-draft",
        "  paragraphs:\n    - id: new_first\n      opening: Decides\n      text: to meet again\n"
        "    - clause: operative.endorse-draft",
    )
    spec_copy.write_text(text, encoding="utf-8")
    after = load_document(spec_copy)
    assert after.paragraph("new_first").label == "- 1 -"
    assert after.paragraph("endorse_rcf").label == "- 2 -"
    assert before.paragraph("endorse_rcf").text == after.paragraph("endorse_rcf").text
    assert content_hash(before) != content_hash(after)


def test_parameter_values_are_data_never_code(spec_copy):
    text = spec_copy.read_text(encoding="utf-8").replace("params: {seat: {en: Almaty, ru: Алматы}}",
                                                         "params: {seat: '{{ 7*7 }} *x* <b>'}")
    spec_copy.write_text(text, encoding="utf-8")
    paragraph = load_document(spec_copy).paragraph("secretariat_seat")
    assert "{{ 7*7 }} *x* <b>" in paragraph.text
    assert "49" not in paragraph.text


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("params: {seat: {en: Almaty, ru: Алматы}}", "params: {}"), "missing required parameter 'seat'"),
        (("params: {seat: {en: Almaty, ru: Алматы}}", "params: {seat: Almaty, sea: x}"), "unknown parameter 'sea'"),
        (("clause: operative.secretariat-seat", "clause: operative.secretariat-sit"), "unknown clause id"),
        (("- clause: almaty.pp.consultative-forum\n      id: forum_needed",
          "- clause: almaty.pp.consultative-forum\n      id: endorse_rcf"), "duplicate paragraph id"),
        (("partners: [UNHCR, IOM]", "partners: [UNHCR, XYZ]"), "unknown State or organisation code 'XYZ'"),
        (("date: 2012-09-07", "date: 2012-13-07"), "there is no month 13"),
        (("profile: as-issued", "profile: fancy"), "unknown style profile"),
        # "$" would have let a trailing newline into an id or a file name
        (("id: forum_needed", 'id: "forum_needed\\n"'), "paragraph id"),
        (("clause: operative.secretariat-seat", 'clause: "operative.secretariat-seat\\n"'), "clause"),
    ],
)
def test_bad_specs_are_refused_with_file_and_line(spec_copy, edit, message):
    old, new = edit
    text = spec_copy.read_text(encoding="utf-8")
    assert old in text
    spec_copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DraftingInputError) as caught:
        load_document(spec_copy)
    rendered = str(caught.value)
    assert message in rendered
    assert rendered.startswith(str(spec_copy) + ":")
    assert caught.value.line is not None and caught.value.line > 0


def test_malformed_yaml_names_the_line(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("document:\n  id: x\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(DraftingInputError) as caught:
        load_spec(spec)
    assert caught.value.source == str(spec)
    assert caught.value.line is not None


def test_with_end_mark_replaces_trailing_marks_only():
    spans = (Span("Endorse", opening=True), Span(" the plan (RAP).;"))
    assert "".join(s.text for s in with_end_mark(spans, ";")) == "Endorse the plan (RAP);"
    assert with_end_mark(spans, ";")[0] == Span("Endorse", opening=True)
    italic = Span("Almaty Process", italic=True)
    assert with_end_mark((italic,), ".") == (italic, Span("."))


def test_language_without_translation_is_refused():
    spec = load_spec(ALMATY_SPEC)
    library = load_library(CLAUSES)
    with pytest.raises(DraftingInputError, match="has no fr"):
        assemble(spec, library, language="fr")


def test_roles_follow_the_skeleton(as_issued):
    roles = [p.role for p in as_issued.paragraphs]
    assert roles[0] is Role.TITLE and roles[-1] is Role.PLACE_DATE
    assert roles.index(Role.SUBJECT) < roles.index(Role.PREAMBULAR) < roles.index(Role.CHAPEAU)
    assert roles.index(Role.CHAPEAU) < roles.index(Role.OPERATIVE) < roles.index(Role.CLOSING)


def test_clause_paths_in_errors_are_real_files(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(DraftingInputError, match="cannot read spec"):
        load_spec(missing)
    assert not Path(missing).exists()
