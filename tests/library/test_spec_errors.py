"""Errors that help: 'did you mean', dates checked as dates, YAML in drafting's words, all problems at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from drafting.app import load_document
from drafting.errors import DraftingInputError, DraftingProblems
from drafting.library.dates import parse_date
from drafting.library.spec import load_spec


def _edit(spec: Path, *edits: tuple[str, str]) -> None:
    text = spec.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    spec.write_text(text, encoding="utf-8")


def _refusal(spec: Path) -> DraftingInputError:
    with pytest.raises(DraftingInputError) as caught:
        load_document(spec)
    return caught.value


def _line_of(spec: Path, needle: str) -> int:
    return next(n for n, line in enumerate(spec.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_mistyped_clause_id_suggests_the_real_one(spec_copy: Path) -> None:
    _edit(spec_copy, ("clause: operative.secretariat-seat", "clause: operative.secretariat-sit"))
    error = _refusal(spec_copy)
    assert "unknown clause id 'operative.secretariat-sit' (did you mean 'operative.secretariat-seat'?)" in str(error)
    assert error.line == _line_of(spec_copy, "operative.secretariat-sit")


def test_a_mistyped_parameter_name_suggests_the_declared_one(spec_copy: Path) -> None:
    _edit(spec_copy, ("params: {seat: {en: Almaty, ru: Алматы}}", "params: {saet: Almaty}"))
    message = str(_refusal(spec_copy))
    assert "unknown parameter 'saet'" in message and "did you mean 'seat'?" in message
    assert "missing required parameter 'seat'" in message  # both problems of the entry


def test_a_state_name_where_a_code_belongs_suggests_the_code(spec_copy: Path) -> None:
    _edit(spec_copy, ("candidates: [UZB]", "candidates: [UZBEKISTAN]"))
    assert "unknown State or organisation code 'UZBEKISTAN' (did you mean 'UZB'?)" in str(_refusal(spec_copy))


def test_an_unknown_participant_is_refused_at_assembly_at_its_line(spec_copy: Path, tmp_path: Path) -> None:
    """`participants: [Narnia]` used to pass assemble and lint and fail only at finalize, with no line."""
    from drafting.cli import cli

    _edit(spec_copy, ("participants: [KAZ, KGZ, TJK, TKM]", "participants: [KAZ, KGZ, NARNIA, TKM]"),
          ("observers: [AFG, IRN, RUS, TUR]", "observers: [AFG, Iran, RUS, TUR]"))
    error = _refusal(spec_copy)
    assert isinstance(error, DraftingProblems)
    narnia, iran = (str(p) for p in error.problems)
    assert narnia == (f"{spec_copy}:{_line_of(spec_copy, 'NARNIA')}: document.participants: unknown State or "
                      "organisation code 'NARNIA'")
    assert iran.startswith(f"{spec_copy}:{_line_of(spec_copy, 'Iran')}: document.observers: unknown State or "
                           "organisation code 'IRAN' (did you mean 'IRN'")
    for command in (["assemble", str(spec_copy), "-o", str(tmp_path / "out"), "--format", "md"],
                    ["lint", str(spec_copy)]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 1 and f"{spec_copy}:{_line_of(spec_copy, 'NARNIA')}: " in result.stderr
    assert not (tmp_path / "out").exists()


def test_an_unknown_signatory_is_refused_at_its_line(spec_copy: Path) -> None:
    _edit(spec_copy, ("place_date: yes", "place_date: yes\nsignatures:\n  form: blocks\n  signatories:\n"
                                         "    - KAZ\n    - {code: KAZAKSTAN}"))
    error = _refusal(spec_copy)
    assert str(error) == (f"{spec_copy}:{_line_of(spec_copy, 'KAZAKSTAN')}: signatures.signatories: unknown State "
                          "or organisation code 'KAZAKSTAN' (did you mean 'KAZ'?)")


def test_a_mistyped_profile_suggests_the_profile(spec_copy: Path) -> None:
    _edit(spec_copy, ("profile: as-issued", "profile: as-isued"))
    error = _refusal(spec_copy)
    assert "unknown style profile 'as-isued' (did you mean 'as-issued'?)" in str(error)
    assert error.line == _line_of(spec_copy, "profile: as-isued")


def test_a_mistyped_section_suggests_the_section(spec_copy: Path) -> None:
    _edit(spec_copy, ("\npreamble:\n", "\npreambel:\n"))
    assert "unknown section 'preambel' (did you mean 'preamble'?)" in str(_refusal(spec_copy))


def test_a_mistyped_document_field_suggests_the_field(spec_copy: Path) -> None:
    _edit(spec_copy, ("  country: Kazakhstan\n", "  contry: Kazakhstan\n"))
    assert "unknown document field 'contry' (did you mean 'country'?)" in str(_refusal(spec_copy))


@pytest.mark.parametrize(
    ("date", "words"),
    [
        ("2025-11-31", "there is no 31 November 2025 (November has 30 days)"),
        ("2025-02-29", "there is no 29 February 2025 (2025 is not a leap year)"),
        ("2025-13-01", "there is no month 13"),
        ("31.11.2025", "is not a date in the form YYYY-MM-DD"),
    ],
)
def test_dates_are_checked_as_dates(spec_copy: Path, date: str, words: str) -> None:
    _edit(spec_copy, ("date: 2012-09-07", f"date: {date}"))
    error = _refusal(spec_copy)
    assert words in str(error)
    assert error.line == _line_of(spec_copy, f"date: {date}")


def test_a_leap_day_is_a_date() -> None:
    assert parse_date("2024-02-29") == dt.date(2024, 2, 29)


@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_every_real_date_reads_back(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day


@given(st.integers(min_value=1900, max_value=2100), st.integers(min_value=1, max_value=12))
def test_the_day_after_the_last_of_the_month_is_refused_by_name(year: int, month: int) -> None:
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    with pytest.raises(ValueError, match=rf"there is no {last + 1} "):
        parse_date(f"{year:04d}-{month:02d}-{last + 1:02d}")


def test_yaml_syntax_errors_are_explained_with_a_hint(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("document:\n  id: x\n  title: Recommendations: the plan\n", encoding="utf-8")
    with pytest.raises(DraftingInputError) as caught:
        load_spec(spec)
    message = str(caught.value)
    assert message.startswith(f"{spec}:3: YAML syntax:")
    assert "hint: put text that contains ': ' in quotes" in message
    assert "mapping values" not in message  # the parser's jargon stays out


def test_a_tab_in_the_indentation_is_named(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("document:\n\tid: x\n", encoding="utf-8")
    with pytest.raises(DraftingInputError, match="a tab in the indentation"):
        load_spec(spec)


def test_a_spec_with_five_mistakes_reports_five(spec_copy: Path) -> None:
    _edit(
        spec_copy,
        ("date: 2012-09-07", "date: 2012-11-31"),
        ("profile: as-issued", "profile: fancy"),
        ("  country: Kazakhstan\n", "  contry: Kazakhstan\n"),
        ("- clause: almaty.pp.consultative-forum\n      id: forum_needed",
         "- clause: almaty.pp.consultative-forum\n      id: Forum"),
        ("clause: operative.secretariat-seat", "clause: operative.secretariat-sit"),
    )
    with pytest.raises(DraftingProblems) as caught:
        load_document(spec_copy)
    problems = caught.value.problems
    assert len(problems) == 5
    lines = str(caught.value).splitlines()
    assert len(lines) == 5 and all(line.startswith(f"{spec_copy}:") for line in lines)
    text = str(caught.value)
    for words in ("there is no 31 November 2012", "unknown style profile 'fancy'", "'contry'",
                  "paragraph id 'Forum'", "'operative.secretariat-sit'"):
        assert words in text
    assert sorted(p.line or 0 for p in problems) == [p.line for p in problems]  # in file order


def test_many_problems_are_capped(tmp_path: Path) -> None:
    fields = "".join(f"  bogus{n}: x\n" for n in range(30))
    spec = tmp_path / "spec.yaml"
    spec.write_text(f"document:\n  id: x\n  title: T\n  place: P\n  date: 2025-01-01\n{fields}", encoding="utf-8")
    with pytest.raises(DraftingProblems) as caught:
        load_spec(spec)
    lines = str(caught.value).splitlines()
    assert len(caught.value.problems) == 30
    assert len(lines) == DraftingProblems.MAX_REPORTED + 1 and lines[-1] == "… and 10 more"


_BAD_FIELDS = [f"extra_{n}" for n in range(12)]


@given(st.sets(st.sampled_from(_BAD_FIELDS), max_size=8), st.booleans(), st.booleans())
def test_every_mistake_is_reported_once_on_its_own_line(fields: set[str], bad_date: bool, bad_profile: bool) -> None:
    from drafting.library.spec import parse_spec

    lines = ["document:", "  id: x", "  title: T", "  place: P",
             "  date: 2025-11-31" if bad_date else "  date: 2025-11-30",
             "  profile: fancy" if bad_profile else "  profile: as-issued"]
    lines += [f"  {field}: v" for field in sorted(fields)]
    expected = len(fields) + bad_date + bad_profile
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if expected == 0:
        assert parse_spec(data, "s.yaml", base_dir=Path(".")).meta.document_id == "x"
        return
    with pytest.raises(DraftingInputError) as caught:
        parse_spec(data, "s.yaml", base_dir=Path("."))
    problems = caught.value.problems if isinstance(caught.value, DraftingProblems) else (caught.value,)
    assert len(problems) == expected
    reported = {p.line for p in problems}
    assert reported == {n for n, line in enumerate(lines, 1)
                        if line.split(":")[0].strip() in fields or "11-31" in line or "fancy" in line}


def test_a_clause_library_suggests_fields_settings_and_types(tmp_path: Path) -> None:
    from drafting.app import check_clauses

    (tmp_path / "x.yaml").write_text(
        "- id: a.b\n  kind: operative\n  text: hello {{ x }}\n  tgs: [a]\n  params:\n"
        "    x: {dfault: v, type: state}\n", encoding="utf-8")
    messages = [p.message for p in check_clauses(tmp_path) if p.severity == "error"]
    assert "unknown clause field 'tgs' (did you mean 'tags'?)" in messages
    assert "unknown parameter setting 'dfault' (did you mean 'default'?)" in messages
    assert "unknown parameter type 'state' (did you mean 'states'?)" in messages


def test_a_date_parameter_is_checked_as_a_date(tmp_path: Path) -> None:
    library = tmp_path / "clauses"
    library.mkdir()
    (library / "c.yaml").write_text(
        "- id: closing.next\n  kind: closing\n  text: The next meeting is on {{ when }}.\n"
        "  params:\n    when: {type: date}\n", encoding="utf-8")
    spec = tmp_path / "spec.yaml"
    spec.write_text("document: {id: x, title: T, place: P, date: 2025-01-01}\nclauses: clauses\n"
                    "closing:\n  - clause: closing.next\n    params: {when: 2025-02-30}\n", encoding="utf-8")
    with pytest.raises(DraftingInputError) as caught:
        load_document(spec)
    assert "parameter 'when': '2025-02-30': there is no 30 February 2025 (February has 28 days)" in str(caught.value)
    assert caught.value.line == 4
    spec.write_text(spec.read_text(encoding="utf-8").replace("2025-02-30", "2025-02-28"), encoding="utf-8")
    next_meeting = load_document(spec).paragraph("next")
    assert next_meeting is not None
    assert next_meeting.text == "The next meeting is on 28 February 2025."
