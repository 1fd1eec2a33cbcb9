"""drafting.model.serial: the JSON form the record stores; a document or amendment comes back equal, and a
damaged stored form is a clear refusal."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafting import app
from drafting.errors import DraftingInputError
from drafting.model.document import Amendment, AmendmentKind
from drafting.model.serial import (
    amendment_from_dict,
    amendment_to_dict,
    document_from_json,
    document_json,
    meta_from_dict,
    meta_to_dict,
)
from tests.conftest import ALMATY_SPEC


@pytest.mark.parametrize(("language", "profile"), [("en", None), ("ru", None), ("en", "un-resolution")])
def test_an_assembled_document_survives_the_round_trip(language: str, profile: str | None) -> None:
    document = app.load_document(ALMATY_SPEC, language=language, profile=profile)
    stored = document_json(document)
    assert document_from_json(stored) == document
    assert document_json(document_from_json(stored)) == stored  # stable: the record's bytes do not drift
    assert meta_from_dict(meta_to_dict(document.meta)) == document.meta


def test_the_stored_form_is_plain_json_with_stable_key_order() -> None:
    document = app.load_document(ALMATY_SPEC)
    data = json.loads(document_json(document))
    assert data["meta"]["document_id"] == "almaty-2012-recommendations"
    assert [p["id"] for p in data["paragraphs"]] == list(document.ids)


@pytest.mark.parametrize("damaged", ["", "{", "[]", '{"meta": {}}', '{"meta": null, "paragraphs": 3}'])
def test_a_damaged_stored_document_is_refused_clearly(damaged: str) -> None:
    with pytest.raises(DraftingInputError, match="stored document is damaged"):
        document_from_json(damaged)


text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
amendments = st.builds(
    Amendment, id=st.from_regex(r"A[0-9a-f]{10}", fullmatch=True), delegation=text,
    paragraph=st.none() | st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True), kind=st.sampled_from(AmendmentKind),
    old=text, new=text, position=st.integers(0, 10_000), date=st.none() | text, tracked=st.booleans(), author=text,
    code=st.none() | st.from_regex(r"[A-Z]{3}", fullmatch=True), context=text,
)


@given(amendments)
def test_every_amendment_survives_the_round_trip(amendment: Amendment) -> None:
    stored = json.loads(json.dumps(amendment_to_dict(amendment)))
    assert amendment_from_dict(stored) == amendment


def test_notes_and_cells_survive_the_round_trip_and_older_texts_keep_their_stored_form(tmp_path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "document: {id: n, title: T, place: P, date: 2025-06-05, profile: as-issued}\n"
        "operative:\n  paragraphs:\n    - {id: op1, text: 'Decides to meet^[In Almaty.];'}\n"
        "closing:\n  - {id: ax1, table: [[State, Pledge], [Kazakhstan, '100^[Paid.]']]}\n", encoding="utf-8")
    document = app.load_document(spec)
    stored = json.loads(document_json(document))
    assert document_from_json(json.dumps(stored)) == document
    by_id = {p["id"]: p for p in stored["paragraphs"]}
    assert by_id["op1"]["spans"][1] == ["", 0, 0, 0, "op1_fn1"] and by_id["ax1_r2c2"]["cell"] == [1, 2, 2]
    # a paragraph without a note or a cell is stored exactly as before they existed (the record's bytes)
    assert set(by_id["ax1_r2c2_fn1"]) == {"id", "role", "label", "level", "clause", "proposed", "spans"}
    assert all(len(span) == 4 for span in by_id["ax1_r2c2_fn1"]["spans"])


def test_every_meta_field_type_has_a_check() -> None:
    """`document_type_problem` checks a document read from outside field by field: a field of a new type added
    to `Meta` needs its check (or documents from manifests would be refused whole)."""
    import dataclasses

    from drafting.model.document import Meta
    from drafting.model.serial import _META_TYPES

    assert {str(item.type) for item in dataclasses.fields(Meta)} <= set(_META_TYPES)


def test_a_document_from_outside_with_a_value_of_another_type_is_named() -> None:
    from drafting.model.serial import document_type_problem

    data = json.loads(document_json(app.load_document(ALMATY_SPEC)))
    assert document_type_problem(document_from_json(json.dumps(data))) is None
    data["meta"]["title"] = 7
    assert document_type_problem(document_from_json(json.dumps(data))) == "meta.title is not str"
    data["meta"]["title"] = "T"
    data["paragraphs"][0]["spans"][0][0] = None
    assert "is not a string" in (document_type_problem(document_from_json(json.dumps(data))) or "")
    data["paragraphs"][0]["spans"][0][0] = "Bearing\x00 in mind"
    assert document_type_problem(document_from_json(json.dumps(data))) == (
        "a text holds U+0000, which no document keeps")
