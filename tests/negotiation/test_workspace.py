"""Submit, decide, mark and revise on a workspace (the library API the CLI wraps)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import pytest

from drafting import app as api
from drafting.errors import DraftingInputError, DraftingStateError
from drafting.negotiation.workspace import MAX_DELEGATION_NAME, clean_delegation
from tests.negotiation import (
    LAUNCH,
    RAP,
    RCF,
    SEAT,
    SEAT_TEXT,
    SECRETARIAT,
    SPEC,
    SUPPORT,
    Base,
    check_record,
    counts,
    edit_md,
    events,
    text_paragraphs,
    untracked_docx_edit,
)


def amendments_of(ws: Path) -> list[dict]:
    report = api.status_report(ws)
    return [dict(a, paragraph=p["id"]) for p in report["paragraphs"] for a in p["amendments"] + p["proposed_after"]]


def document(ws: Path):
    workspace = api.open_workspace(ws)
    try:
        return workspace.document()[1], workspace.statuses()
    finally:
        workspace.close()


# -- submit -------------------------------------------------------------------------------------------------


def test_submit_keeps_the_file_byte_for_byte_with_its_amendments(ws: Path, base: Base, tmp_path: Path) -> None:
    kaz = edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))])
    result = api.submit(ws, "KAZ", kaz, actor="clerk")
    assert (result.delegation, result.revision, result.matched_by, result.amendments) == ("Kazakhstan", 0,
                                                                                          "identity", 1)
    assert result.current and not result.repeated
    workspace = api.open_workspace(ws)
    try:
        [row] = workspace.store.submissions()
        assert row.sha256 == hashlib.sha256(kaz.read_bytes()).hexdigest()
        assert workspace.store.blob(row.sha256) == kaz.read_bytes()
        assert (row.delegation, row.code, row.filename, row.format, row.actor) == ("Kazakhstan", "KAZ", "kaz.md",
                                                                                  "md", "clerk")
    finally:
        workspace.close()
    [amendment] = amendments_of(ws)
    assert (amendment["paragraph"], amendment["kind"], amendment["old"], amendment["new"]) == (
        "secretariat_seat", "replace", "Almaty", "Astana")
    check_record(ws)


def test_tracked_docx_is_attributed_to_the_delegation(ws: Path, base: Base, tmp_path: Path) -> None:
    edited = edit_md(base.md, tmp_path / "edited.md", [(RCF, RCF.replace("draft", "updated"))],
                     [("secretariat_seat", "Invite the secretariat to report annually;")])
    redline = tmp_path / "kyrgyzstan.docx"
    api.redline(base.docx, edited, redline, author="Kyrgyzstan", date="2012-09-06T10:00:00Z")
    result = api.submit(ws, "KGZ", redline)
    assert result.matched_by == "identity" and result.amendments == 2
    found = {(a["paragraph"], a.get("kind", "paragraph-insert"), a["new"]): a for a in amendments_of(ws)}
    assert set(found) == {("endorse_rcf", "replace", "updated"),
                          ("secretariat_seat", "paragraph-insert", "Invite the secretariat to report annually;")}
    assert all(a["delegation"] == "Kyrgyzstan" for a in found.values())
    assert found[("endorse_rcf", "replace", "updated")]["tracked"] is True


def test_the_same_file_twice_is_one_submission_and_two_events(ws: Path, base: Base, tmp_path: Path) -> None:
    kaz = edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))])
    first = api.submit(ws, "KAZ", kaz, actor="clerk")
    copy = tmp_path / "copy-of-kaz.md"
    copy.write_bytes(kaz.read_bytes())
    again = api.submit(ws, "Kazakhstan", copy, actor="clerk")  # the registry maps code and name to one delegation
    assert again.repeated and again.submission == first.submission
    assert counts(ws)["submissions"] == 1 and counts(ws)["blobs"] == 2  # the base .docx and this file
    kinds = [(e["kind"], e["subject"]) for e in events(ws)]
    assert kinds == [("revision-issued", "original"), ("submission", "Kazakhstan"),
                     ("submission-repeated", "Kazakhstan")]
    assert events(ws)[-1]["detail"]["submission"] == first.submission
    assert len(amendments_of(ws)) == 1
    check_record(ws)


def _hash_changed(base: Base, path: Path) -> None:
    text = base.md.read_text(encoding="utf-8")
    path.write_text(re.sub(r"sha256=[0-9a-f]{64}", "sha256=" + "0" * 64, text), encoding="utf-8")


def _other_document(base: Base, path: Path) -> None:
    text = base.md.read_text(encoding="utf-8")
    path.write_text(text.replace("document=almaty-2012-recommendations", "document=other-conference"), "utf-8")


def _other_profile(base: Base, path: Path) -> None:  # same document, another text (UN resolution style)
    api.assemble_to(SPEC, path.parent / "un", ("docx",), profile="un-resolution")
    path.write_bytes((path.parent / "un" / "recommendations.docx").read_bytes())


def _unrelated(base: Base, path: Path) -> None:
    path.write_text("Minutes of the lunch break.\n\nCoffee was served.\n", encoding="utf-8")


@pytest.mark.parametrize(("make", "name", "message"), [
    (_hash_changed, "kaz.md", "does not know (original of almaty-2012-recommendations with content hash 000000"),
    (_other_document, "kaz.md", "made against document 'other-conference', not 'almaty-2012-recommendations'"),
    (_other_profile, "kaz.docx", "does not know (original of almaty-2012-recommendations"),
    (_unrelated, "kaz.txt", "does not know (best match"),
], ids=["unknown-hash", "other-document", "other-text", "unrelated-text"])
def test_a_file_made_against_an_unknown_text_is_refused(ws: Path, base: Base, tmp_path: Path, make, name: str,
                                                        message: str) -> None:
    path = tmp_path / name
    make(base, path)
    before = counts(ws)
    with pytest.raises(DraftingInputError, match=re.escape(message)) as info:
        api.submit(ws, "KAZ", path)
    assert str(info.value).startswith(f"{path}: made against") and "\n" not in str(info.value)
    assert counts(ws) == before


def test_a_text_without_identity_is_matched_by_best_match_and_flagged(ws: Path, base: Base, tmp_path: Path) -> None:
    txt = tmp_path / "kazakhstan.txt"
    txt.write_text(text_paragraphs(base).replace("in Almaty;", "in Astana;"), encoding="utf-8")
    result = api.submit(ws, "KAZ", txt)
    assert result.matched_by == "best-match" and result.revision == 0
    assert 0.9 < result.similarity < 1.0
    event = events(ws)[-1]
    assert event["detail"]["matched_by"] == "best-match" and event["detail"]["format"] == "txt"
    [amendment] = amendments_of(ws)
    assert (amendment["paragraph"], amendment["old"], amendment["new"], amendment["tracked"]) == (
        "secretariat_seat", "Almaty", "Astana", False)


def test_an_untracked_edit_in_a_tracked_docx_is_recorded_as_untracked(ws: Path, base: Base, tmp_path: Path) -> None:
    edited = edit_md(base.md, tmp_path / "edited.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))])
    tracked = tmp_path / "tracked.docx"
    api.redline(base.docx, edited, tracked, author="Kazakhstan")
    both = untracked_docx_edit(tracked, tmp_path / "kazakhstan.docx", " the draft Regional Cooperation Framework",
                               " the revised Regional Cooperation Framework")
    result = api.submit(ws, "KAZ", both)
    assert result.matched_by == "identity" and result.amendments == 2
    found = {a["paragraph"]: a for a in amendments_of(ws)}
    assert (found["secretariat_seat"]["new"], found["secretariat_seat"]["tracked"]) == ("Astana", True)
    assert (found["endorse_rcf"]["old"], found["endorse_rcf"]["new"], found["endorse_rcf"]["tracked"]) == (
        "draft", "revised", False)
    assert found["endorse_rcf"]["delegation"] == "Kazakhstan"
    assert events(ws)[-1]["detail"]["untracked"] == 1


def test_a_later_submission_supersedes_the_earlier_even_when_clean(ws: Path, base: Base, tmp_path: Path) -> None:
    first = edit_md(base.md, tmp_path / "first.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))])
    second = edit_md(base.md, tmp_path / "second.md", [(RAP, RAP.replace("draft", "revised"))])
    api.submit(ws, "KAZ", first)
    api.submit(ws, "KAZ", second)
    assert [(a["paragraph"], a["new"], a["active"]) for a in amendments_of(ws)] == [
        ("endorse_rap", "revised", True), ("secretariat_seat", "Astana", False)]
    api.submit(ws, "KAZ", base.md)  # the delegation now accepts the text as it stands
    assert [a["active"] for a in amendments_of(ws)] == [False, False]
    assert api.status_report(ws)["delegations"] == []
    assert counts(ws)["submissions"] == 3


def test_an_open_workspace_reads_the_one_snapshot_its_check_verified(ws: Path, base: Base, tmp_path: Path) -> None:
    """Every query of one opening sees the state the open-time check verified: a submission another clerk
    commits meanwhile is seen whole or not at all. (Before, `live_amendments` read the submissions, then the
    amendments, and one committed between the two queries gave amendments of a submission it had not seen:
    a KeyError in the portal's benchmark.)"""
    kaz = edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))])
    tjk = edit_md(base.md, tmp_path / "tjk.md", [(RAP, RAP.replace("draft", "revised"))])
    api.submit(ws, "KAZ", kaz)
    with api.open_workspace(ws) as workspace:
        seen = {row.delegation for row in workspace.store.submissions()}
        recorded = len(workspace.events())
        api.submit(ws, "TJK", tjk)  # another connection commits between two reads of this opening
        live, _ = workspace.live_amendments()
        assert {a.delegation for a in live} == seen == {"Kazakhstan"}
        assert len(workspace.events()) == recorded
        assert {p.attribution for e in workspace.compilation().entries for p in e.proposals} == {"Kazakhstan"}
        workspace.mark("chapeau", "agreed", actor="clerk")  # a write checks and takes the latest state
        assert {a.delegation for a in workspace.live_amendments()[0]} == {"Kazakhstan", "Tajikistan"}
    check_record(ws)


@pytest.mark.parametrize(("name", "message"), [
    ("", "must not be empty"),
    ("   ", "must not be empty"),
    ("Kazakh\x1bstan", "contains control characters"),
    ("line\nbreak", "contains control characters"),
    ("nul\x00byte", "contains control characters"),
    ("x" * (MAX_DELEGATION_NAME + 1), "longer than"),
])
def test_unusable_delegation_names_are_refused(ws: Path, base: Base, name: str, message: str) -> None:
    with pytest.raises(DraftingInputError, match=message) as info:
        api.submit(ws, name, base.md)
    assert "\x1b" not in str(info.value) and "\x00" not in str(info.value) and "\n" not in str(info.value)
    assert counts(ws)["submissions"] == 0


def test_delegation_names_are_normalised() -> None:
    assert clean_delegation("  Republic   of Turkey ") == "Republic of Turkey"
    decomposed = unicodedata.normalize("NFD", "Türkiye")
    assert clean_delegation(decomposed) == "Türkiye" and decomposed != "Türkiye"


# -- decisions and statuses ---------------------------------------------------------------------------------


def test_decide_and_mark_refuse_what_does_not_exist(ws: Path, base: Base, tmp_path: Path) -> None:
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana")),
                                                                  (RAP, RAP.replace("draft", "revised"))]))
    before = counts(ws)
    with pytest.raises(DraftingStateError, match="no amendment 'Anope'"):
        api.decide(ws, "Anope", "accept")
    with pytest.raises(DraftingStateError, match="ambiguous"):
        api.decide(ws, "A", "accept")
    with pytest.raises(DraftingStateError, match="no amendment"):
        api.decide(ws, "", "accept")
    with pytest.raises(DraftingInputError, match="decision must be one of"):
        api.decide(ws, amendments_of(ws)[0]["id"], "approve")
    with pytest.raises(DraftingStateError, match="no paragraph 'nowhere'"):
        api.mark(ws, "nowhere", "agreed")
    with pytest.raises(DraftingInputError, match="status must be one of"):
        api.mark(ws, "endorse_rcf", "done")
    assert counts(ws) == before


def test_decisions_by_unique_prefix_latest_wins(ws: Path, base: Base, tmp_path: Path) -> None:
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    [amendment] = amendments_of(ws)
    api.decide(ws, amendment["id"][:6], "accept", note="first reading", actor="chair")
    api.decide(ws, amendment["id"], "reject", note="second reading", actor="chair")
    [now] = amendments_of(ws)
    assert (now["decision"], now["note"], now["active"]) == ("reject", "second reading", False)
    decisions = [e for e in events(ws) if e["kind"] == "decision"]
    assert [(e["detail"]["decision"], e["actor"], e["subject"]) for e in decisions] == [
        ("accept", "chair", "KAZ/1"), ("reject", "chair", "KAZ/1")]
    assert {e["detail"]["amendment"] for e in decisions} == {amendment["id"]}


# -- revise ---------------------------------------------------------------------------------------------------

NEW_ACCEPTED = "Invite the secretariat to report annually;"
NEW_OPEN = "Also agree to meet annually."


@pytest.fixture
def decided(ws: Path, base: Base, tmp_path: Path) -> dict[str, str]:
    """Four delegations; one accepted change, one accepted new paragraph, one accepted deletion, one rejected,
    one withdrawn, and an open change and an open new paragraph. Returns the amendment ids by role."""
    files = {
        "KAZ": edit_md(base.md, tmp_path / "kaz.md", [(RCF, RCF.replace("draft", "updated"))],
                       [("secretariat_seat", NEW_ACCEPTED)]),
        "TJK": edit_md(base.md, tmp_path / "tjk.md", [(RAP, RAP.replace("draft", "revised"))],
                       delete=["endorse_structures"]),
        "KGZ": edit_md(base.md, tmp_path / "kgz.md", [(LAUNCH, LAUNCH.replace("Formally launch",
                                                                             "Formally and solemnly launch"))]),
        "TKM": edit_md(base.md, tmp_path / "tkm.md", [(SEAT, SEAT.replace("in Almaty", "in Ashgabat"))],
                       [("ministerial_conference_c", NEW_OPEN)]),
    }
    for name, path in files.items():
        api.submit(ws, name, path, actor="clerk")
    by = {(a["delegation"], a["paragraph"]): a["id"] for a in amendments_of(ws)}
    ids = {
        "accepted": by[("Kazakhstan", "endorse_rcf")],
        "accepted_new": by[("Kazakhstan", "secretariat_seat")],
        "accepted_delete": by[("Tajikistan", "endorse_structures")],
        "rejected": by[("Tajikistan", "endorse_rap")],
        "withdrawn": by[("Kyrgyzstan", "ministerial_conference_b")],
        "open": by[("Turkmenistan", "secretariat_seat")],
        "open_new": by[("Turkmenistan", "ministerial_conference_c")],
    }
    for key, decision in [("accepted", "accept"), ("accepted_new", "accept"), ("accepted_delete", "accept"),
                          ("rejected", "reject"), ("withdrawn", "withdraw")]:
        api.decide(ws, ids[key], decision, actor="chair")
    api.mark(ws, "endorse_rap", "agreed-ad-ref", actor="chair")
    api.mark(ws, "follow_up", "agreed", actor="chair")
    return ids


def test_revise_applies_exactly_the_accepted_amendments(ws: Path, base: Base, tmp_path: Path,
                                                        decided: dict[str, str]) -> None:
    original, _ = document(ws)
    written, revision = api.revise(ws, tmp_path / "rev1", actor="chair")
    assert sorted(p.name for p in written) == ["recommendations-rev1.docx",
                                               "recommendations-rev1.md"]
    assert set(revision.applied) == {decided["accepted"], decided["accepted_new"], decided["accepted_delete"]}
    assert set(revision.bracketed) == {decided["open"], decided["open_new"]}
    assert revision.notes == ()
    revised, statuses = document(ws)
    assert revised.meta.revision == 1 and revised.meta.document_id == original.meta.document_id
    new_accepted = "new_" + decided["accepted_new"][1:].lower()
    new_open = "new_" + decided["open_new"][1:].lower()

    # ids: stable, in order; the deleted paragraph gone, the new ones after their anchors
    expected_ids = [pid for pid in original.ids if pid != "endorse_structures"]
    expected_ids.insert(expected_ids.index("secretariat_seat") + 1, new_accepted)
    expected_ids.insert(expected_ids.index("ministerial_conference_c") + 1, new_open)
    assert list(revised.ids) == expected_ids

    # texts: exactly the accepted changes; the open ones in square brackets; everything else untouched
    expected = {p.id: p.text for p in original.paragraphs}
    expected["endorse_rcf"] = RCF.replace("draft", "updated")
    expected["secretariat_seat"] = SEAT_TEXT.replace("in Almaty", "in [Almaty][Ashgabat]")
    expected[new_accepted] = NEW_ACCEPTED
    expected[new_open] = f"[{NEW_OPEN}]"
    assert {p.id: p.text for p in revised.paragraphs} == {pid: expected[pid] for pid in expected_ids}
    assert revised.paragraph("endorse_rap").text == RAP  # rejected
    assert revised.paragraph("ministerial_conference_b").text == LAUNCH.replace("*", "")  # withdrawn

    # numbering: 3 deleted, so 4 → 3, 5 → 4; the accepted new paragraph is 5; the open one is bis after 7
    labels = {p.id: p.label for p in revised.paragraphs}
    assert labels["endorse_rcf"] == "- 1 -" and labels["endorse_rap"] == "- 2 -"
    assert labels["initial_members"] == "- 3 -" and labels["secretariat_seat"] == "- 4 -"
    assert labels[new_accepted] == "- 5 -" and labels["request_support"] == "- 6 -"
    assert labels["ministerial_conference"] == "- 7 -"
    assert labels[new_open] == "- 7 bis -" and revised.paragraph(new_open).proposed
    assert not revised.paragraph(new_accepted).proposed

    # statuses carried; bracketed where brackets are
    assert statuses["endorse_rap"] == "agreed-ad-ref" and statuses["follow_up"] == "agreed"
    assert statuses["secretariat_seat"] == "bracketed" and statuses[new_open] == "bracketed"
    assert statuses["endorse_rcf"] == "pending"

    # the written Markdown is the revision, carrying its identity
    md = (tmp_path / "rev1" / "recommendations-rev1.md").read_text(encoding="utf-8")
    assert "document=almaty-2012-recommendations revision=1" in md
    assert "\\- 5 - Invite the secretariat to report annually;" in md
    assert "Endorse the draft paper" not in md
    issued = [e for e in events(ws) if e["kind"] == "revision-issued"]
    assert [(e["subject"], e["actor"]) for e in issued] == [("original", SECRETARIAT), ("Rev.1", "chair")]
    assert set(issued[-1]["detail"]["applied"]) == set(revision.applied)
    check_record(ws)


def test_the_next_round_is_made_against_the_new_revision(ws: Path, base: Base, tmp_path: Path,
                                                         decided: dict[str, str]) -> None:
    old_round = edit_md(base.md, tmp_path / "late.md", [(SUPPORT, SUPPORT.replace("initial", "early"))])
    api.revise(ws, tmp_path / "rev1")
    rev1_md = tmp_path / "rev1" / "recommendations-rev1.md"
    updated = RCF.replace("draft", "updated")
    round2 = edit_md(rev1_md, tmp_path / "round2.md", [(updated, updated + " 2013–2015")])
    result = api.submit(ws, "KAZ", round2)
    assert (result.revision, result.matched_by, result.current, result.amendments) == (1, "identity", True, 1)
    late = api.submit(ws, "TJK", old_round)
    assert (late.revision, late.matched_by, late.current) == (0, "identity", False)
    report = api.status_report(ws)
    assert report["label"] == "Rev.1" and report["delegations"] == ["Kazakhstan"]
    [amendment] = [a for p in report["paragraphs"] for a in p["amendments"] if not a["bracketed"]]
    assert (amendment["new"], amendment["delegation"]) == (" 2013–2015", "Kazakhstan")
    bracketed = {a["number"] for p in report["paragraphs"] for a in p["amendments"] + p["proposed_after"]
                 if a["bracketed"]}
    assert bracketed == {"TKM/1", "TKM/2"}  # the open questions of the first round, decidable on Rev.1
    rev1_docx = tmp_path / "rev1" / "recommendations-rev1.docx"
    assert api.submit(ws, "KGZ", rev1_docx).revision == 1  # the issued Rev.1 .docx carries its identity
    txt = tmp_path / "rev1.txt"
    txt.write_text("\n\n".join(api.text_of(rev1_docx)).replace("annually", "every year") + "\n", encoding="utf-8")
    best = api.submit(ws, "TKM", txt)
    assert (best.revision, best.matched_by) == (1, "best-match")


def test_revise_refuses_overlapping_accepted_amendments(ws: Path, base: Base, tmp_path: Path) -> None:
    api.submit(ws, "KAZ", edit_md(base.md, tmp_path / "kaz.md", [(SEAT, SEAT.replace("in Almaty", "in Astana"))]))
    api.submit(ws, "TJK", edit_md(base.md, tmp_path / "tjk.md", [(SEAT, SEAT.replace("in Almaty", "in Dushanbe"))]))
    for amendment in amendments_of(ws):
        api.decide(ws, amendment["id"], "accept")
    before = counts(ws)
    with pytest.raises(DraftingStateError, match="overlap in paragraph secretariat_seat"):
        api.revise(ws, tmp_path / "rev1")
    assert counts(ws) == before
    assert not (tmp_path / "rev1").exists()
