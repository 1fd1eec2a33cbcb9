"""drafting.ooxml.tracked.write: writing tracked changes Word and LibreOffice accept, and accept/reject-all."""

from __future__ import annotations

import copy
import io
import itertools
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from drafting.ooxml.parser import parse_xml
from drafting.ooxml.tracked.read import ADDED, paragraph_texts, read_body
from drafting.ooxml.tracked.write import (
    Change,
    RevisionIds,
    accept_all,
    apply_changes,
    enable_track_revisions,
    insert_paragraph_after,
    mark_paragraph_deleted,
    reject_all,
)
from drafting.ooxml.wml.names import qn
from tests.conftest import examples

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = 'w:author="Delegation A" w:date="2024-05-01T10:00:00Z"'
B = 'w:author="Delegation B" w:date="2024-05-02T10:00:00Z"'
DATE = "2024-05-03T09:00:00Z"

REVISION_TAGS = {
    qn(f"w:{t}")
    for t in (
        "ins", "del", "moveFrom", "moveTo", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
        "moveToRangeEnd", "rPrChange", "pPrChange", "sectPrChange", "trPrChange", "tcPrChange", "tblPrChange",
        "tblGridChange", "cellIns", "cellDel", "cellMerge", "delText", "delInstrText", "numberingChange",
    )
}  # fmt: skip
SHARED_ID_TAGS = {qn(f"w:{t}") for t in ("bookmarkEnd", "commentRangeEnd", "commentReference")} | {
    qn("w:moveFromRangeEnd"),
    qn("w:moveToRangeEnd"),
}

# -- compact XML builders -------------------------------------------------------------------------------


def doc(body: str) -> etree._Element:
    return parse_xml(f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>'.encode())


def r(text: str, rpr: str = "", tag: str = "t") -> str:
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:{tag} xml:space="preserve">{text}</w:{tag}></w:r>'


def p(inner: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>"


def mark(kind: str, rid: int, who: str = A) -> str:
    return f'<w:rPr><w:{kind} w:id="{rid}" {who}/></w:rPr>'


def paras(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(qn("w:p")))


def texts(root: etree._Element, view: str = "accepted") -> list[str]:
    return paragraph_texts(read_body(root)[0], view)  # type: ignore[arg-type]


def xml(el: etree._Element) -> str:
    return etree.tostring(el, encoding="unicode")


def revision_tags(root: etree._Element) -> list[str]:
    return [el.tag for el in root.iter() if el.tag in REVISION_TAGS]


def assert_ids_unique(root: etree._Element) -> None:
    ids = [el.get(qn("w:id")) for el in root.iter(tag=etree.Element) if el.tag not in SHARED_ID_TAGS]
    ids = [i for i in ids if i is not None]
    assert len(ids) == len(set(ids)), ids


def assert_deltext_only_in_deletions(root: etree._Element) -> None:
    for el in root.iter(qn("w:delText"), qn("w:delInstrText")):
        assert next(el.iterancestors(qn("w:del"), qn("w:moveFrom")), None) is not None, xml(el.getparent())


def edit(root: etree._Element, index: int, *changes: Change, author: str = "Delegation A") -> RevisionIds:
    ids = RevisionIds(root)
    apply_changes(paras(root)[index], changes, ids, default_author=author, default_date=DATE)
    return ids


def eq(text: str) -> Change:
    return Change("equal", text)


def de(text: str, author: str | None = None) -> Change:
    return Change("delete", text, author)


def ad(text: str, author: str | None = None) -> Change:
    return Change("insert", text, author)


# -- ids --------------------------------------------------------------------------------------------------


def test_ids_start_above_every_w_id_in_every_root() -> None:
    body = doc(
        p('<w:bookmarkStart w:id="41" w:name="b"/>' + r("x") + '<w:bookmarkEnd w:id="41"/>')
        + p(f'<w:ins w:id="7" {A}>{r("y")}</w:ins>', f'<w:pPrChange w:id="12" {A}><w:pPr/></w:pPrChange>')
    )
    comments = parse_xml(f'<w:comments xmlns:w="{W}"><w:comment w:id="90" w:author="x"/></w:comments>'.encode())
    ids = RevisionIds(body, comments)
    assert [ids.next(), ids.next()] == ["91", "92"]
    assert RevisionIds(doc(p(r("x")))).next() == "0"
    assert RevisionIds(doc(p('<w:bookmarkStart w:id="x1" w:name="odd"/>'))).next() == "0"


# -- apply_changes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "changes", "everything"),
    [
        pytest.param(
            p(r("The Conference ") + r("urges all States.")),
            [eq("The Conference "), de("urges"), ad("calls upon"), eq(" all States.")],
            "The Conference [-urges-][+calls upon+] all States.",
            id="replace-word-in-second-run",
        ),
        pytest.param(
            p(r("Recog") + '<w:proofErr w:type="spellStart"/>' + r("nizing") + '<w:proofErr w:type="spellEnd"/>'),
            [de("Re"), ad("Also re"), eq("cognizing")],
            "[-Re-][+Also re+]cognizing",
            id="runs-split-mid-word",
        ),
        pytest.param(
            p(r("abc")),
            [ad("X"), eq("a"), ad("Y"), ad("Z"), eq("bc"), ad("W")],
            "[+X+]a[+YZ+]bc[+W+]",
            id="insertions-at-start-middle-end-in-order",
        ),
        pytest.param(
            p(""),
            [ad("Whole\ttext\nbroken")],
            "[+Whole\ttext\nbroken+]",
            id="insert-into-empty-paragraph-with-tab-and-break",
        ),
        pytest.param(
            p(r("one") + "<w:r><w:tab/></w:r>" + r("two")),
            [eq("one"), de("\t"), ad(" "), eq("two")],
            "one[-\t-][+ +]two",
            id="delete-a-tab",
        ),
        pytest.param(
            p(r("a") + '<w:hyperlink xmlns:r="urn:r" r:id="rId1">' + r("link text") + "</w:hyperlink>" + r("z")),
            [eq("alink "), de("text"), ad("words"), eq("z")],
            "alink [-text-][+words+]z",
            id="change-inside-hyperlink",
        ),
        pytest.param(
            p(r("abcdef")),
            [eq("a"), de("b", "Delegation B"), de("cd"), eq("ef")],
            "a[-bcd-]ef",
            id="adjacent-deletions-by-two-authors",
        ),
    ],
)
def test_apply_changes(base: str, changes: list[Change], everything: str) -> None:
    root = doc(base)
    old = "".join(c.text for c in changes if c.op != "insert")
    new = "".join(c.text for c in changes if c.op != "delete")
    edit(root, 0, *changes)
    assert texts(root, "all") == [everything]
    assert texts(root) == [new]
    assert texts(root, "original") == [old]
    assert_ids_unique(root)
    assert_deltext_only_in_deletions(root)


def test_deletion_keeps_formatting_and_insertion_copies_it() -> None:
    root = doc(p(r("Bold", "<w:b/>") + '<w:bookmarkStart w:id="3" w:name="bm"/>' + r(" plain", "<w:i/>")))
    edit(root, 0, eq("Bo"), de("ld"), ad("LD"), eq(" pl"), de("ain"))
    assert xml(paras(root)[0]) == (
        f'<w:p xmlns:w="{W}">'
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">Bo</w:t></w:r>'
        '<w:del w:id="4" w:author="Delegation A" w:date="2024-05-03T09:00:00Z">'
        '<w:r><w:rPr><w:b/></w:rPr><w:delText xml:space="preserve">ld</w:delText></w:r></w:del>'
        '<w:ins w:id="6" w:author="Delegation A" w:date="2024-05-03T09:00:00Z">'
        '<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">LD</w:t></w:r></w:ins>'
        '<w:bookmarkStart w:id="3" w:name="bm"/>'
        '<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve"> pl</w:t></w:r>'
        '<w:del w:id="5" w:author="Delegation A" w:date="2024-05-03T09:00:00Z">'
        '<w:r><w:rPr><w:i/></w:rPr><w:delText xml:space="preserve">ain</w:delText></w:r></w:del>'
        "</w:p>"
    )


def test_per_change_author_and_date_override_the_defaults() -> None:
    root = doc(p(r("ab")))
    ids = RevisionIds(root)
    apply_changes(
        paras(root)[0],
        [Change("delete", "a", "Delegation B", "2024-06-01T00:00:00Z"), Change("equal", "b"), ad("c")],
        ids,
        default_author="Chair",
        default_date=DATE,
    )
    (para,), _ = read_body(root)
    assert [(run.text, run.revision.author, run.revision.date) for run in para.runs if run.revision] == [
        ("a", "Delegation B", "2024-06-01T00:00:00Z"),
        ("c", "Chair", DATE),
    ]


def test_split_run_with_format_change_gets_fresh_ids() -> None:
    root = doc(p(r("abc", f'<w:b/><w:rPrChange w:id="9" {B}><w:rPr/></w:rPrChange>')))
    edit(root, 0, eq("a"), de("b"), eq("c"), ad("d"))
    assert_ids_unique(root)
    assert len(root.findall(f".//{qn('w:rPrChange')}")) == 3
    inserted = root.find(f".//{qn('w:ins')}")
    assert inserted.find(f".//{qn('w:rPrChange')}") is None  # new text has no format history
    assert inserted.find(f".//{qn('w:b')}") is not None


FIELD = (
    r("Adopted on ")
    + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE </w:instrText></w:r>'
    + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    + r("1 May")
    + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    + r(" in Almaty.")
)


def test_deleting_a_whole_field_deletes_its_code() -> None:
    root = doc(p(FIELD))
    edit(root, 0, eq("Adopted on"), de(" 1 May in"), eq(" Almaty."))
    assert texts(root, "all") == ["Adopted on[- 1 May in-] Almaty."]
    assert len(root.findall(f".//{qn('w:del')}//{qn('w:delInstrText')}")) == 1
    assert len(root.findall(f".//{qn('w:del')}//{qn('w:fldChar')}")) == 3
    assert_deltext_only_in_deletions(root)
    accepted = copy.deepcopy(root)
    accept_all(accepted)
    assert accepted.find(f".//{qn('w:fldChar')}") is None
    assert texts(accepted) == ["Adopted on Almaty."]


def test_deleting_part_of_a_field_result_keeps_the_field_code() -> None:
    root = doc(p(FIELD))
    edit(root, 0, eq("Adopted on 1"), de(" May in"), eq(" Almaty."))
    assert texts(root, "all") == ["Adopted on 1[- May in-] Almaty."]
    code = root.findall(f".//{qn('w:fldChar')}") + root.findall(f".//{qn('w:instrText')}")
    assert len(code) == 4
    assert all(next(el.iterancestors(qn("w:del")), None) is None for el in code)
    accepted = copy.deepcopy(root)
    accept_all(accepted)
    assert texts(accepted) == ["Adopted on 1 Almaty."]


@pytest.mark.parametrize(
    ("base", "changes", "message"),
    [
        (p(r("abc")), [eq("abd")], "does not match"),
        (p(r("abc")), [eq("ab")], "does not match"),
        (p(f'<w:ins w:id="1" {A}>{r("abc")}</w:ins>'), [eq("abc")], "already has tracked changes"),
        (p(r("abc")), [Change("replace", "abc")], "unknown change op"),  # type: ignore[arg-type]
    ],
)
def test_apply_changes_refuses(base: str, changes: list[Change], message: str) -> None:
    root = doc(base)
    before = xml(root)
    with pytest.raises(ValueError, match=message):
        edit(root, 0, *changes)
    assert xml(root) == before


# -- the property -----------------------------------------------------------------------------------------

FORMATS = {"": (False, False), "<w:b/>": (True, False), "<w:i/>": (False, True), "<w:b/><w:i/>": (True, True)}


def _run_xml(text: str, fmt: str, format_change: bool, rid: int) -> str:
    rpr = fmt + (f'<w:rPrChange w:id="{rid}" {B}><w:rPr>{fmt}</w:rPr></w:rPrChange>' if format_change else "")
    parts = []
    for piece in re.split(r"(\t|\n)", text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece == "\n":
            parts.append("<w:br/>")
        elif piece:
            parts.append(f'<w:t xml:space="preserve">{piece}</w:t>')
    return f'<w:r w:rsidR="00AB12CD">{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}{"".join(parts)}</w:r>'


TEXT = st.text(alphabet="ab é\t\n", max_size=6)


@st.composite
def base_and_script(draw):
    runs = draw(st.lists(st.tuples(TEXT, st.sampled_from(sorted(FORMATS)), st.booleans()), min_size=1, max_size=5))
    bookmark_at = draw(st.integers(0, len(runs)))
    bookmark_id = draw(st.integers(0, 30))
    other_id = draw(st.integers(31, 300))
    wrappers = draw(st.lists(st.sampled_from(["", "", "field", "hyperlink", "zero-width"]), min_size=len(runs),
                             max_size=len(runs)))  # fmt: skip
    inner = []
    for n, (text, fmt, change) in enumerate(runs):
        if n == bookmark_at:
            inner.append(f'<w:bookmarkStart w:id="{bookmark_id}" w:name="bm"/>')
        run = _run_xml(text, fmt, change and n % 2 == 0, 400 + n)
        if wrappers[n] == "field":  # the run is the result of a complex field
            run = (
                '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> DATE </w:instrText></w:r>'
                f'<w:r><w:fldChar w:fldCharType="separate"/></w:r>{run}<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            )
        elif wrappers[n] == "hyperlink":
            run = f'<w:hyperlink w:anchor="bm">{run}</w:hyperlink>'
        elif wrappers[n] == "zero-width":  # a run holding no text (w:sym is text: tested on its own)
            run = f'{run}<w:r><w:lastRenderedPageBreak/></w:r>'
        inner.append(run)
        if n == 0:
            inner.append('<w:proofErr w:type="gramStart"/>')
    inner.append(f'<w:bookmarkEnd w:id="{bookmark_id}"/>' if bookmark_at < len(runs) else "")
    body = p("".join(inner)) + p(f'<w:ins w:id="{other_id}" {A}>{r("other")}</w:ins>')
    old = "".join(text for text, _, _ in runs)
    formats = [FORMATS[fmt] for text, fmt, _ in runs for _ in text]
    cuts = sorted(set(draw(st.lists(st.integers(0, len(old)), max_size=6))) | {0, len(old)})
    changes: list[Change] = []
    for start, end in itertools.pairwise(cuts):
        if draw(st.booleans()):
            changes.append(Change("insert", draw(TEXT.filter(bool)), draw(st.sampled_from([None, "Delegation B"]))))
        op = draw(st.sampled_from(["equal", "delete"]))
        changes.append(Change(op, old[start:end], draw(st.sampled_from([None, "Delegation B"]))))
    if draw(st.booleans()):
        changes.append(Change("insert", draw(TEXT.filter(bool))))
    return body, changes, old, formats


def _chars_with_format(root: etree._Element, view: str) -> list[tuple[bool, bool]]:
    (para, *_), _ = read_body(root)
    out = []
    for run in para.runs:
        present = not (run.kinds & ADDED) if view == "original" else True
        if present:
            out.extend([(run.bold, run.italic)] * len(run.text))
    return out


@settings(max_examples=examples(250), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base_and_script())
def test_property_accept_gives_new_reject_gives_old(case) -> None:
    body, changes, old, formats = case
    new = "".join(c.text for c in changes if c.op != "delete")
    root = doc(body)
    edit(root, 0, *changes)

    reparsed = parse_xml(etree.tostring(root))
    for tree in (root, reparsed):
        assert texts(tree)[0] == new
        assert texts(tree, "original")[0] == old
    assert _chars_with_format(reparsed, "original") == formats  # base formatting kept on every old char
    assert_ids_unique(reparsed)
    assert_deltext_only_in_deletions(reparsed)

    accepted = copy.deepcopy(reparsed)
    accept_all(accepted)
    assert texts(accepted, "all") == [new, "other"]
    assert revision_tags(accepted) == []

    rejected = copy.deepcopy(reparsed)
    reject_all(rejected)
    assert texts(rejected, "all") == [old, ""]
    assert revision_tags(rejected) == []
    assert _chars_with_format(rejected, "original") == formats


# -- whole paragraphs -------------------------------------------------------------------------------------


def test_insert_paragraph_after_marks_the_new_paragraph_mark() -> None:
    root = doc(p(r("First."), '<w:pStyle w:val="Operative"/>') + p(r("Second.")))
    ids = RevisionIds(root)
    new = insert_paragraph_after(
        paras(root)[0], [("Bold ", {"bold": True}), ("words.", {"italic": True})], ids, author="Delegation A", date=DATE
    )
    assert texts(root, "all") == ["First.", "[+Bold words.¶+]", "Second."]
    assert texts(root, "original") == ["First.", "Second."]
    assert new.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == "Operative"
    (_, para, _), _ = read_body(root)
    assert [(run.text, run.bold, run.italic) for run in para.runs] == [("Bold ", True, False), ("words.", False, True)]


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(p(r("Zero.")) + p(r("Last.")), id="last-of-body"),
        pytest.param(
            p(r("Zero.")) + p(r("Before table.")) + "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>", id="before-table"
        ),
        pytest.param(f"<w:tbl><w:tr><w:tc>{p(r('Zero.'))}{p(r('Last.'))}</w:tc></w:tr></w:tbl>", id="last-of-cell"),
    ],
)
def test_insert_after_the_last_paragraph_marks_the_anchor_instead(body: str) -> None:
    root = doc(body)
    ids = RevisionIds(root)
    anchor = paras(root)[1]
    old = texts(root)
    new = insert_paragraph_after(anchor, "Added.", ids, author="Delegation A", date=DATE)
    assert new.find(f"{qn('w:pPr')}/{qn('w:rPr')}") is None  # the new last paragraph keeps an ordinary mark
    assert anchor.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:ins')}") is not None
    assert texts(root) == [*old[:2], "Added.", *old[2:]]
    assert texts(root, "original") == old
    rejected = copy.deepcopy(root)
    reject_all(rejected)
    assert texts(rejected) == old
    accepted = copy.deepcopy(root)
    accept_all(accepted)
    assert texts(accepted) == [*old[:2], "Added.", *old[2:]]


def test_several_paragraphs_appended_at_the_end() -> None:
    root = doc(p(r("Only.")))
    ids = RevisionIds(root)
    anchor = paras(root)[0]
    for text in ("One.", "Two.", "Three."):
        anchor = insert_paragraph_after(anchor, text, ids, author="Delegation A", date=DATE)
    assert texts(root) == ["Only.", "One.", "Two.", "Three."]
    assert texts(root, "original") == ["Only."]
    reject_all(root)
    assert texts(root, "all") == ["Only."]


def test_insert_paragraph_with_properties_from_elsewhere_and_section_break_not_copied() -> None:
    root = doc(p(r("A."), '<w:jc w:val="center"/><w:sectPr/>') + p(r("B."), '<w:pStyle w:val="Heading1"/>'))
    ids = RevisionIds(root)
    first, second = paras(root)
    new = insert_paragraph_after(first, "C.", ids, author="x", date=DATE)
    assert [el.tag for el in new.find(qn("w:pPr"))] == [qn("w:jc"), qn("w:rPr")]
    other = insert_paragraph_after(first, "D.", ids, author="x", date=DATE, ppr_from=second)
    assert other.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
    with pytest.raises(ValueError, match="format keys"):
        insert_paragraph_after(first, [("x", {"colour": "red"})], ids, author="x", date=DATE)


def test_mark_paragraph_deleted_in_the_middle() -> None:
    root = doc(p(r("Keep.")) + p(r("Go ") + '<w:bookmarkStart w:id="2" w:name="b"/>' + r("away.")) + p(r("End.")))
    ids = RevisionIds(root)
    mark_paragraph_deleted(paras(root)[1], ids, author="Delegation B", date=DATE)
    assert texts(root, "all") == ["Keep.", "[-Go away.¶-]", "End."]
    assert texts(root) == ["Keep.", "End."]
    assert_deltext_only_in_deletions(root)
    assert_ids_unique(root)
    accept_all(root)
    assert texts(root, "all") == ["Keep.", "End."]
    assert root.find(f".//{qn('w:bookmarkStart')}") is not None  # bookmarks survive the deletion


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        pytest.param(p(r("Keep.")) + p(r("Last.")), ["Keep."], id="last-of-body-marks-previous"),
        pytest.param(
            f"<w:tbl><w:tr><w:tc>{p(r('Only.'))}</w:tc></w:tr></w:tbl>" + p(r("After.")),
            ["", "After."],
            id="only-paragraph-of-cell-keeps-empty-paragraph",
        ),
        pytest.param(
            p(r("Keep."), "<w:sectPr/>") + p(r("Last.")),
            ["Keep.", ""],
            id="previous-has-section-break",
        ),
    ],
)
def test_mark_last_paragraph_deleted(body: str, accepted: list[str]) -> None:
    root = doc(body)
    old = texts(root)
    ids = RevisionIds(root)
    target = paras(root)[-1] if "After." not in body else paras(root)[0]
    mark_paragraph_deleted(target, ids, author="Delegation B", date=DATE)
    assert texts(root) == accepted
    assert texts(root, "original") == old
    assert target.find(f"{qn('w:pPr')}/{qn('w:rPr')}/{qn('w:del')}") is None
    done = copy.deepcopy(root)
    accept_all(done)
    assert texts(done, "all") == accepted
    reject_all(root)
    assert texts(root, "all") == old


def test_deleting_the_last_two_paragraphs() -> None:
    root = doc(p(r("Keep.")) + p(r("Two.")) + p(r("Three.")))
    ids = RevisionIds(root)
    mark_paragraph_deleted(paras(root)[1], ids, author="x", date=DATE)
    mark_paragraph_deleted(paras(root)[2], ids, author="x", date=DATE)
    assert texts(root) == ["Keep."]
    accept_all(root)
    assert texts(root, "all") == ["Keep."]


def test_deleting_inside_another_authors_insertion_nests_like_word() -> None:
    root = doc(p(r("Kept ") + f'<w:ins w:id="1" {A}>{r("added")}</w:ins>') + p(r("End.")))
    mark_paragraph_deleted(paras(root)[0], RevisionIds(root), author="Delegation B", date=DATE)
    assert root.find(f".//{qn('w:ins')}/{qn('w:del')}/{qn('w:r')}/{qn('w:delText')}") is not None
    assert texts(root, "original") == ["Kept ", "End."]
    assert texts(root) == ["End."]


# -- settings ---------------------------------------------------------------------------------------------


def test_enable_track_revisions_in_schema_order() -> None:
    settings_root = docx.Document().settings.element
    enable_track_revisions(settings_root)
    names = [etree.QName(el).localname for el in settings_root]
    assert names.index("trackRevisions") < names.index("defaultTabStop")
    assert names.index("trackRevisions") > names.index("zoom")
    enable_track_revisions(settings_root)
    assert names.count("trackRevisions") == 1
    off = parse_xml(f'<w:settings xmlns:w="{W}"><w:trackRevisions w:val="false"/></w:settings>'.encode())
    enable_track_revisions(off)
    assert off[0].get(qn("w:val")) is None


# -- accept / reject all ----------------------------------------------------------------------------------

FIXTURES = [
    p(
        r("The Conference ")
        + f'<w:del w:id="11" {A}><w:bookmarkStart w:id="3" w:name="op1"/>{r("urges", tag="delText")}</w:del>'
        + f'<w:ins w:id="12" {A}>{r("calls upon")}<w:bookmarkEnd w:id="3"/></w:ins>'
        + r(" all States.")
    ),
    p(
        r("First ")
        + f'<w:moveFromRangeStart w:id="21" w:name="move1" {B}/>'
        + f'<w:moveFrom w:id="22" {B}>{r("moved ")}</w:moveFrom><w:moveFromRangeEnd w:id="21"/>'
        + r("stay.")
    )
    + p(
        r("Second ")
        + f'<w:moveToRangeStart w:id="23" w:name="move1" {B}/>'
        + f'<w:moveTo w:id="24" {B}>{r("moved ")}</w:moveTo><w:moveToRangeEnd w:id="23"/>'
        + r("here.")
    ),
    p(r("Kept."))
    + p(f'<w:ins w:id="31" {A}>{r("Inserted.")}</w:ins>', mark("ins", 30))
    + p(f'<w:del w:id="33" {A}>{r("Deleted.", tag="delText")}</w:del>', mark("del", 32))
    + p(r("Split, "), mark("ins", 34))
    + p(r("continued."))
    + p(r("Joined "), mark("del", 35))
    + p(r("together.")),
    p(r("Before "), mark("del", 40))
    + "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid>"
    + f"<w:tr><w:tc>{p(r('Cell one '), mark('del', 41))}{p(r('joined.'), mark('del', 42))}</w:tc></w:tr>"
    + f'<w:tr><w:trPr><w:ins w:id="43" {B}/></w:trPr><w:tc>'
    + p(f'<w:ins w:id="44" {B}>{r("New row")}</w:ins>')
    + "</w:tc></w:tr>"
    + f'<w:tr><w:trPr><w:del w:id="45" {B}/></w:trPr><w:tc>'
    + p(f'<w:del w:id="46" {B}>{r("Old row", tag="delText")}</w:del>')
    + "</w:tc></w:tr></w:tbl>"
    + p(r("Last "), mark("del", 47)),
    p(r("Kept ") + f'<w:ins w:id="50" {A}><w:del w:id="51" {B}>{r("briefly", tag="delText")}</w:del></w:ins>'),
]


FIXTURES.append(
    f'<w:moveFromRangeStart w:id="1" w:name="m" {A}/>'
    + p(f'<w:moveFrom w:id="2" {A}>{r("Moved para.")}</w:moveFrom>', mark("moveFrom", 3))
    + '<w:moveFromRangeEnd w:id="1"/>'
    + p(r("Middle."))
    + f'<w:moveToRangeStart w:id="4" w:name="m" {A}/>'
    + p(f'<w:moveTo w:id="5" {A}>{r("Moved para.")}</w:moveTo>', mark("moveTo", 6))
    + '<w:moveToRangeEnd w:id="4"/>'
    + p(r("End."))
)


@pytest.mark.parametrize(
    "body", FIXTURES, ids=["inline", "moves", "paragraph-marks", "table", "nested", "paragraph-moves"]
)
def test_accept_and_reject_all_agree_with_the_reader(body: str) -> None:
    root = doc(body)
    accepted, rejected = copy.deepcopy(root), copy.deepcopy(root)
    accept_all(accepted)
    reject_all(rejected)
    assert texts(accepted, "all") == texts(root, "accepted")
    assert texts(rejected, "all") == texts(root, "original")
    assert revision_tags(accepted) == revision_tags(rejected) == []


def test_join_keeps_first_paragraph_properties_like_libreoffice() -> None:
    # LibreOffice 7.4: accept of a deleted mark keeps the first paragraph's style ("Alpha Beta" stays Heading 1);
    # a wholly deleted first paragraph vanishes and the next keeps its own properties.
    body = (
        p(r("Alpha "), '<w:pStyle w:val="Heading1"/>' + mark("del", 1))
        + p(r("Beta"), '<w:jc w:val="center"/>')
        + p(f'<w:del w:id="3" {A}>{r("Gone", tag="delText")}</w:del>', '<w:pStyle w:val="Heading2"/>' + mark("del", 2))
        + p(r("Gamma"), '<w:jc w:val="right"/>')
    )
    root = doc(body)
    accept_all(root)
    (first, second), _ = read_body(root)
    assert (first.text(), first.style) == ("Alpha Beta", "Heading1")
    assert (second.text(), second.style) == ("Gamma", None)
    assert paras(root)[1].find(f"{qn('w:pPr')}/{qn('w:jc')}").get(qn("w:val")) == "right"


def test_reject_property_changes_restores_old_and_keeps_section_break() -> None:
    body = p(
        r("Now bold", f'<w:b/><w:rPrChange w:id="5" {A}><w:rPr><w:i/></w:rPr></w:rPrChange>'),
        f'<w:jc w:val="center"/><w:rPr><w:b/></w:rPr><w:sectPr><w:pgSz w:w="11906"/></w:sectPr>'
        f'<w:pPrChange w:id="6" {A}><w:pPr><w:pStyle w:val="Old"/><w:ind w:left="720"/></w:pPr></w:pPrChange>',
    )
    rejected, accepted = doc(body), doc(body)
    reject_all(rejected)
    ppr = paras(rejected)[0].find(qn("w:pPr"))
    assert [etree.QName(el).localname for el in ppr] == ["pStyle", "ind", "rPr", "sectPr"]
    run = read_body(rejected)[0][0].runs[0]
    assert (run.bold, run.italic, run.format_change) == (False, True, None)
    accept_all(accepted)
    ppr = paras(accepted)[0].find(qn("w:pPr"))
    assert [etree.QName(el).localname for el in ppr] == ["jc", "rPr", "sectPr"]
    assert read_body(accepted)[0][0].runs[0].bold


def test_accept_keeps_comment_anchors_inside_deleted_text() -> None:
    body = p(
        r("Keep ")
        + f'<w:del w:id="9" {A}><w:commentRangeStart w:id="0"/>{r("gone", tag="delText")}'
        + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r></w:del>'
    )
    root = doc(body)
    accept_all(root)
    assert texts(root, "all") == ["Keep "]
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        assert root.find(f".//{qn('w:' + tag)}") is not None, tag


def test_rejecting_a_deleted_cell_and_accepting_an_inserted_one() -> None:
    body = (
        "<w:tbl><w:tr>"
        f'<w:tc><w:tcPr><w:cellIns w:id="1" {A}/></w:tcPr>{p(r("new cell"))}</w:tc>'
        f'<w:tc><w:tcPr><w:cellDel w:id="2" {A}/></w:tcPr>{p(r("old cell"))}</w:tc>'
        "</w:tr></w:tbl>" + p(r("after"))
    )
    accepted, rejected = doc(body), doc(body)
    accept_all(accepted)
    reject_all(rejected)
    assert texts(accepted) == ["new cell", "after"]
    assert texts(rejected) == ["old cell", "after"]
    assert revision_tags(accepted) == revision_tags(rejected) == []


def test_removing_every_row_removes_the_table() -> None:
    body = f'<w:tbl><w:tr><w:trPr><w:ins w:id="1" {A}/></w:trPr><w:tc>{p(r("x"))}</w:tc></w:tr></w:tbl>' + p(r("y"))
    root = doc(body)
    reject_all(root)
    assert root.find(f".//{qn('w:tbl')}") is None
    assert texts(root) == ["y"]


# -- LibreOffice reads what we write -----------------------------------------------------------------------


@pytest.mark.libreoffice
def test_libreoffice_sees_our_revisions_and_both_authors(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or "/usr/bin/soffice"
    document = docx.Document()
    for text in ("The Conference urges all States.", "Invites Member States to report.", "Decides to remain seized.",
                 "Last paragraph."):  # fmt: skip
        document.add_paragraph(text)
    body = parse_xml(etree.tostring(document.element.body))  # replace the body via lxml
    ps = paras(body)
    ids = RevisionIds(body, document.settings.element)
    apply_changes(ps[0], [eq("The Conference "), de("urges"), ad("calls upon"), eq(" all States.")], ids,
                  default_author="Delegation A", default_date=DATE)  # fmt: skip
    apply_changes(ps[1], [eq("Invites "), ad("all ", "Delegation B"), eq("Member States to report"), de(".")], ids,
                  default_author="Delegation A", default_date=DATE)  # fmt: skip
    mark_paragraph_deleted(ps[2], ids, author="Delegation B", date=DATE)
    insert_paragraph_after(ps[3], [("New ", {}), ("final", {"bold": True})], ids, author="Delegation A", date=DATE)
    old_body = document.element.body
    old_body.getparent().replace(old_body, body)
    enable_track_revisions(document.settings.element)
    source = tmp_path / "redline.docx"
    buffer = io.BytesIO()
    document.save(buffer)
    source.write_bytes(buffer.getvalue())

    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "odt",
         "--outdir", str(tmp_path / "out"), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    content = zipfile.ZipFile(tmp_path / "out" / "redline.odt").read("content.xml").decode("utf-8")
    # del+ins, ins+del, deleted paragraph (content and mark in one region), appended paragraph
    assert content.count("<text:changed-region") == 6
    authors = re.findall(r"<dc:creator>(.*?)</dc:creator>", content)
    assert sorted(set(authors)) == ["Delegation A", "Delegation B"]
    assert authors.count("Delegation B") == 2
    assert 'text:track-changes="false"' not in content


# -- bytes of a split (apply_changes cuts each w:t only where a change starts or ends) ----------------------


def test_a_text_cut_by_several_changes_gives_the_runs_of_a_character_split() -> None:
    """The XML is pinned: it is what the former writer (one cell per character) gave for these changes, so the
    stretch-wise split writes the same runs, ids and texts, byte for byte."""
    root = doc(p('<w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">Recalling </w:t></w:r>'
                 '<w:r><w:t xml:space="preserve">the plan of action</w:t><w:tab/><w:t>and its annex</w:t></w:r>'
                 '<w:bookmarkStart w:id="3" w:name="x"/><w:r><w:t xml:space="preserve"> of 2012</w:t></w:r>'
                 '<w:bookmarkEnd w:id="3"/>'))
    edit(root, 0, eq("Recalling the "), de("plan"), ad("programme", "Delegation B"), eq(" of "), ad("joint "),
         eq("action"), de("\tand", "Delegation B"), ad(","), eq(" its "), de("annex"), ad("annexes"), eq(" of 2012"),
         ad(" and 2013"))

    def ins(rid: int, text: str, who: str = "Delegation A") -> str:
        return (f'<w:ins w:id="{rid}" w:author="{who}" w:date="{DATE}"><w:r><w:t xml:space="preserve">{text}</w:t>'
                "</w:r></w:ins>")

    def dele(rid: int, inner: str, who: str = "Delegation A") -> str:
        return f'<w:del w:id="{rid}" w:author="{who}" w:date="{DATE}"><w:r>{inner}</w:r></w:del>'

    def run(text: str) -> str:
        return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'

    expected = ('<w:p><w:r><w:rPr><w:i/></w:rPr><w:t xml:space="preserve">Recalling </w:t></w:r>' + run("the ")
                + dele(4, '<w:delText xml:space="preserve">plan</w:delText>') + ins(7, "programme", "Delegation B")
                + run(" of ") + ins(8, "joint ") + run("action")
                + dele(5, '<w:tab/><w:delText xml:space="preserve">and</w:delText>', "Delegation B") + ins(9, ",")
                + run(" its ") + dele(6, '<w:delText xml:space="preserve">annex</w:delText>') + ins(10, "annexes")
                + '<w:bookmarkStart w:id="3" w:name="x"/>' + run(" of 2012") + ins(11, " and 2013")
                + '<w:bookmarkEnd w:id="3"/></w:p>')
    assert etree.tostring(paras(root)[0], encoding="unicode").replace(f' xmlns:w="{W}"', "") == expected
