"""`drafting clauses check`: every problem as FILE:LINE: message; the library refuses bad clauses."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.errors import DraftingInputError
from drafting.library.clauses import check_library, load_library
from tests.conftest import CLAUSES


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(directory: Path, *, strict: bool = False) -> list[str]:
    return [str(p) for p in check_library(directory, strict=strict)]


def test_the_project_library_is_clean_but_for_one_warning():
    problems = check_library(CLAUSES)
    assert [p.severity for p in problems] == ["warning"]
    assert "'Agree' is not in the standard operative lexicon" in problems[0].message


def test_strict_turns_warnings_into_errors():
    problems = check_library(CLAUSES, strict=True)
    assert [p.severity for p in problems] == ["error"]


CLEAN = """\
- id: pp.one
  kind: preambular
  opening: Recalling
  text: "its resolution {{ number }}"
  params:
    number: {required: yes}
"""


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (CLEAN + CLEAN, 7, "duplicate clause id 'pp.one'"),
        ("- id: x\n  kind: preamble\n  text: t\n", 2, "unknown kind 'preamble'"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: to {{ verb }}\n", 4,
         "undefined placeholder {{ verb }}"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: to act\n  params:\n    verb: act\n", 6,
         "unknown parameter 'verb'"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: \"{{ ''.__class__.__mro__ }}\"\n", 4,
         "only plain {{ name }} placeholders"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: \"{{ x|upper }}\"\n  params: {x: a}\n", 4,
         "only plain {{ name }} placeholders"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: to <script>alert(1)</script> act\n", 4,
         "raw HTML is not allowed"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: to <!-- hidden --> act\n", 4,
         "raw HTML is not allowed"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: \"{% include '../../secrets.md' %}\"\n", 4,
         "is not a clause id"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: \"{% include '/etc/passwd' %}\"\n", 4,
         "is not a clause id"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: \"{% include 'nope' %}\"\n", 4,
         "include of unknown clause 'nope'"),
        ("- id: x\n  kind: operative\n  opening: Decides\n  text: \"{% for a in b %}\"\n", 4, "bad placeholder syntax"),
        ("- id: x\n  kind: operative\n  colour: red\n  text: t\n", 3, "unknown clause field 'colour'"),
        ("- id: X Y\n  kind: operative\n  text: t\n", 1, "clause id is required"),
        ("- id: x\n  kind: operative\n  text: t\n  translations:\n    ru: {text: \"т {{ a }}\"}\n", 5,
         "undefined placeholder {{ a }}"),
        ("not: [a list\n", 2, "YAML syntax"),
        ("- &a {id: x}\n- *a\n", 1, "anchors and aliases are not allowed"),
        ("- id: x\n  kind: operative\n  text: t\n  text: u\n", 4, "duplicate key 'text'"),
    ],
)
def test_each_problem_is_reported_with_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, "bad.yaml", text)
    problems = problems_of(tmp_path)
    matching = [p for p in problems if message in p]
    assert matching, problems
    assert matching[0].startswith(f"{path}:{line}: "), matching


def test_include_cycle_is_reported_and_refused(tmp_path):
    write(tmp_path, "a.yaml", "- id: a\n  kind: operative\n  text: \"x {% include 'b' %}\"\n")
    write(tmp_path, "b.yaml", "- id: b\n  kind: operative\n  text: \"y {% include 'a' %}\"\n")
    problems = problems_of(tmp_path)
    assert any("include cycle: a -> b -> a" in p for p in problems), problems
    with pytest.raises(DraftingInputError, match="include cycle"):
        load_library(tmp_path)


def test_include_requires_the_included_parameters(tmp_path):
    write(tmp_path, "a.yaml",
          "- id: a\n  kind: operative\n  opening: Decides\n  text: \"x {% include 'b' %}\"\n"
          "- id: b\n  kind: closing\n  text: \"in {{ place }}\"\n  params: {place: {required: yes}}\n")
    assert any("missing parameter 'place'" in p for p in problems_of(tmp_path))


def test_non_standard_opening_is_a_warning_unless_strict(tmp_path):
    write(tmp_path, "a.yaml", "- id: a\n  kind: preambular\n  opening: Herewith\n  text: t\n")
    assert problems_of(tmp_path) == [f"{tmp_path / 'a.yaml'}:1: warning: opening phrase 'Herewith' is not in the "
                                     "standard preambular lexicon"]
    assert problems_of(tmp_path, strict=True)[0].endswith("not in the standard preambular lexicon")
    assert load_library(tmp_path).get("a") is not None


def test_all_problems_are_reported_not_just_the_first(tmp_path):
    write(tmp_path, "a.yaml", "- id: a\n  kind: nope\n  text: t\n- id: b\n  kind: operative\n  text: \"{{ q }}\"\n")
    write(tmp_path, "b.yaml", "- id: a\n  kind: operative\n  text: t\n")
    problems = problems_of(tmp_path)
    assert len([p for p in problems if "warning" not in p]) >= 3


def test_load_library_refuses_with_every_error(tmp_path):
    write(tmp_path, "a.yaml", "- id: a\n  kind: nope\n  text: t\n- id: b\n  kind: operatve\n  text: t\n")
    with pytest.raises(DraftingInputError) as caught:
        load_library(tmp_path)
    lines = str(caught.value).splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [f"{tmp_path / 'a.yaml'}:2", f"{tmp_path / 'a.yaml'}:5"]
    assert "unknown kind 'nope'" in lines[0]
    assert "unknown kind 'operatve' (did you mean 'operative'?)" in lines[1]


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02", b"\xff\xfe\xfa", b"- id: a\n  kind: operative\n  text: \"a\x0bb\"\n", b"- [" * 2000,
     b"- " + b"[" * 5000, b"---\n- a\n---\n- b\n"],
)
def test_hostile_clause_files_give_one_clear_problem(tmp_path, data):
    (tmp_path / "x.yaml").write_bytes(data)
    problems = check_library(tmp_path)
    assert problems and all(p.file.endswith("x.yaml") for p in problems)
    assert all("\n" not in str(p) for p in problems)


def test_registry_problems_are_reported(tmp_path):
    write(tmp_path, "registry.yaml", "states:\n  - code: KZ\n    short: Kazakhstan\n")
    assert any("not an ISO 3166 alpha-3 code" in p for p in problems_of(tmp_path))


def test_a_party_without_a_name_in_a_translated_language_is_a_warning(tmp_path):
    # KAZ's entry gives no Russian name, but the State keeps pycountry's; the organisation has none.
    registry = write(tmp_path, "registry.yaml",
                     "states:\n  - code: KAZ\n    short: Kazakhstan\n"
                     "  - code: TJK\n    short: Tajikistan\n    names:\n      ru: {short: Таджикистан}\n"
                     "organizations:\n  - code: SCO\n    short: Shanghai Cooperation Organisation\n")
    write(tmp_path, "a.yaml", "- id: a\n  kind: operative\n  opening: Decides\n  text: to act\n"
                              "  translations:\n    ru: {opening: Постановляет, text: действовать}\n")
    warnings = [p for p in problems_of(tmp_path) if "no ru name" in p]
    assert warnings == [f"{registry}:9: warning: SCO has no ru name, though clauses are translated into ru: "
                        "a text in that language naming it will be refused"]
    assert load_library(tmp_path).registry.names_in("KAZ", "ru").short == "Казахстан"
    assert load_library(tmp_path).get("a") is not None  # a warning, not a refusal
