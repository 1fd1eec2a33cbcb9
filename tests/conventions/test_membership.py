"""A spec's `membership:` section: numbered operative paragraphs with the members in the text (un-resolution),
an unnumbered provision with a bulleted list (as-issued)."""

from __future__ import annotations

from pathlib import Path

from drafting.app import load_document
from drafting.model.document import Role

IN_OPERATIVE = """    - clause: membership.initial-members
      id: initial_members
      params:
        members: [KAZ, KGZ, TJK, TKM]
"""
SECTION = """
membership:
  - clause: membership.initial-members
    id: initial_members
    params:
      members: [TKM, KAZ, TJK, KGZ]
"""


def _membership_section(spec: Path) -> Path:
    text = spec.read_text(encoding="utf-8")
    assert IN_OPERATIVE in text
    spec.write_text(text.replace(IN_OPERATIVE, "", 1) + SECTION, encoding="utf-8")
    return spec


def test_un_resolution_numbers_membership_provisions_and_names_the_members_in_the_text(spec_copy: Path) -> None:
    document = load_document(_membership_section(spec_copy), profile="un-resolution", language="en")
    operative = [p for p in document.paragraphs if p.role is Role.OPERATIVE]
    members = document.paragraph("initial_members")
    assert members is not None
    assert members.role is Role.OPERATIVE
    assert operative[-1].id == "initial_members"
    assert members.label == f"{len(operative)}."
    assert members.text == ("Agree that the following countries compose the initial members of the Process: "
                            "Kazakhstan, Kyrgyzstan, Tajikistan and Turkmenistan.")
    assert members.spans[0].italic and members.spans[0].text == "Agree"
    assert not [p for p in document.paragraphs if p.id.startswith("initial_members_")]  # no bullets
    before = document.paragraphs[document.paragraphs.index(members) - 1]
    assert before.text.endswith(";")  # the text goes on: only the membership provision ends with "."


def test_as_issued_keeps_the_membership_section_as_written(spec_copy: Path) -> None:
    document = load_document(_membership_section(spec_copy), language="en")
    members = document.paragraph("initial_members")
    assert members is not None
    assert members.role is Role.CONTINUATION and not members.label
    bullets = [p.text for p in document.paragraphs if p.id.startswith("initial_members_")]
    assert bullets == ["Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan"]
