"""drafting.readers.amendments through drafting.app.list_amendments: every change as an attributed amendment.

Three sources of tracked changes: LibreOffice itself (recorded through UNO with a set author), Word's own
markup built by hand from ECMA-376 §17.13 (runs split mid-word, rsids, proofErr, bookmarks inside changes,
moves with range markers, paragraph-mark revisions, comments), and our own redlines. Untracked changes
(Track Changes forgotten) are found by comparing the submission's original view with the base.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest

from drafting.app import assemble_to, default_registry, list_amendments, text_of
from drafting.model.document import Amendment, AmendmentKind
from drafting.readers.amendments import amendment_id, delegation_of
from drafting.readers.files import load_submission
from tests.conftest import ALMATY_SPEC
from tests.fixtures import evil

K = AmendmentKind
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = 'w:author="Kazakhstan" w:date="2024-05-01T10:00:00Z"'
B = 'w:author="KGZ" w:date="2024-05-02T11:30:00Z"'
C = 'w:author="Jane Smith" w:date="2024-05-03T09:15:00Z"'
DATE_A, DATE_B, DATE_C = "2024-05-01T10:00:00Z", "2024-05-02T11:30:00Z", "2024-05-03T09:15:00Z"


def norm(text: str) -> str:
    return " ".join(text.split())


def summary(amendments: Sequence[Amendment]) -> list[tuple]:
    """(kind, delegation, paragraph, old, new) of each amendment, in order."""
    return [(a.kind, a.delegation, a.paragraph, a.old, a.new) for a in amendments]


def check_positions(amendments: Sequence[Amendment], original: dict[str, str], accepted: dict[str, str]) -> None:
    """Positions are offsets in the base paragraph: the old text is there, and applying every inline amendment
    of a paragraph to its original text gives its accepted text."""
    by_paragraph: dict[str, list[Amendment]] = {}
    for a in amendments:
        if a.kind in (K.INSERT, K.DELETE, K.REPLACE):
            assert a.paragraph is not None, a
            text = original[a.paragraph]
            assert text[a.position:a.position + len(a.old)] == a.old, (a, text)
            by_paragraph.setdefault(a.paragraph, []).append(a)
    for pid, found in by_paragraph.items():
        text = original[pid]
        for a in sorted(found, key=lambda a: a.position, reverse=True):
            text = text[:a.position] + a.new + text[a.position + len(a.old):]
        assert norm(text) == norm(accepted[pid]), pid


@pytest.fixture(scope="module")
def almaty(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("almaty")
    assemble_to(ALMATY_SPEC, out, ("md", "docx"))
    return out / "recommendations.docx"


@pytest.fixture(scope="module")
def base_texts(almaty) -> dict[str, str]:
    version, _ = load_submission(almaty)
    ids = [p.id for p in version.paragraphs]
    assert None not in ids  # every paragraph of our own document carries its id
    return {p.id: p.text for p in version.paragraphs if p.id is not None}


def by_id(path: Path, view: str) -> dict[str, str]:
    version, _ = load_submission(path)
    return {p.id: p.text for p in version.view(view) if p.id}


# -- documents in which LibreOffice recorded the changes ------------------------------------------------------


@dataclass(frozen=True)
class Recording:
    author: str
    ops: tuple[dict, ...]


RECORDINGS = {
    "words": Recording("Kazakhstan", (
        {"op": "replace", "old": "the draft Regional Action Plan", "new": "the revised Regional Action Plan"},
        {"op": "insert", "after": "Formally launch the", "text": " renewed"},
        {"op": "delete", "text": " steering committee,"},
    )),
    "paragraphs": Recording("KAZ", (
        {"op": "insert_paragraph", "after_paragraph": 12, "text": "Welcome the offer of Kazakhstan to host the "
                                                                  "secretariat"},
        {"op": "delete_paragraph", "index": 20},
    )),
    "split": Recording("Delegation of Kyrgyzstan", ({"op": "split", "paragraph": 26, "at": "Meanwhile, UNHCR"},)),
    "first-and-last": Recording("Ministry of Foreign Affairs of Tajikistan", (
        {"op": "delete_paragraph", "index": 27}, {"op": "delete_paragraph", "index": 0})),
}


@dataclass(frozen=True)
class Recorded:
    path: Path
    redlines: list[dict]
    accepted: list[str]
    rejected: list[str]


@pytest.fixture(scope="module")
def recorded(almaty, tmp_path_factory, libreoffice) -> dict[str, Recorded]:
    """Each recording made by LibreOffice on the Almaty .docx, with LibreOffice's Accept All / Reject All."""
    out = tmp_path_factory.mktemp("recorded")
    result = {}
    for name, recording in RECORDINGS.items():
        path = out / f"{name}.docx"
        reds = libreoffice.record_changes(almaty, path, recording.author, list(recording.ops))
        result[name] = Recorded(path, reds, [norm(t) for t in libreoffice.paragraphs(path, "accept")],
                                [norm(t) for t in libreoffice.paragraphs(path, "reject")])
    return result


def expected_recorded(base: dict[str, str]) -> dict[str, list[tuple]]:
    return {
        "words": [
            (K.REPLACE, "Kazakhstan", "endorse_rap", "the draft Regional Action Plan",
             "the revised Regional Action Plan"),
            (K.DELETE, "Kazakhstan", "endorse_structures", " steering committee,", ""),
            (K.INSERT, "Kazakhstan", "ministerial_conference_b", "", " renewed"),
        ],
        "paragraphs": [
            (K.PARAGRAPH_INSERT, "Kazakhstan", "endorse_rap", "", "Welcome the offer of Kazakhstan to host the "
                                                                 "secretariat"),
            (K.PARAGRAPH_DELETE, "Kazakhstan", "open_membership", base["open_membership"], ""),
        ],
        "split": [(K.SPLIT, "Kyrgyzstan", "follow_up", "", "")],
        "first-and-last": sorted([
            (K.PARAGRAPH_DELETE, "Tajikistan", "title", base["title"], ""),
            (K.PARAGRAPH_DELETE, "Tajikistan", "place_date", base["place_date"], ""),
        ]),
    }


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(RECORDINGS))
def test_libreoffice_recorded_changes_become_the_right_amendments(name, recorded, almaty, base_texts):
    rec = recorded[name]
    found = list_amendments(rec.path)
    expected = expected_recorded(base_texts)[name]
    got = summary(found)
    assert (sorted(got) if name == "first-and-last" else got) == expected
    author = RECORDINGS[name].author
    lo_dates = {r["date"][:19] for r in rec.redlines}
    for a in found:
        assert a.author == author and a.tracked
        assert a.code == {"Kazakhstan": "KAZ", "Kyrgyzstan": "KGZ", "Tajikistan": "TJK"}[a.delegation]
        assert a.date is not None and a.date[:19] in lo_dates
        assert a.paragraph in base_texts
    check_positions(found, base_texts, by_id(rec.path, "accepted"))
    if name == "split":  # the break goes where LibreOffice put it, before "Meanwhile"
        assert [a.position for a in found] == [base_texts["follow_up"].index("Meanwhile")]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(RECORDINGS))
def test_our_views_of_a_libreoffice_recording_are_its_accept_all_and_reject_all(name, recorded, base_texts):
    rec = recorded[name]
    assert text_of(rec.path, "accepted") == rec.accepted
    assert text_of(rec.path, "original") == rec.rejected
    assert rec.rejected == [norm(t) for t in base_texts.values()]


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(RECORDINGS))
def test_a_faithful_recording_has_no_untracked_amendment(name, recorded, almaty):
    found = list_amendments(recorded[name].path, base=almaty, delegation="Kazakhstan")
    assert found and all(a.tracked for a in found)
    assert [a.id for a in found] == [a.id for a in list_amendments(recorded[name].path)]


def _rewrite_member(path: Path, out: Path, name: str, old: str, new: str) -> Path:
    """Copy the package at `path` to `out` with `old` replaced by `new` once in member `name`."""
    with zipfile.ZipFile(path) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    text = members[name].decode("utf-8")
    assert text.count(old) == 1, old
    members[name] = text.replace(old, new).encode("utf-8")
    out.write_bytes(evil.zip_members(members))
    return out


@pytest.mark.libreoffice
def test_an_edit_made_with_recording_off_is_an_untracked_amendment(recorded, almaty, base_texts, tmp_path):
    """Kazakhstan recorded three changes in LibreOffice, then changed one word with Track Changes off."""
    path = _rewrite_member(recorded["words"].path, tmp_path / "partly-tracked.docx", "word/document.xml",
                           ">Tajikistan<", ">Tadjikistan<")
    tracked = list_amendments(path)
    assert summary(tracked) == expected_recorded(base_texts)["words"]  # invisible without a base
    found = list_amendments(path, base=almaty, delegation="Delegation of Kazakhstan")
    assert summary(found[:3]) == summary(tracked) and all(a.tracked for a in found[:3])
    untracked = found[3:]
    assert summary(untracked) == [(K.REPLACE, "Kazakhstan", "initial_members_tjk", "Tajikistan", "Tadjikistan")]
    assert untracked[0].tracked is False and untracked[0].code == "KAZ"
    assert untracked[0].author == "Delegation of Kazakhstan"
    # without --delegation, untracked changes go to the submission's main author
    assert [(a.delegation, a.tracked) for a in list_amendments(path, base=almaty)[3:]] == [("Kazakhstan", False)]
    # the accepted view has the untracked edit; the original view differs from the base by it
    assert by_id(path, "original")["initial_members_tjk"] == "Tadjikistan"
    check_positions(found, base_texts, by_id(path, "accepted"))


# -- clean edited files: everything untracked -----------------------------------------------------------------


def clean_edit(almaty: Path, out: Path, *, drop_ids: bool = False) -> Path:
    """A delegation edited the .docx with Track Changes off (python-docx, no revision markup at all)."""
    document = docx.Document(str(almaty))
    ps = document.paragraphs
    ps[12].runs[1].text = ps[12].runs[1].text.replace("draft", "revised")
    ps[19]._p.getparent().remove(ps[19]._p)
    ps[24].insert_paragraph_before("A brand new paragraph on funding.")
    ps[26].runs[0].text = ps[26].runs[0].text.replace(" Meanwhile,", "")
    ps[21].runs[1].text = ps[21].runs[1].text.replace("UNHCR and IOM", "UNHCR, IOM and OSCE")
    if drop_ids:
        for tag in ("bookmarkStart", "bookmarkEnd"):
            for el in list(document.element.body.iter(W + tag)):
                el.getparent().remove(el)
    buf = io.BytesIO()
    document.save(buf)
    out.write_bytes(buf.getvalue())
    return out


CLEAN_EXPECTED = [
    (K.REPLACE, "Kyrgyzstan", "endorse_rap", "draft", "revised"),
    (K.PARAGRAPH_DELETE, "Kyrgyzstan", "open_membership", None, ""),
    (K.INSERT, "Kyrgyzstan", "request_support", "", ", IOM"),
    (K.REPLACE, "Kyrgyzstan", "request_support", "IOM", "OSCE"),
    (K.PARAGRAPH_INSERT, "Kyrgyzstan", "ministerial_conference_a", "", "A brand new paragraph on funding."),
    (K.DELETE, "Kyrgyzstan", "follow_up", "Meanwhile, ", ""),
]


@pytest.mark.parametrize("drop_ids", [False, True], ids=["with-ids", "ids-dropped"])
def test_a_clean_edited_docx_gives_untracked_amendments_for_the_delegation(almaty, base_texts, tmp_path, drop_ids):
    path = clean_edit(almaty, tmp_path / "clean.docx", drop_ids=drop_ids)
    assert list_amendments(path) == []  # no tracked change at all
    found = list_amendments(path, base=almaty, delegation="KGZ")
    expected = [(k, d, p, base_texts[p] if o is None else o, n) for k, d, p, o, n in CLEAN_EXPECTED]
    assert summary(found) == expected
    assert all(a.tracked is False and a.code == "KGZ" and a.author == "KGZ" and a.date is None for a in found)
    check_positions(found, base_texts, by_id(clean_edit(almaty, tmp_path / "ids.docx"), "accepted"))
    insert = next(a for a in found if a.kind is K.PARAGRAPH_INSERT)
    assert insert.context == "after"


def test_text_submissions_are_compared_with_the_base(almaty, base_texts, tmp_path):
    lines = list(base_texts.values())
    lines[11] = lines[11].replace("Cooperation Framework", "Cooperation Framework as amended")
    del lines[5]
    lines.insert(0, "Draft of 1 September 2012")
    path = tmp_path / "edited.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    found = list_amendments(path, base=almaty, delegation="Turkmenistan")
    assert summary(found) == [
        (K.PARAGRAPH_INSERT, "Turkmenistan", None, "", "Draft of 1 September 2012"),
        (K.PARAGRAPH_DELETE, "Turkmenistan", "protection_commitments", base_texts["protection_commitments"], ""),
        (K.INSERT, "Turkmenistan", "endorse_rcf", "", " as amended"),
    ]
    assert found[0].context == "at start"
    assert list_amendments(path) == []


@pytest.mark.parametrize("new_text", ["Beta paragraph two.", "Beta paragraph two, amended."],
                         ids=["moved", "moved-and-edited"])
def test_an_untracked_move_is_reported_as_a_move(tmp_path, new_text):
    blocks = {"a": "Alpha paragraph one.", "b": "Beta paragraph two.", "c": "Gamma paragraph three.", "d": "Delta."}
    base = tmp_path / "base.md"
    base.write_text("".join(f"<!-- dp:{k} -->\n{v}\n\n" for k, v in blocks.items()), encoding="utf-8")
    moved = {"a": blocks["a"], "c": blocks["c"], "d": blocks["d"], "b": new_text}
    sub = tmp_path / "sub.md"
    sub.write_text("".join(f"<!-- dp:{k} -->\n{v}\n\n" for k, v in moved.items()), encoding="utf-8")
    (move,) = list_amendments(sub, base=base, delegation="Kazakhstan")
    assert (move.kind, move.paragraph, move.old, move.new, move.tracked) == (
        K.MOVE, "b", "Beta paragraph two.", new_text, False)
    assert move.context == "moved after d"


def test_the_base_compared_with_itself_gives_nothing(almaty):
    assert list_amendments(almaty, base=almaty) == []
    assert list_amendments(almaty.with_suffix(".md"), base=almaty) == []


# -- Word's own markup, built by hand from ECMA-376 §17.13 ----------------------------------------------------


def word_docx(body: str, comments: str | None = None) -> bytes:
    """The python-docx sample package with a hand-written body (and comments part)."""
    members = evil.read_members(evil.clean_docx())
    members[evil.DOC] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        f'<w:body>{body}<w:sectPr w:rsidR="00FC693F"/></w:body></w:document>'
    ).encode()
    if comments is not None:
        evil.add_word_part(members, "comments", "comments", comments, "rId901")
    return evil.zip_members(members)


def r(text: str, rsid: str = "", tag: str = "t", rpr: str = "") -> str:
    rs = f' w:rsidR="{rsid}" w:rsidRPr="{rsid}"' if rsid else ""
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r{rs}>{props}<w:{tag} xml:space="preserve">{text}</w:{tag}></w:r>'


def ins(inner: str, rid: int, who: str = A) -> str:
    return f'<w:ins w:id="{rid}" {who}>{inner}</w:ins>'


def dl(inner: str, rid: int, who: str = A) -> str:
    return f'<w:del w:id="{rid}" {who}>{inner}</w:del>'


def mark(kind: str, rid: int, who: str = A) -> str:
    return f'<w:rPr><w:{kind} w:id="{rid}" {who}/></w:rPr>'


def p(pid: str | None, inner: str, ppr: str = "", bid: int = 0) -> str:
    """A paragraph with Word's rsid attributes and, when `pid` is given, our id bookmark."""
    bookmark = f'<w:bookmarkStart w:id="{bid}" w:name="dp_{pid}"/><w:bookmarkEnd w:id="{bid}"/>' if pid else ""
    props = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    return f'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3" w:rsidP="00D4E5F6">{props}{bookmark}{inner}</w:p>'


@dataclass(frozen=True)
class WordCase:
    body: str
    accepted: list[str]
    original: list[str]
    amendments: list[tuple]  # (kind, delegation, paragraph, old, new, position, date)
    comments: str | None = None


COMMENT = (f'<w:comment w:id="0" {B} w:initials="KG"><w:p><w:r><w:annotationRef/></w:r>'
           "<w:r><w:t>Bracketed pending consultations.</w:t></w:r></w:p></w:comment>")

WORD_CASES = {
    "runs-split-mid-word": WordCase(
        p("op1", r("The Confer", "00B1") + r("ence ", "00B2") + '<w:proofErr w:type="spellStart"/>'
          + dl(r("ur", "00C1", "delText") + r("ges", "00C2", "delText"), 1) + '<w:proofErr w:type="spellEnd"/>'
          + ins(r("calls ", "00D1") + r("upon", "00D2"), 2) + r(" all States to ratify the Conven", "00E1")
          + r("tion.", "00E2"), bid=90),
        ["The Conference calls upon all States to ratify the Convention."],
        ["The Conference urges all States to ratify the Convention."],
        [(K.REPLACE, "Kazakhstan", "op1", "urges", "calls upon", 15, DATE_A)],
    ),
    "bookmark-inside-changes": WordCase(
        "<w:p>" + dl('<w:bookmarkStart w:id="7" w:name="dp_op2"/>' + r("Recalling", tag="delText"), 3)
        + ins(r("Recalling also") + '<w:bookmarkEnd w:id="7"/>', 4) + r(" its resolution 1/1.")
        + '<w:bookmarkStart w:id="8" w:name="_GoBack"/><w:bookmarkEnd w:id="8"/></w:p>',
        ["Recalling also its resolution 1/1."],
        ["Recalling its resolution 1/1."],
        [(K.REPLACE, "Kazakhstan", "op2", "Recalling", "Recalling also", 0, DATE_A)],
    ),
    "two-authors-in-one-place": WordCase(
        p("op1", r("The Conference ") + dl(r("urges", tag="delText"), 5) + ins(r("calls upon"), 6, B)
          + r(" all States") + ins(r(" concerned"), 7, C) + r("."), bid=91),
        ["The Conference calls upon all States concerned."],
        ["The Conference urges all States."],
        [(K.DELETE, "Kazakhstan", "op1", "urges", "", 15, DATE_A),
         (K.INSERT, "Kyrgyzstan", "op1", "", "calls upon", 20, DATE_B),
         (K.INSERT, "Jane Smith", "op1", "", " concerned", 31, DATE_C)],
    ),
    "inline-move": WordCase(
        p("op1", r("Decides ") + f'<w:moveFromRangeStart w:id="30" w:name="move30" {A}/>'
          + f'<w:moveFrom w:id="31" {A}>{r("urgently ")}</w:moveFrom><w:moveFromRangeEnd w:id="30"/>'
          + r("to act") + f'<w:moveToRangeStart w:id="32" w:name="move30" {A}/>'
          + f'<w:moveTo w:id="33" {A}>{r(" urgently")}</w:moveTo><w:moveToRangeEnd w:id="32"/>' + r("."), bid=92),
        ["Decides to act urgently."],
        ["Decides urgently to act."],
        [(K.MOVE, "Kazakhstan", "op1", "urgently ", " urgently", 8, DATE_A)],
    ),
    "paragraph-move": WordCase(
        p("op1", r("First paragraph stays."), bid=93)
        + f'<w:moveFromRangeStart w:id="20" w:name="move20" {B}/>'
        + p("op2", f'<w:moveFrom w:id="21" {B}>{r("Moved operative paragraph.")}</w:moveFrom>',
            mark("moveFrom", 22, B), bid=94)
        + '<w:moveFromRangeEnd w:id="20"/>'
        + p("op3", r("Third paragraph stays."), bid=95)
        + f'<w:moveToRangeStart w:id="23" w:name="move20" {B}/>'
        + p(None, f'<w:moveTo w:id="24" {B}>{r("Moved operative paragraph.")}</w:moveTo>', mark("moveTo", 25, B))
        + '<w:moveToRangeEnd w:id="23"/>'
        + p("op4", r("Last paragraph."), bid=96),
        ["First paragraph stays.", "Third paragraph stays.", "Moved operative paragraph.", "Last paragraph."],
        ["First paragraph stays.", "Moved operative paragraph.", "Third paragraph stays.", "Last paragraph."],
        [(K.MOVE, "Kyrgyzstan", "op2", "Moved operative paragraph.", "Moved operative paragraph.", 0, DATE_B)],
    ),
    "paragraph-marks": WordCase(
        p("op1", r("Kept."), bid=80)
        + p(None, ins(r("Inserted paragraph."), 41), mark("ins", 40))
        + p("op2", dl(r("Deleted paragraph.", tag="delText"), 43), mark("del", 42), bid=81)
        + p("op3", r("Split here, "), mark("ins", 44), bid=82)
        + p(None, r("and continued."))
        + p("op4", r("Joined "), mark("del", 45, B), bid=83)
        + p("op5", r("together."), bid=84),
        ["Kept.", "Inserted paragraph.", "Split here,", "and continued.", "Joined together."],
        ["Kept.", "Deleted paragraph.", "Split here, and continued.", "Joined", "together."],
        [(K.PARAGRAPH_INSERT, "Kazakhstan", "op1", "", "Inserted paragraph.", 0, DATE_A),
         (K.PARAGRAPH_DELETE, "Kazakhstan", "op2", "Deleted paragraph.", "", 0, DATE_A),
         (K.SPLIT, "Kazakhstan", "op3", "", "", 12, DATE_A),
         (K.JOIN, "Kyrgyzstan", "op4", "", "", 7, DATE_B)],
    ),
    "new-first-paragraph": WordCase(
        p(None, ins(r("Preamble"), 61), mark("ins", 60)) + p("op1", r("Text."), bid=85),
        ["Preamble", "Text."],
        ["Text."],
        [(K.PARAGRAPH_INSERT, "Kazakhstan", None, "", "Preamble", 0, DATE_A)],
    ),
    "last-paragraph-deleted": WordCase(
        p("op1", r("Kept."), bid=86) + p("op2", r("Second."), mark("del", 50), bid=87)
        + p("op3", dl(r("Last.", tag="delText"), 51), bid=88),
        ["Kept.", "Second."],
        ["Kept.", "Second.", "Last."],
        [(K.PARAGRAPH_DELETE, "Kazakhstan", "op3", "Last.", "", 0, DATE_A)],
    ),
    "comment-around-an-insertion": WordCase(
        p("op1", r("The Conference ") + '<w:commentRangeStart w:id="0"/>' + r("notes") + ins(r(" with concern"), 60)
          + '<w:commentRangeEnd w:id="0"/><w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr>'
          + '<w:commentReference w:id="0"/></w:r>' + r(" the report."), bid=89),
        ["The Conference notes with concern the report."],
        ["The Conference notes the report."],
        [(K.INSERT, "Kazakhstan", "op1", "", " with concern", 20, DATE_A)],
        comments=COMMENT,
    ),
    "deleted-inside-an-insertion": WordCase(
        p("op1", r("Kept ") + ins(dl(r("briefly", tag="delText"), 71, B), 70) + r("end."), bid=97),
        ["Kept end."],
        ["Kept end."],
        [],
    ),
    "format-change": WordCase(
        p("op1", r("Plain ") + r("bold now", rpr=f'<w:b/><w:rPrChange w:id="75" {C}><w:rPr/></w:rPrChange>'),
          bid=98),
        ["Plain bold now"],
        ["Plain bold now"],
        [(K.FORMAT, "Jane Smith", "op1", "bold now", "bold now", 6, DATE_C)],
    ),
}


@pytest.fixture(scope="module")
def word_files(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("word")
    paths = {}
    for name, case in WORD_CASES.items():
        paths[name] = out / f"{name}.docx"
        paths[name].write_bytes(word_docx(case.body, case.comments))
    return paths


@pytest.mark.parametrize("name", list(WORD_CASES))
def test_word_markup_gives_the_right_amendments_and_views(name, word_files):
    case, path = WORD_CASES[name], word_files[name]
    found = list_amendments(path)
    assert [(a.kind, a.delegation, a.paragraph, a.old, a.new, a.position, a.date) for a in found] == case.amendments
    assert text_of(path, "accepted") == case.accepted
    assert text_of(path, "original") == case.original
    assert all(a.tracked for a in found)
    assert len({a.id for a in found}) == len(found)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", list(WORD_CASES))
def test_our_views_of_word_markup_agree_with_libreoffice(name, word_files, libreoffice):
    path = word_files[name]
    assert text_of(path, "accepted") == [norm(t) for t in libreoffice.paragraphs(path, "accept")]
    assert text_of(path, "original") == [norm(t) for t in libreoffice.paragraphs(path, "reject")]


def test_the_comment_is_read_with_its_anchor_and_is_no_amendment(word_files):
    _, docx_version = load_submission(word_files["comment-around-an-insertion"])
    assert [(c.author, c.text, c.anchor_text, c.paragraph) for c in docx_version.comments] == [
        ("KGZ", "Bracketed pending consultations.", "notes with concern", 0)]
    assert all("Bracketed" not in a.new for a in list_amendments(word_files["comment-around-an-insertion"]))


def test_whole_paragraph_move_reports_its_destination(word_files):
    (move,) = list_amendments(word_files["paragraph-move"])
    assert move.context == "moved after op3"


def test_an_unmatched_move_source_is_a_deletion(tmp_path):
    path = tmp_path / "unmatched.docx"
    path.write_bytes(word_docx(p("op1", r("Decides ") + f'<w:moveFrom w:id="31" {A}>{r("urgently ")}</w:moveFrom>'
                                   + r("to act."), bid=1)))
    assert summary(list_amendments(path)) == [(K.DELETE, "Kazakhstan", "op1", "urgently ", "")]
    assert text_of(path, "accepted") == ["Decides to act."]


def test_tracked_changes_without_ids_are_placed_by_alignment_with_the_base(tmp_path):
    base = tmp_path / "base.md"
    base.write_text("<!-- dp:intro -->\nThe Conference urges all States.\n\n<!-- dp:close -->\nDone.\n",
                    encoding="utf-8")
    path = tmp_path / "sub.docx"
    path.write_bytes(word_docx(p(None, r("The Conference ") + dl(r("urges", tag="delText"), 1)
                                   + ins(r("calls upon"), 2) + r(" all States.")) + p(None, r("Done."))))
    assert [a.paragraph for a in list_amendments(path)] == [None]
    found = list_amendments(path, base=base)
    assert summary(found) == [(K.REPLACE, "Kazakhstan", "intro", "urges", "calls upon")]


# -- our own redlines read back --------------------------------------------------------------------------------


def test_our_redline_reads_back_as_the_amendments_that_made_it(almaty, base_texts, tmp_path):
    from drafting.app import redline

    edited = clean_edit(almaty, tmp_path / "edited.docx")
    out = tmp_path / "redline.docx"
    redline(almaty, edited, out, author="Delegation of Kyrgyzstan", date=DATE_B)
    tracked = list_amendments(out)
    untracked = list_amendments(edited, base=almaty, delegation="Kyrgyzstan")
    assert summary(tracked) == summary(untracked)
    assert [a.position for a in tracked] == [a.position for a in untracked]
    assert all(a.tracked and a.date == DATE_B and a.code == "KGZ" for a in tracked)
    assert list_amendments(out, base=almaty) == tracked  # its original view is the base


# -- delegations and ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "delegation", "code"),
    [
        ("Kazakhstan", "Kazakhstan", "KAZ"),
        ("KAZ", "Kazakhstan", "KAZ"),
        ("Delegation of Kazakhstan", "Kazakhstan", "KAZ"),
        ("The Permanent Mission of the Republic of Kazakhstan", "Kazakhstan", "KAZ"),
        ("Kazakhstan delegation", "Kazakhstan", "KAZ"),
        ("Республика Казахстан", "Kazakhstan", "KAZ"),
        ("Government of the Kyrgyz Republic", "Kyrgyzstan", "KGZ"),
        ("  Ministry of Foreign Affairs of   Tajikistan ", "Tajikistan", "TJK"),
        ("UNHCR", "UNHCR", "UNHCR"),
        ("Jane Smith", "Jane Smith", None),
        ("", "Unknown", None),
    ],
)
def test_authors_map_to_delegations_through_the_registry(author, delegation, code):
    assert delegation_of(author, default_registry()) == (delegation, code)


def test_amendment_ids_are_stable_and_distinguish_changes(word_files):
    first = [a.id for a in list_amendments(word_files["paragraph-marks"])]
    second = [a.id for a in list_amendments(word_files["paragraph-marks"])]
    assert first == second and len(set(first)) == len(first)
    assert all(re.fullmatch(r"A[0-9a-f]{10}", i) for i in first)
    one = amendment_id("Kazakhstan", "op1", K.INSERT, 3, "", "x", True)
    assert one == amendment_id("Kazakhstan", "op1", K.INSERT, 3, "", "x", True)
    assert one != amendment_id("Kazakhstan", "op1", K.INSERT, 3, "", "x", False)
    assert one != amendment_id("Kyrgyzstan", "op1", K.INSERT, 3, "", "x", True)
    assert one != amendment_id("Kazakhstan", "op1", K.INSERT, 4, "", "x", True)


# -- long inputs: one pass, whatever the length -----------------------------------------------------------------


def test_a_long_run_of_new_paragraphs_by_many_authors_reads_in_order(tmp_path):
    """A text pasted in with Track Changes on: one chain of 400 inserted paragraphs (membership in a chain is
    by index, so this is one pass), each attributed to its own author, registry names folded once per author."""
    authors = ["Kazakhstan", "KGZ", "Delegation of Kazakhstan", "Jane Smith"]
    body = p("op1", r("Decides to act;"), bid=1)
    for n in range(400):
        who = f'w:author="{authors[n % 4]}" w:date="{DATE_A}"'
        body += p(None, ins(r(f"New paragraph {n}."), 5000 + n, who), mark("ins", 1000 + n, who))
    path = tmp_path / "pasted.docx"
    path.write_bytes(word_docx(body + p(None, r("Done."))))
    found = list_amendments(path)
    assert [a.kind for a in found] == [K.PARAGRAPH_INSERT] * 400
    assert [a.new for a in found] == [f"New paragraph {n}." for n in range(400)]
    assert [a.delegation for a in found[:4]] == ["Kazakhstan", "Kyrgyzstan", "Kazakhstan", "Jane Smith"]
    assert [a.code for a in found[:4]] == ["KAZ", "KGZ", "KAZ", None]
    assert all(a.paragraph == "op1" for a in found)
    assert len({a.id for a in found}) == 400
