"""drafting.ooxml.tracked.read: reading every tracked change Word writes, and the three text views."""

from __future__ import annotations

import pytest

from drafting.ooxml.parser import parse_xml
from drafting.ooxml.tracked.read import (
    Comment,
    RevisionKind,
    paragraph_texts,
    read_body,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = 'w:author="Delegation A" w:date="2024-05-01T10:00:00Z"'
B = 'w:author="Delegation B" w:date="2024-05-02T10:00:00Z"'

# -- compact XML builders -------------------------------------------------------------------------------


def doc(body: str):
    """A parsed `w:document` whose body is `body` plus the final `w:sectPr`."""
    return parse_xml(f'<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr/></w:body></w:document>'.encode())


def r(text: str, rpr: str = "", tag: str = "t") -> str:
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:{tag} xml:space="preserve">{text}</w:{tag}></w:r>'


def ins(inner: str, rid: int, who: str = A) -> str:
    return f'<w:ins w:id="{rid}" {who}>{inner}</w:ins>'


def dl(text: str, rid: int, who: str = A) -> str:
    return f'<w:del w:id="{rid}" {who}>{r(text, tag="delText")}</w:del>'


def p(inner: str, ppr: str = "") -> str:
    return f"<w:p>{f'<w:pPr>{ppr}</w:pPr>' if ppr else ''}{inner}</w:p>"


def mark(kind: str, rid: int, who: str = A) -> str:
    return f'<w:rPr><w:{kind} w:id="{rid}" {who}/></w:rPr>'


def views(body: str) -> tuple[list[str], list[str], list[str]]:
    paragraphs, _ = read_body(doc(body))
    return tuple(paragraph_texts(paragraphs, v) for v in ("accepted", "original", "all"))  # type: ignore[return-value]


# -- Word-style fixtures (hand-built from ECMA-376 §17.13 and the cheat sheet) --------------------------

RSID_SPLIT = (
    '<w:p w:rsidR="00A1" w:rsidRDefault="00B2"><w:r w:rsidRPr="00C3"><w:t>Recog</w:t></w:r>'
    '<w:proofErr w:type="spellStart"/><w:r w:rsidR="00D4"><w:t>niz</w:t></w:r>'
    '<w:r w:rsidR="00D5"><w:t xml:space="preserve">ing the </w:t></w:r><w:proofErr w:type="spellEnd"/>'
    '<w:r><w:rPr><w:i/></w:rPr><w:t>Almaty</w:t></w:r><w:r><w:t xml:space="preserve"> Programme</w:t></w:r></w:p>'
)
BOOKMARK_IN_CHANGE = p(
    r("The Conference ")
    + f'<w:del w:id="11" {A}><w:bookmarkStart w:id="3" w:name="op1"/>{r("urges", tag="delText")}</w:del>'
    + f'<w:ins w:id="12" {A}>{r("calls upon")}<w:bookmarkEnd w:id="3"/></w:ins>'
    + r(" all States.")
)
MOVES = p(
    r("First ")
    + f'<w:moveFromRangeStart w:id="21" w:name="move1" {B}/>'
    + f'<w:moveFrom w:id="22" {B}>{r("moved words ")}</w:moveFrom><w:moveFromRangeEnd w:id="21"/>'
    + r("stay.")
) + p(
    r("Second ")
    + f'<w:moveToRangeStart w:id="23" w:name="move1" {B}/>'
    + f'<w:moveTo w:id="24" {B}>{r("moved words ")}</w:moveTo><w:moveToRangeEnd w:id="23"/>'
    + r("here.")
)
PARAGRAPH_MARKS = (
    p(r("Kept."))
    + p(ins(r("Inserted operative paragraph."), 31), mark("ins", 30))
    + p(dl("Deleted operative paragraph.", 33), mark("del", 32))
    + p(r("Split here, "), mark("ins", 34))  # a break was inserted: one paragraph originally
    + p(r("and continued."))
    + p(r("Joined "), mark("del", 35))  # a break was deleted: two paragraphs originally
    + p(r("together."))
)
FIELDS = p(
    r("Date: ")
    + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> DATE \\@ "yyyy" '
    + "</w:instrText></w:r>"
    + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> NESTED </w:instrText></w:r>'
    + '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>inner</w:t></w:r>'
    + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    + r("2024")
    + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    + "<w:r><w:tab/><w:t>a</w:t><w:br/><w:t>b</w:t><w:noBreakHyphen/><w:t>c</w:t>"
    + '<w:sym w:font="Wingdings" w:char="F04A"/><w:softHyphen/><w:cr/></w:r>'
    + '<w:fldSimple w:instr=" AUTHOR ">'
    + r("Someone")
    + '</w:fldSimple><w:hyperlink r:id="rId9" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    + r(" link")
    + '</w:hyperlink><w:smartTag w:uri="u" w:element="place">'
    + r(" Geneva")
    + "</w:smartTag>"
    + f"<w:sdt><w:sdtPr/><w:sdtContent>{r(' inline')}</w:sdtContent></w:sdt>"
)
TABLE = (
    p(r("Before "), mark("del", 40))  # just before a table: the mark cannot go
    + "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/></w:tblGrid>"
    + f"<w:tr><w:tc>{p(r('Cell one '), mark('del', 41))}{p(r('joined.'), mark('del', 42))}</w:tc></w:tr>"
    + f'<w:tr><w:trPr><w:ins w:id="43" {B}/></w:trPr><w:tc>{p(ins(r("New row"), 44, B))}</w:tc></w:tr>'
    + f'<w:tr><w:trPr><w:del w:id="45" {B}/></w:trPr><w:tc>{p(dl("Old row", 46, B))}</w:tc></w:tr>'
    + "</w:tbl>"
    + f"<w:sdt><w:sdtPr/><w:sdtContent>{p(r('In a content control.'))}</w:sdtContent></w:sdt>"
    + p(r("Last "), mark("del", 47))  # last of the body: the mark cannot go
)
NESTED = p(r("Kept ") + ins(f'<w:del w:id="51" {B}>{r("briefly", tag="delText")}</w:del>', 50) + r(" end."))


@pytest.mark.parametrize(
    ("body", "accepted", "original", "everything"),
    [
        pytest.param(
            RSID_SPLIT,
            ["Recognizing the Almaty Programme"],
            ["Recognizing the Almaty Programme"],
            ["Recognizing the Almaty Programme"],
            id="runs-split-mid-word",
        ),
        pytest.param(
            BOOKMARK_IN_CHANGE,
            ["The Conference calls upon all States."],
            ["The Conference urges all States."],
            ["The Conference [-urges-][+calls upon+] all States."],
            id="bookmark-inside-changes",
        ),
        pytest.param(
            MOVES,
            ["First stay.", "Second moved words here."],
            ["First moved words stay.", "Second here."],
            ["First [-moved words -]stay.", "Second [+moved words +]here."],
            id="moves",
        ),
        pytest.param(
            PARAGRAPH_MARKS,
            [
                "Kept.",
                "Inserted operative paragraph.",
                "Split here, ",
                "and continued.",
                "Joined together.",
            ],
            ["Kept.", "Deleted operative paragraph.", "Split here, and continued.", "Joined ", "together."],
            [
                "Kept.",
                "[+Inserted operative paragraph.¶+]",
                "[-Deleted operative paragraph.¶-]",
                "Split here, [+¶+]",
                "and continued.",
                "Joined [-¶-]",
                "together.",
            ],
            id="paragraph-marks",
        ),
        pytest.param(
            FIELDS,
            ["Date: 2024\ta\nb\u2011c\uf04a\u00ad\nSomeone link Geneva inline"],
            ["Date: 2024\ta\nb\u2011c\uf04a\u00ad\nSomeone link Geneva inline"],
            ["Date: 2024\ta\nb\u2011c\uf04a\u00ad\nSomeone link Geneva inline"],
            id="fields-tabs-breaks-containers",
        ),
        pytest.param(
            TABLE,
            ["Before ", "Cell one joined.", "New row", "In a content control.", "Last "],
            ["Before ", "Cell one ", "joined.", "Old row", "In a content control.", "Last "],
            [
                "Before [-¶-]",
                "Cell one [-¶-]",
                "joined.[-¶-]",
                "[+New row+]",
                "[-Old row-]",
                "In a content control.",
                "Last [-¶-]",
            ],
            id="table-rows-and-last-marks",
        ),
        pytest.param(
            NESTED,
            ["Kept  end."],
            ["Kept  end."],
            ["Kept [-briefly-] end."],
            id="insert-then-delete-by-another-author",
        ),
    ],
)
def test_views(body: str, accepted: list[str], original: list[str], everything: list[str]) -> None:
    assert views(body) == (accepted, original, everything)


def test_python_docx_would_lose_inserted_text_but_we_keep_it() -> None:
    paragraphs, _ = read_body(doc(BOOKMARK_IN_CHANGE))
    (para,) = paragraphs
    assert [(run.text, run.revision and run.revision.kind) for run in para.runs] == [
        ("The Conference ", None),
        ("urges", RevisionKind.DELETE),
        ("calls upon", RevisionKind.INSERT),
        (" all States.", None),
    ]
    assert para.bookmarks == ("op1",)
    deleted = para.runs[1].revision
    assert deleted is not None
    assert (deleted.author, deleted.date, deleted.id) == ("Delegation A", "2024-05-01T10:00:00Z", "11")


def test_runs_split_by_rsid_and_proofing_merge_but_formatting_splits() -> None:
    (para,), _ = read_body(doc(RSID_SPLIT))
    assert [(run.text, run.italic) for run in para.runs] == [
        ("Recognizing the ", False),
        ("Almaty", True),
        (" Programme", False),
    ]


def test_moves_carry_their_range_name() -> None:
    paragraphs, _ = read_body(doc(MOVES))
    moved = [run.revision for para in paragraphs for run in para.runs if run.revision]
    assert [(rev.kind, rev.move_name, rev.author) for rev in moved] == [
        (RevisionKind.MOVE_FROM, "move1", "Delegation B"),
        (RevisionKind.MOVE_TO, "move1", "Delegation B"),
    ]


def test_paragraph_mark_moves_join_like_deletions() -> None:
    body = (
        f'<w:moveFromRangeStart w:id="1" w:name="m" {A}/>'
        + p(f'<w:moveFrom w:id="2" {A}>{r("Moved para.")}</w:moveFrom>', mark("moveFrom", 3))
        + '<w:moveFromRangeEnd w:id="1"/>'
        + p(r("Middle."))
        + f'<w:moveToRangeStart w:id="4" w:name="m" {A}/>'
        + p(f'<w:moveTo w:id="5" {A}>{r("Moved para.")}</w:moveTo>', mark("moveTo", 6))
        + '<w:moveToRangeEnd w:id="4"/>'
        + p(r("End."))
    )
    paragraphs, _ = read_body(doc(body))
    assert paragraphs[0].mark is not None and paragraphs[2].mark is not None
    assert paragraphs[0].mark.kind is RevisionKind.MOVE_FROM
    assert paragraphs[0].mark.move_name == "m"
    assert paragraphs[2].mark.move_name == "m"
    assert paragraph_texts(paragraphs, "accepted") == ["Middle.", "Moved para.", "End."]
    assert paragraph_texts(paragraphs, "original") == ["Moved para.", "Middle.", "End."]


@pytest.mark.parametrize(
    ("ppr", "rpr", "expected"),
    [
        ("", '<w:b/><w:i w:val="0"/>', (True, False, None)),
        ("", '<w:b w:val="false"/><w:i/>', (False, True, None)),
        (
            "",
            f'<w:b/><w:rPrChange w:id="9" {B}><w:rPr/></w:rPrChange>',
            (True, False, ("format", "Delegation B")),
        ),
    ],
)
def test_run_formatting_and_format_changes(ppr: str, rpr: str, expected: tuple) -> None:
    (para,), _ = read_body(doc(p(r("x", rpr), ppr)))
    (run,) = para.runs
    change = run.format_change and (run.format_change.kind.value, run.format_change.author)
    assert (run.bold, run.italic, change) == expected


def test_paragraph_style_and_property_change() -> None:
    ppr = f'<w:pStyle w:val="Heading1"/><w:jc w:val="center"/><w:pPrChange w:id="8" {A}><w:pPr/></w:pPrChange>'
    (para,), _ = read_body(doc(p(r("Title"), ppr)))
    assert para.style == "Heading1"
    assert para.property_change is not None
    assert para.property_change.kind is RevisionKind.PARAGRAPH_FORMAT
    assert para.property_change.id == "8"
    assert not para.in_table


def test_table_paragraphs_know_their_row() -> None:
    paragraphs, _ = read_body(doc(TABLE))
    assert [para.in_table for para in paragraphs] == [False, True, True, True, True, False, False]
    assert [para.row and para.row.kind.value for para in paragraphs] == [
        None,
        None,
        None,
        "insert",
        "delete",
        None,
        None,
    ]
    assert [para.next_in_story for para in paragraphs] == [False, True, False, False, False, False, False]


COMMENTS = (
    f'<w:comments xmlns:w="{W}">'
    f'<w:comment w:id="0" {B} w:initials="DB"><w:p><w:r><w:annotationRef/></w:r>'
    "<w:r><w:t>Bracketed pending consultations.</w:t></w:r></w:p>"
    "<w:p><w:r><w:t>Second line.</w:t></w:r></w:p></w:comment>"
    f'<w:comment w:id="1" {A}><w:p><w:r><w:t>Across paragraphs.</w:t></w:r></w:p></w:comment>'
    f'<w:comment w:id="5" {A}><w:p><w:r><w:t>Orphan.</w:t></w:r></w:p></w:comment>'
    "</w:comments>"
)


def test_comments_with_anchors_in_changes_and_across_paragraphs() -> None:
    body = (
        p(
            r("Urges ")
            + '<w:commentRangeStart w:id="0"/>'
            + dl("all", 10)
            + ins(r("the"), 11)
            + r(" States")
            + '<w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/></w:r>'
        )
        + p(r("One ") + '<w:commentRangeStart w:id="1"/>' + r("two"))
        + p(r("three") + '<w:commentRangeEnd w:id="1"/><w:r><w:commentReference w:id="1"/></w:r>')
    )
    paragraphs, comments = read_body(doc(body), parse_xml(COMMENTS.encode()))
    assert paragraph_texts(paragraphs) == ["Urges the States", "One two", "three"]
    assert comments == [
        Comment(
            "0",
            "Delegation B",
            "2024-05-02T10:00:00Z",
            "Bracketed pending consultations.\nSecond line.",
            "allthe States",
            0,
        ),
        Comment("1", "Delegation A", "2024-05-01T10:00:00Z", "Across paragraphs.", "two\nthree", 1),
        Comment("5", "Delegation A", "2024-05-01T10:00:00Z", "Orphan.", "", -1),
    ]


def test_without_comments_part_there_are_no_comments() -> None:
    _, comments = read_body(doc(p('<w:commentRangeStart w:id="0"/>' + r("x") + '<w:commentRangeEnd w:id="0"/>')))
    assert comments == []


def test_reads_a_body_or_any_story_root() -> None:
    root = doc(p(r("a")) + p(r("b")))
    assert paragraph_texts(read_body(root[0])[0]) == ["a", "b"]
    assert paragraph_texts(read_body(root)[0]) == ["a", "b"]


def test_body_level_bookmark_belongs_to_the_next_paragraph() -> None:
    paragraphs, _ = read_body(doc(p(r("a")) + '<w:bookmarkStart w:id="1" w:name="here"/>' + p(r("b"))))
    assert [para.bookmarks for para in paragraphs] == [(), ("here",)]


def test_unknown_view_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown view"):
        paragraph_texts([], "final")  # type: ignore[arg-type]


def test_chained_deleted_marks_join_three_paragraphs() -> None:
    body = p(r("a "), mark("del", 1)) + p(dl("b", 3), mark("del", 2)) + p(r("c"))
    accepted, original, _ = views(body)
    assert accepted == ["a c"]
    assert original == ["a ", "b", "c"]
