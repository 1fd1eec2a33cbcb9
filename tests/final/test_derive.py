"""Final = agreed (issue 12, item 1): the final text differs from the agreed revision only by the closed list of
final transformations (derive.py); `finalize` refuses anything else. The expected texts here are the assembled
or revised texts themselves, never what the final-text code computes."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting import app as api
from drafting.conventions.identity import canonical_line
from drafting.errors import DraftingStateError
from drafting.final.derive import derivation_problems
from drafting.final.text import final_document
from drafting.model.document import Document, Paragraph, Role, Span
from tests.conftest import examples
from tests.final import canonical_lines, manifest_of


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _entry(pid: str, opening: str, text: str, items: list[tuple[str, str]], russian: bool) -> str:
    parts = [f"id: {pid}", f"opening: {_q(opening)}", f"text: {_q(text)}"]
    if items:
        parts.append("items: [" + ", ".join(f"{{opening: {_q(o)}, text: {_q(t)}}}" for o, t in items) + "]")
    if russian:
        ru_items = ""
        if items:
            ru_items = ", items: [" + ", ".join(f"{{opening: {_q('Пункт')}, text: {_q('текст ' + t)}}}"
                                                for _, t in items) + "]"
        parts.append(f"translations: {{ru: {{opening: {_q('Постановляет')}, text: {_q('текст ' + text)}{ru_items}}}}}")
    return "    - {" + ", ".join(parts) + "}\n"


def spec_text(*, preamble: list[str], operative: list[tuple[str, list[str]]], membership: list[str],
              languages: tuple[str, ...], order: list[str], place_date: bool, clauses: Path) -> str:
    """A un-resolution spec whose sections appear in `order`; every paragraph a one-off."""
    russian = "ru" in languages
    translations = "  translations: {ru: {title: Резолюция, place: Алматы}},\n" if russian else ""
    sections = {
        "preamble": "preamble:\n  paragraphs:\n" + "".join(
            _entry(f"pp{i}", "Recalling", text, [], russian) for i, text in enumerate(preamble)) if preamble else "",
        "operative": "operative:\n  paragraphs:\n" + "".join(
            _entry(f"op{i}", "Decides", text, [("Adopt", t) for t in items], russian)
            for i, (text, items) in enumerate(operative)),
        "membership": "membership:\n" + "".join(
            _entry(f"m{i}", "", text, [], russian).replace('opening: "", ', "") for i, text in enumerate(membership))
        if membership else "",
        "place_date": f"place_date: {'yes' if place_date else 'no'}\n",
    }
    head = (f"document: {{id: prop, name: prop, title: Resolution, place: Almaty, date: 2012-09-07,\n"
            f"  profile: un-resolution, symbol: X/RES/1, participants: [KAZ, KGZ],\n{translations}"
            f"  languages: [{', '.join(languages)}]}}\nclauses: {clauses}\n")
    return head + "".join(sections[name] for name in order)


WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8)
TEXTS = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
ENDINGS = st.sampled_from(["", ".", ";", ","])


@st.composite
def specs(draw: st.DrawFn) -> dict[str, object]:
    return {
        "preamble": [t + draw(ENDINGS) for t in draw(st.lists(TEXTS, max_size=3))],
        "operative": draw(st.lists(st.tuples(TEXTS.map(lambda t: "to " + t), st.lists(TEXTS, max_size=3)),
                                   min_size=1, max_size=4)),
        "membership": [t + draw(ENDINGS) for t in draw(st.lists(TEXTS.map(lambda t: "The Process is open to " + t),
                                                                  max_size=2))],
        "languages": draw(st.sampled_from([("en",), ("en", "ru")])),
        "order": draw(st.permutations(["preamble", "operative", "membership", "place_date"])),
        "place_date": draw(st.booleans()),
    }


def _body_lines(document: Document) -> list[str]:
    return [canonical_line(p) for p in document.paragraphs if p.role is not Role.PLACE_DATE]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=specs())
def test_the_final_text_of_any_spec_is_its_assembled_text(tmp_path_factory: pytest.TempPathFactory,
                                                          spec: dict[str, object]) -> None:
    """Whatever the sections' order, membership, sub-items and languages: every paragraph of the final text is
    the assembled paragraph, label and end mark included; only the closing formula and signatures are added."""
    directory = tmp_path_factory.mktemp("spec")
    (directory / "clauses").mkdir()
    path = directory / "spec.yaml"
    path.write_text(spec_text(clauses=directory / "clauses", **spec), encoding="utf-8")  # type: ignore[arg-type]
    registry = api.default_registry(None)
    for language in spec["languages"]:  # type: ignore[attr-defined]
        assembled = api.load_document(path, language=language)
        final = final_document(assembled, languages=list(spec["languages"]), registry=registry)  # type: ignore[call-overload]
        closing = [p.id for p in final.paragraphs].index("closing_formula")
        assert [canonical_line(p) for p in final.paragraphs[:closing]] == _body_lines(assembled)
        assert all(p.role is Role.SIGNATURE or p.role is Role.HEADING for p in final.paragraphs[closing + 1:])
        assert derivation_problems(assembled, final) == []


# -- the case of the issue --------------------------------------------------------------------------------------

MEMBERSHIP_SPEC = """\
document: {id: dur, name: dur, title: Resolution on durable solutions, place: Almaty, date: 2012-09-07,
  profile: un-resolution, symbol: X/RES/2, participants: [KAZ, KGZ], languages: [en]}
clauses: CLAUSES
preamble:
  paragraphs:
    - {id: recalling, opening: Recalling, text: its earlier meetings}
operative:
  paragraphs:
    - {id: decides, opening: Decides, text: "to", items: [{opening: Establish, text: a secretariat},
       {opening: Adopt, text: a regional strategy on durable solutions}]}
membership:
  - {id: open_to, text: "The Process is open to all States of the region."}
place_date: yes
"""


@pytest.fixture
def membership_spec(tmp_path: Path) -> Path:
    (tmp_path / "clauses").mkdir()
    path = tmp_path / "spec.yaml"
    path.write_text(MEMBERSHIP_SPEC.replace("CLAUSES", str(tmp_path / "clauses")), encoding="utf-8")
    return path


def test_membership_after_the_operative_part_keeps_the_agreed_full_stop(membership_spec: Path,
                                                                       tmp_path: Path) -> None:
    """The issue's case: `(b) Adopt a regional strategy on durable solutions.` must stay a full stop."""
    assembled = _body_lines(api.load_document(membership_spec))
    api.finalize(membership_spec, tmp_path / "from-spec", pdf=False)
    assert canonical_lines(manifest_of(tmp_path / "from-spec"))[:len(assembled)] == assembled
    ws = tmp_path / "ws"
    api.negotiation_init(ws, membership_spec, actor="clerk")
    _, revision = api.revise(ws, tmp_path / "rev1", ("md",), actor="clerk")
    revised = _body_lines(revision.document)
    api.mark(ws, "ALL", "agreed", actor="chair")
    api.finalize(ws, tmp_path / "final", pdf=False)
    final = canonical_lines(manifest_of(tmp_path / "final"))
    assert final[:len(revised)] == revised
    assert final[:len(assembled)] == assembled


def test_finalize_refuses_a_final_text_that_strays_from_the_agreed_one(membership_spec: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A final-text step that changes a word (a bug, or a tampered toolkit) is refused, nothing written."""
    import drafting.final.finalize as module

    real = final_document  # the function finalize calls (imported from drafting.final.text)

    def straying(document: Document, **kwargs: object) -> Document:
        final = real(document, **kwargs)  # type: ignore[arg-type]
        return replace(final, paragraphs=tuple(
            replace(p, spans=(Span(p.text.replace("durable", "temporary")),)) if p.id == "decides_b" else p
            for p in final.paragraphs))

    monkeypatch.setattr(module, "final_document", straying)
    with pytest.raises(DraftingStateError, match=r"beyond the final transformations: paragraph decides_b: its text"):
        api.finalize(membership_spec, tmp_path / "out", pdf=False)
    assert not (tmp_path / "out").exists()


# -- the guard itself, on hand-made documents -------------------------------------------------------------------


def _doc(*paragraphs: Paragraph) -> Document:
    import datetime as dt

    from drafting.model.document import Meta

    meta = Meta("d", "d", "T", "", "", "Almaty", "", dt.date(2012, 9, 7), (), (), "X/1", "en", ("en",),
                "un-resolution")
    return Document(meta, paragraphs)


def _p(pid: str, text: str, label: str = "", role: Role = Role.OPERATIVE, proposed: bool = False) -> Paragraph:
    return Paragraph(pid, role, (Span(text),), label, 0, None, proposed)


AGREED = (
    _p("a", "Welcomes the offer;", "1."),
    _p("b", "Invites the States to act;", "1 bis", proposed=True),
    _p("c", "Requests a report on paragraph 1 bis.", "2."),
    _p("z", "The Process is open to all.", role=Role.CONTINUATION),
    _p("place_date", "Almaty, 7 September 2012", role=Role.PLACE_DATE),
)
FINAL = (
    _p("a", "Welcomes the offer;", "1."),
    _p("b", "Invites the States to act;", "2."),
    _p("c", "Requests a report on paragraph 2.", "3."),
    _p("z", "The Process is open to all.", role=Role.CONTINUATION),
    _p("closing_formula", "Done at Almaty on 7 September 2012.", role=Role.PLACE_DATE),
    _p("sig_kaz", "For the Government of the Republic of Kazakhstan:", role=Role.SIGNATURE),
)


def test_renumbering_references_adoption_and_the_closing_formula_are_allowed() -> None:
    assert derivation_problems(_doc(*AGREED), _doc(*FINAL)) == []


@pytest.mark.parametrize(("index", "changed", "expected"), [
    (2, _p("c", "Requests a report on paragraph 3.", "3."), "c: its text differs"),
    (3, _p("z", "The Process is open to all;", role=Role.CONTINUATION), "z: its end mark . became ;"),
    (0, _p("a", "Welcomes the offer.", "1."), "a: its end mark ; became ."),
    (1, _p("b", "Invites the States to act;", "2.", role=Role.PREAMBULAR), "b: its role or level changed"),
    (5, _p("x", "Annex: a forged commitment.", role=Role.TEXT), "x follows the closing formula"),
])
def test_anything_else_is_a_problem(index: int, changed: Paragraph, expected: str) -> None:
    final = list(FINAL)
    final[index] = changed
    problems = derivation_problems(_doc(*AGREED), _doc(*final))
    assert any(expected in p for p in problems), problems


def test_a_dropped_or_added_paragraph_is_a_problem() -> None:
    assert derivation_problems(_doc(*AGREED), _doc(FINAL[0], *FINAL[2:])) == [
        "paragraph b of the agreed text is not in the final text"]
    extra = _p("extra", "Decides to pay.", "4.")
    assert derivation_problems(_doc(*AGREED), _doc(*FINAL[:3], extra, *FINAL[3:])) == [
        "paragraph extra of the final text is not in the agreed text"]
