"""The documents application layer: several clause libraries, languages on demand, problems together."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.app import assemble_to, check_clauses, load_document
from drafting.app.documents import describe_value
from drafting.errors import DraftingInputError, DraftingProblems
from drafting.model.document import StateRef, frozen_map

SEAT = """\
- id: operative.secretariat-seat
  kind: operative
  opening: Suggest
  text: "that the secretariat of the process sit in {{ seat }};"
  params:
    seat: {required: yes}
"""
WELCOME = """\
- id: project.welcome-host
  kind: operative
  opening: Welcomes
  text: the generous hospitality of the Government of {{ host }};
  params:
    host: {required: yes}
"""


def _with_libraries(spec: Path, shared: Path, libraries: str, local_text: str) -> Path:
    local = spec.parent / "local"
    local.mkdir()
    (local / "project.yaml").write_text(local_text, encoding="utf-8")
    text = spec.read_text(encoding="utf-8").replace(f"clauses: {shared}", f"clauses: {libraries}")
    spec.write_text(text, encoding="utf-8")
    return local / "project.yaml"


def test_a_projects_own_clauses_sit_beside_the_shared_library(spec_copy: Path, library_copy: Path) -> None:
    _with_libraries(spec_copy, library_copy, f"[{library_copy}, local]", WELCOME)
    text = spec_copy.read_text(encoding="utf-8").replace(
        "    - clause: operative.secretariat-seat\n",
        "    - clause: project.welcome-host\n      params: {host: Kazakhstan}\n"
        "    - clause: operative.secretariat-seat\n", 1)
    spec_copy.write_text(text.replace("languages: [en, ru]", "languages: [en]"), encoding="utf-8")
    document = load_document(spec_copy)
    welcome, seat = document.paragraph("welcome_host"), document.paragraph("secretariat_seat")
    assert welcome is not None and seat is not None
    assert welcome.text.startswith("Welcomes the generous hospitality")
    assert seat.clause == "operative.secretariat-seat"


def test_the_same_clause_id_in_two_libraries_names_both_files(spec_copy: Path, library_copy: Path) -> None:
    local_file = _with_libraries(spec_copy, library_copy, f"[{library_copy}, local]", SEAT)
    with pytest.raises(DraftingInputError) as caught:
        load_document(spec_copy)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert f"{local_file}:1" in message and f"{library_copy / 'operative.yaml'}:31" in message
    assert "duplicate clause id 'operative.secretariat-seat'" in message and "override: yes" in message


def test_the_spec_can_say_which_library_wins(spec_copy: Path, library_copy: Path) -> None:
    _with_libraries(spec_copy, library_copy, f"[{library_copy}, {{path: local, override: yes}}]", SEAT)
    text = spec_copy.read_text(encoding="utf-8").replace("languages: [en, ru]", "languages: [en]")
    spec_copy.write_text(text, encoding="utf-8")
    document = load_document(spec_copy)
    seat = document.paragraph("secretariat_seat")
    assert seat is not None
    assert seat.text.startswith("Suggest that the secretariat of the process sit")


def test_clauses_check_checks_the_libraries_of_a_spec_together(spec_copy: Path, library_copy: Path) -> None:
    local_file = _with_libraries(spec_copy, library_copy, f"[{library_copy}, local]", SEAT)
    problems = [p for p in check_clauses(spec=spec_copy) if p.severity == "error"]
    assert [(p.file, p.line) for p in problems] == [(str(local_file), 1)]
    together = [p for p in check_clauses([library_copy, local_file.parent]) if p.severity == "error"]
    assert together == problems
    assert not [p for p in check_clauses(local_file.parent) if p.severity == "error"]


def _drop_russian(spec: Path) -> None:
    """Two one-off paragraphs with English text only."""
    text = spec.read_text(encoding="utf-8")
    extra = ("    - id: english_only_one\n      text: Noting the first point,\n"
             "    - id: english_only_two\n      text: Noting the second point,\n")
    text = text.replace("    - id: herewith\n", extra + "    - id: herewith\n", 1)
    spec.write_text(text, encoding="utf-8")


def test_building_one_language_warns_about_the_others(spec_copy: Path, tmp_path: Path) -> None:
    _drop_russian(spec_copy)
    warnings: list[str] = []
    written = assemble_to(spec_copy, tmp_path / "out", ("md",), language="en", warn=warnings.append)
    assert [p.name for p in written] == ["recommendations.md"]
    assert len(warnings) == 2
    assert "paragraph english_only_one has no ru text" in warnings[0]
    assert "paragraph english_only_two has no ru text" in warnings[1]


def test_a_language_asked_for_lists_every_missing_translation(spec_copy: Path, tmp_path: Path) -> None:
    _drop_russian(spec_copy)
    for language in ("ru", None):
        with pytest.raises(DraftingProblems) as caught:
            assemble_to(spec_copy, tmp_path / "out", ("md",), language=language)
        assert [str(p).split(": ", 1)[1] for p in caught.value.problems] == [
            "paragraph english_only_one has no ru text", "paragraph english_only_two has no ru text"]
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_parameter_values_are_described_as_a_drafter_writes_them() -> None:
    assert describe_value("Almaty Process") == "Almaty Process"
    assert describe_value(frozen_map({"en": "Almaty", "ru": "Алматы"})) == "en: Almaty; ru: Алматы"
    assert describe_value((StateRef("KAZ"), StateRef("KGZ"))) == "KAZ, KGZ"
