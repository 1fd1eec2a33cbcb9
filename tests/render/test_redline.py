"""`drafting redline`: tracked changes that a real client reads back as OLD -> NEW.

LibreOffice is the independent client: for redlines of the Almaty sample against edited copies (.md, .txt,
.docx) it must list the expected changes with the `--author` and `--date` given, its Accept All must give the
edited text and its Reject All the original, paragraph for paragraph. A Hypothesis property test checks our
own reader on random edit scripts: the accepted and original views of `redline(a, b)` are exactly b and a.
"""

from __future__ import annotations

import copy
import io
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import docx.text.paragraph
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.app import assemble_to, redline, text_of
from drafting.cli import cli
from drafting.errors import DraftingInputError
from drafting.ooxml.parser import parse_xml
from drafting.readers.files import load_submission
from tests.conftest import ALMATY_SPEC, examples
from tests.fixtures import evil

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DATE = "2024-05-01T10:00:00Z"
REVISION_TAGS = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")


def norm(text: str) -> str:
    """Whitespace-normalised NFC text: how paragraphs are compared (LibreOffice keeps trailing spaces)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def document_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml")


def revision_elements(path: Path) -> list:
    root = parse_xml(document_xml(path))
    return [el for el in root.iter() if el.tag in REVISION_TAGS]


# -- the Almaty sample as base --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One paragraph of a version: its id in the base (None when new), text, list label, Markdown block."""

    id: str | None
    text: str
    label: str
    block: str


@dataclass(frozen=True)
class Almaty:
    dir: Path
    docx: Path
    md: Path
    header: str
    items: tuple[Item, ...]

    def index(self, pid: str) -> int:
        return next(i for i, item in enumerate(self.items) if item.id == pid)


_MD_UNIT = re.compile(r"^(?=<!-- dp:)", re.MULTILINE)
_MD_ID = re.compile(r"<!-- dp:([a-z0-9_]+) -->")


@pytest.fixture(scope="module")
def almaty(tmp_path_factory) -> Almaty:
    """The assembled sample (.docx and .md); its paragraphs with ids, Word labels and Markdown blocks."""
    out = tmp_path_factory.mktemp("almaty")
    assemble_to(ALMATY_SPEC, out, ("md", "docx"))
    md_text = (out / "recommendations.md").read_text(encoding="utf-8")
    header, *units = _MD_UNIT.split(md_text)
    blocks = {}
    for unit in units:
        match = _MD_ID.match(unit)
        assert match, unit
        blocks[match.group(1)] = unit.strip("\n")
    version, _ = load_submission(out / "recommendations.docx")
    labels = [AS_ISSUED_LABELS.get(p.id or "", "") for p in version.paragraphs]
    assert len(version.paragraphs) == len(blocks) == 28
    items = tuple(Item(p.id, p.text, label, blocks[p.id]) for p, label in zip(version.paragraphs, labels, strict=True))
    return Almaty(out, out / "recommendations.docx", out / "recommendations.md", header.strip("\n"), items)


AS_ISSUED_LABELS = {
    "endorse_rcf": "- 1 -", "endorse_rap": "- 2 -", "endorse_structures": "- 3 -", "initial_members": "- 4 -",
    "secretariat_seat": "- 5 -", "request_support": "- 6 -", "ministerial_conference": "- 7 -",
    "ministerial_conference_a": "a -", "ministerial_conference_b": "b -", "ministerial_conference_c": "c -",
}
"""The list labels Word numbering shows in the as-issued layout (checked against LibreOffice below)."""


# -- edit scripts ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """Replace `old` by `new` in paragraph `pid`; LibreOffice should show `deleted` and `inserted`."""

    pid: str
    old: str
    new: str
    deleted: str = ""
    inserted: str = ""


@dataclass(frozen=True)
class Insert:
    """A new paragraph at `index` of the edited text (0: first; len: last)."""

    index: int
    text: str


@dataclass(frozen=True)
class Delete:
    pid: str


@dataclass(frozen=True)
class Move:
    """Paragraph `pid` moved to just after paragraph `after`."""

    pid: str
    after: str


Op = Words | Insert | Delete | Move


def apply(items: Sequence[Item], ops: Sequence[Op]) -> list[tuple[Item, list[Words]]]:
    """The edited paragraph list, each with the word edits made in it."""
    out: list[tuple[Item, list[Words]]] = [(item, []) for item in items]
    for op in ops:
        if isinstance(op, Words):
            at = next(i for i, (item, _) in enumerate(out) if item.id == op.pid)
            out[at][1].append(op)
        elif isinstance(op, Insert):
            out.insert(op.index, (Item(None, op.text, "", op.text), []))
        elif isinstance(op, Delete):
            out = [entry for entry in out if entry[0].id != op.pid]
        else:
            entry = next(e for e in out if e[0].id == op.pid)
            out.remove(entry)
            at = next(i for i, (item, _) in enumerate(out) if item.id == op.after)
            out.insert(at + 1, entry)
    return out


def _edited(text: str, words: Sequence[Words]) -> str:
    for w in words:
        assert text.count(w.old) == 1, (w.old, text)
        text = text.replace(w.old, w.new)
    return text


def expected_texts(items: Sequence[Item], ops: Sequence[Op]) -> list[str]:
    return [norm(_edited(item.text, words)) for item, words in apply(items, ops)]


def write_md(almaty: Almaty, ops: Sequence[Op], path: Path) -> Path:
    """The delegation edited our Markdown: blocks kept with their `dp:` comments, edited in place."""
    blocks = [_edited(item.block, words) for item, words in apply(almaty.items, ops)]
    path.write_text("\n\n".join([almaty.header, *blocks]) + "\n", encoding="utf-8")
    return path


def write_txt(almaty: Almaty, ops: Sequence[Op], path: Path) -> Path:
    """The delegation pasted the text into a plain-text file, list labels included, no ids."""
    lines = [f"{item.label} {_edited(item.text, words)}".strip() for item, words in apply(almaty.items, ops)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def write_docx(almaty: Almaty, ops: Sequence[Op], path: Path) -> Path:
    """The delegation edited our .docx (python-docx, no Track Changes): runs edited, paragraphs moved."""
    document = docx.Document(str(almaty.docx))
    elements = {item.id: p._p for item, p in zip(almaty.items, document.paragraphs, strict=True)}
    runs = {item.id: p.runs for item, p in zip(almaty.items, document.paragraphs, strict=True)}
    body = document.element.body
    sect_pr = body[-1]
    for element in elements.values():
        body.remove(element)
    for item, words in apply(almaty.items, ops):
        if item.id is None:
            element = copy.deepcopy(elements["endorse_rcf"])
            for child in list(element):
                if child.tag != f"{W}pPr":
                    element.remove(child)
            new = docx.text.paragraph.Paragraph(element, document._body)
            new.add_run(item.text)
        else:
            element = elements[item.id]
            for w in words:
                hits = [run for run in runs[item.id] if w.old in run.text]
                assert len(hits) == 1, (w.old, [run.text for run in runs[item.id]])
                hits[0].text = hits[0].text.replace(w.old, w.new)
        sect_pr.addprevious(element)
    buf = io.BytesIO()
    document.save(buf)
    path.write_bytes(buf.getvalue())
    return path


WRITERS = {"md": write_md, "txt": write_txt, "docx": write_docx}


@dataclass(frozen=True)
class Scenario:
    name: str
    fmt: str
    author: str
    ops: tuple[Op, ...]


WORD_EDITS_MD = (
    Words("endorse_rap", "draft Regional", "revised Regional", "draft", "revised"),
    Words("request_support", "initial establishment", "establishment", "initial", ""),
    Words("follow_up", "the Second Ministerial", "the Second and Third Ministerial", "", "and Third"),
)
WORD_EDITS_TXT = (
    Words("secretariat_seat", "intergovernmental secretariat", "regional secretariat", "intergovernmental",
          "regional"),
    Words("endorse_structures", " steering committee,", "", "steering committee,", ""),
    Words("security_threats", "smuggling, terrorism", "smuggling, trafficking, terrorism", "", "trafficking,"),
)
WORD_EDITS_DOCX = (
    Words("forum_needed", "reliable consultative", "permanent consultative", "reliable", "permanent"),
    Words("open_membership", "especially those", "notably those", "especially", "notably"),
    Words("herewith", "comprehensive discussion", "discussion", "comprehensive", ""),
    Words("ministerial_conference_a", "the above mentioned steps", "the above mentioned and further steps", "",
          "and further"),
)
NEW_PARAGRAPH = "Welcome the offer of the Government of Kazakhstan to host the first meeting of the secretariat;"

SCENARIOS = [
    Scenario("words-md", "md", "Kazakhstan", WORD_EDITS_MD),
    Scenario("words-txt", "txt", "Delegation of Kyrgyzstan", WORD_EDITS_TXT),
    Scenario("words-docx", "docx", "TJK", WORD_EDITS_DOCX),
    Scenario("insert-first-md", "md", "Kazakhstan", (Insert(0, "Draft of 1 September 2012"),)),
    Scenario("insert-middle-txt", "txt", "Kazakhstan", (Insert(13, NEW_PARAGRAPH),)),
    Scenario("insert-last-docx", "docx", "Kazakhstan", (Insert(28, "Adopted by consensus."),)),
    Scenario("delete-first-txt", "txt", "Turkmenistan", (Delete("title"),)),
    Scenario("delete-middle-docx", "docx", "Turkmenistan", (Delete("open_membership"),)),
    Scenario("delete-last-md", "md", "Turkmenistan", (Delete("place_date"),)),
    Scenario("move-md", "md", "Kyrgyzstan", (Move("endorse_rap", "initial_members_tkm"),)),
    Scenario("mixed-docx", "docx", "UNHCR", (
        Move("security_threats", "balance_of_levels"), Insert(11, NEW_PARAGRAPH), Delete("initial_members_tkm"),
        Words("request_support", "IOM to support", "IOM jointly to support", "", "jointly"),
    )),
]


def expected_redlines(almaty: Almaty, ops: Sequence[Op]) -> Counter[tuple[str, str]]:
    """(type, text) of the redlines LibreOffice should list, texts normalised, empty ones left out."""
    texts = {item.id: item.text for item in almaty.items}
    out: Counter[tuple[str, str]] = Counter()
    for op in ops:
        if isinstance(op, Words):
            out.update([("Delete", op.deleted)] if op.deleted else [])
            out.update([("Insert", op.inserted)] if op.inserted else [])
        elif isinstance(op, Insert):
            out[("Insert", norm(op.text))] += 1
        elif isinstance(op, Delete):
            out[("Delete", norm(texts[op.pid]))] += 1
        else:
            out[("Delete", norm(texts[op.pid]))] += 1
            out[("Insert", norm(texts[op.pid]))] += 1
    return out


@pytest.fixture(scope="module")
def redlined(almaty, tmp_path_factory) -> dict[str, Path]:
    """Each scenario's edited copy and our redline of it, made through the CLI with --author and --date."""
    out = tmp_path_factory.mktemp("redlines")
    runner = CliRunner()
    paths = {}
    for scenario in SCENARIOS:
        edited = WRITERS[scenario.fmt](almaty, scenario.ops, out / f"{scenario.name}.{scenario.fmt}")
        target = out / f"{scenario.name}-redline.docx"
        result = runner.invoke(cli, ["redline", str(almaty.docx), str(edited), "--author", scenario.author,
                                     "--date", DATE, "-o", str(target)])
        assert result.exit_code == 0, result.output
        paths[scenario.name] = target
    return paths


@pytest.mark.libreoffice
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_libreoffice_reads_our_redline_as_old_to_new(scenario, almaty, redlined, libreoffice):
    path = redlined[scenario.name]
    old = [norm(item.text) for item in almaty.items]
    new = expected_texts(almaty.items, scenario.ops)
    assert old != new

    redlines = libreoffice.redlines(path)
    assert redlines, "LibreOffice sees no tracked change"
    assert {(r["author"], r["date"][:19]) for r in redlines} == {(scenario.author, DATE[:19])}
    assert {r["type"] for r in redlines} <= {"Insert", "Delete"}
    listed = Counter((r["type"], norm(r["text"] or "")) for r in redlines if norm(r["text"] or ""))
    assert listed == expected_redlines(almaty, scenario.ops)

    accepted = [norm(t) for t in libreoffice.paragraphs(path, "accept")]
    rejected = [norm(t) for t in libreoffice.paragraphs(path, "reject")]
    assert accepted == new
    assert rejected == old
    # our own reader agrees with the independent client
    assert text_of(path, "accepted") == accepted
    assert text_of(path, "original") == rejected


@pytest.mark.libreoffice
def test_libreoffice_reads_the_base_as_we_do(almaty, libreoffice):
    """The base text the scenarios start from is what LibreOffice shows too (labels aside)."""
    info = libreoffice.paragraph_info(almaty.docx)
    assert [norm(i["text"]) for i in info] == [norm(item.text) for item in almaty.items]
    assert [i["label"].strip() for i in info] == [item.label for item in almaty.items]


# -- what the redline keeps of the base ----------------------------------------------------------------------


def _ids(root, tags: tuple[str, ...]) -> list[int]:
    return [int(el.get(f"{W}id")) for el in root.iter() if el.tag in tags and el.get(f"{W}id") is not None]


def test_revision_ids_are_unique_and_above_every_existing_id(almaty, tmp_path):
    ops = SCENARIOS[-1].ops
    edited = write_md(almaty, ops, tmp_path / "edited.md")
    out = tmp_path / "out.docx"
    redline(almaty.docx, edited, out, author="Kazakhstan", date=DATE)
    base_ids = _ids(parse_xml(document_xml(almaty.docx)), (f"{W}bookmarkStart", f"{W}bookmarkEnd"))
    new_ids = _ids(parse_xml(document_xml(out)), REVISION_TAGS)
    assert base_ids and new_ids
    assert len(new_ids) == len(set(new_ids))
    assert min(new_ids) > max(base_ids)


def test_redline_keeps_styles_formatting_and_ids_and_turns_track_changes_on(almaty, tmp_path):
    edited = write_md(almaty, WORD_EDITS_MD, tmp_path / "edited.md")
    out = tmp_path / "out.docx"
    redline(almaty.docx, edited, out, author="Kazakhstan", date=DATE)
    version, _ = load_submission(out)
    assert [p.id for p in version.paragraphs] == [item.id for item in almaty.items]
    base, _ = load_submission(almaty.docx)
    assert [p.style for p in version.paragraphs] == [p.style for p in base.paragraphs]
    assert _emphasised(out) == _emphasised(almaty.docx)
    assert Counter(_emphasised(out)) == {"Almaty Process": 5,
                                         "Conference on Refugee Protection and International Migration": 1}
    with zipfile.ZipFile(out) as package:
        settings_xml = parse_xml(package.read("word/settings.xml"))
        base_names = set(zipfile.ZipFile(almaty.docx).namelist())
        assert base_names <= set(package.namelist())
        assert package.read("word/styles.xml") == zipfile.ZipFile(almaty.docx).read("word/styles.xml")
    assert settings_xml.find(f"{W}trackRevisions") is not None
    assert all(el.get(f"{W}author") == "Kazakhstan" and el.get(f"{W}date") == DATE for el in revision_elements(out))


def _emphasised(path: Path) -> list[str]:
    """Texts of the runs in the character style Emphasis (how the template italicises)."""
    root = parse_xml(document_xml(path))
    return ["".join(t.text for t in run.iter(f"{W}t")) for run in root.iter(f"{W}r")
            if run.find(f"{W}rPr/{W}rStyle[@{W}val='Emphasis']") is not None]


def test_deleted_text_is_deltext_and_inserted_text_is_t(almaty, tmp_path):
    edited = write_md(almaty, WORD_EDITS_MD, tmp_path / "edited.md")
    out = tmp_path / "out.docx"
    redline(almaty.docx, edited, out, author="Kazakhstan", date=DATE)
    for el in revision_elements(out):
        if el.tag == f"{W}del":
            assert el.find(f".//{W}t") is None
        if el.tag == f"{W}ins":
            assert el.find(f".//{W}delText") is None


def test_base_with_tracked_changes_is_accepted_first_with_a_finding(almaty, tmp_path):
    first = tmp_path / "first.docx"
    redline(almaty.docx, write_md(almaty, WORD_EDITS_MD, tmp_path / "a.md"), first, author="Kazakhstan", date=DATE)
    second = tmp_path / "second.docx"
    findings = redline(first, write_md(almaty, (*WORD_EDITS_MD, Delete("title")), tmp_path / "b.md"), second,
                       author="Kyrgyzstan", date=DATE)
    assert any("tracked changes were accepted" in f for f in findings)
    authors = {el.get(f"{W}author") for el in revision_elements(second)}
    assert authors == {"Kyrgyzstan"}  # never silently mixed with Kazakhstan's changes
    assert text_of(second, "original") == expected_texts(almaty.items, WORD_EDITS_MD)
    assert text_of(second, "accepted") == expected_texts(almaty.items, (*WORD_EDITS_MD, Delete("title")))


def test_a_new_version_with_tracked_changes_is_compared_in_its_accepted_view(almaty, tmp_path):
    tracked = tmp_path / "tracked.docx"
    redline(almaty.docx, write_md(almaty, WORD_EDITS_MD, tmp_path / "a.md"), tracked, author="Kazakhstan", date=DATE)
    out = tmp_path / "out.docx"
    findings = redline(almaty.docx, tracked, out, author="Kyrgyzstan", date=DATE)
    assert any("tracked.docx: its tracked changes were accepted" in f for f in findings)
    assert text_of(out, "accepted") == expected_texts(almaty.items, WORD_EDITS_MD)
    assert text_of(out, "original") == [norm(item.text) for item in almaty.items]


def test_default_date_is_now_in_utc_and_a_bad_date_is_refused(almaty, tmp_path):
    edited = write_md(almaty, WORD_EDITS_MD, tmp_path / "edited.md")
    out = tmp_path / "out.docx"
    redline(almaty.docx, edited, out, author="Kazakhstan")
    dates = {el.get(f"{W}date") for el in revision_elements(out)}
    assert len(dates) == 1 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", dates.pop())
    with pytest.raises(DraftingInputError, match="ISO"):
        redline(almaty.docx, edited, tmp_path / "bad.docx", author="Kazakhstan", date="yesterday")
    assert not (tmp_path / "bad.docx").exists()
    with pytest.raises(DraftingInputError, match="author"):
        redline(almaty.docx, edited, tmp_path / "bad.docx", author="  ")
    assert not (tmp_path / "bad.docx").exists()


def test_a_date_with_offset_is_stored_in_utc(almaty, tmp_path):
    edited = write_md(almaty, WORD_EDITS_MD, tmp_path / "edited.md")
    out = tmp_path / "out.docx"
    redline(almaty.docx, edited, out, author="Kazakhstan", date="2024-05-01T12:00:00+02:00")
    assert {el.get(f"{W}date") for el in revision_elements(out)} == {DATE}


def test_the_same_inputs_give_the_same_bytes(almaty, tmp_path):
    edited = write_txt(almaty, SCENARIOS[-1].ops, tmp_path / "edited.txt")
    redline(almaty.docx, edited, tmp_path / "one.docx", author="Kazakhstan", date=DATE)
    redline(almaty.docx, edited, tmp_path / "two.docx", author="Kazakhstan", date=DATE)
    assert (tmp_path / "one.docx").read_bytes() == (tmp_path / "two.docx").read_bytes()


# -- property: random edit scripts -----------------------------------------------------------------------------

VOCABULARY = [
    "the", "Conference", "urges", "calls", "upon", "all", "States", "to", "ratify", "Convention", "and", "of",
    "a", "an", "is", "Recalling", "resolution", "1/2,", "paragraph", "12;", "Member", "regional", "cooperation.",
    "migration", "protection", "été", "Алматы", "процесс", "Kazakhstan", "UNHCR", "IOM", "etc.", "2012", "on",
    "in", "for", "with", "the", "the", "States,", "States;",
]
word = st.sampled_from(VOCABULARY)
paragraph = st.lists(word, min_size=1, max_size=12).map(" ".join)


@st.composite
def edit_scripts(draw) -> tuple[list[str], list[str]]:
    """A base (1-8 paragraphs) and its edited version by a random script of word and paragraph edits
    (replace, insert or delete a word; insert, delete or move a paragraph)."""
    a = draw(st.lists(paragraph, min_size=1, max_size=8))
    b = [text.split(" ") for text in a]
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["replace", "insert", "delete", "paragraph-insert", "paragraph-delete",
                                     "paragraph-move"]))
        if kind == "paragraph-insert" or not b:
            b.insert(draw(st.integers(0, len(b))), draw(st.lists(word, min_size=1, max_size=8)))
            continue
        at = draw(st.integers(0, len(b) - 1))
        words = b[at]
        if kind == "paragraph-delete":
            del b[at]
        elif kind == "paragraph-move":
            b.insert(draw(st.integers(0, len(b) - 1)), b.pop(at))
        elif kind == "insert":
            words.insert(draw(st.integers(0, len(words))), draw(word))
        elif kind == "replace":
            words[draw(st.integers(0, len(words) - 1))] = draw(word)
        elif len(words) > 1:
            del words[draw(st.integers(0, len(words) - 1))]
    b = [words for words in b if words]
    if not b:
        b = [draw(st.lists(word, min_size=1, max_size=4))]
    return a, [" ".join(words) for words in b]


def _write(path: Path, paragraphs: Sequence[str]) -> Path:
    if path.suffix == ".md":
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
    else:
        path.write_text("\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


PROPERTY = settings(max_examples=examples(200), deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@PROPERTY
@given(script=edit_scripts(), formats=st.tuples(st.sampled_from(["md", "txt"]), st.sampled_from(["md", "txt"])))
def test_accepted_and_original_views_of_a_redline_are_exactly_new_and_old(tmp_path_factory, script, formats):
    a, b = script
    work = tmp_path_factory.mktemp("prop")
    old = _write(work / f"a.{formats[0]}", a)
    new = _write(work / f"b.{formats[1]}", b)
    out = work / "out.docx"
    redline(old, new, out, author="Delegation A", date=DATE)
    parse_xml(document_xml(out))
    assert text_of(out, "accepted") == b
    assert text_of(out, "original") == a
    if a == b:
        assert revision_elements(out) == []
    else:
        assert revision_elements(out)


@settings(max_examples=examples(25), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(paragraph, min_size=1, max_size=8), fmt=st.sampled_from(["md", "txt"]))
def test_redline_of_a_text_against_itself_has_no_revision(tmp_path_factory, paragraphs, fmt):
    work = tmp_path_factory.mktemp("same")
    old = _write(work / f"a.{fmt}", paragraphs)
    new = _write(work / f"b.{'txt' if fmt == 'md' else 'md'}", paragraphs)
    out = work / "out.docx"
    redline(old, new, out, author="Delegation A", date=DATE)
    root = parse_xml(document_xml(out))
    assert [el for el in root.iter() if el.tag in REVISION_TAGS] == []
    assert text_of(out, "accepted") == text_of(out, "original") == paragraphs


def test_redline_of_the_almaty_docx_against_itself_and_its_markdown_is_clean(almaty, tmp_path):
    for new in (almaty.docx, almaty.md, write_txt(almaty, (), tmp_path / "same.txt")):
        out = tmp_path / f"same-{new.suffix[1:]}.docx"
        redline(almaty.docx, new, out, author="Kazakhstan", date=DATE)
        assert revision_elements(out) == [], new.name


# -- regressions found by the tests above ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (["Conference"], ["the"]),
        (["first", "x y z"], ["other"]),
        (["alpha beta gamma"], ["zeta eta", "theta iota"]),
    ],
    ids=["sole-paragraph-replaced", "all-replaced-by-one", "one-replaced-by-two"],
)
def test_every_base_paragraph_replaced_leaves_no_empty_paragraph(tmp_path, a, b):
    """No paragraph mark can carry the deletion of the last paragraph when all before it go too."""
    out = tmp_path / "out.docx"
    redline(_write(tmp_path / "a.txt", a), _write(tmp_path / "b.md", b), out, author="Delegation A", date=DATE)
    assert text_of(out, "accepted") == b
    assert text_of(out, "original") == a


def _docx(path: Path, paragraphs: Sequence[str]) -> Path:
    """A python-docx .docx whose body holds `paragraphs`, one run each, characters exactly as given."""
    members = evil.read_members(evil.clean_docx())
    runs = "".join(f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>' for text in paragraphs)
    xml = members[evil.DOC].decode("utf-8")
    start = xml.index("<w:body>") + len("<w:body>")
    members[evil.DOC] = (xml[:start] + runs + xml[xml.index("<w:sectPr", start):]).encode("utf-8")
    path.write_bytes(evil.zip_members(members))
    return path


def test_base_docx_with_irregular_whitespace_and_decomposed_accents(tmp_path):
    """Runs hold double spaces, tabs, NBSP, trailing spaces and NFD; the redline still applies word edits."""
    base = _docx(tmp_path / "base.docx", ["The  Conference urges all States. ", "Second\u00a0paragraph\tis here.",
                                          " Cafe\u0301 society  ", "Unchanged  text."])
    new = _write(tmp_path / "new.txt", ["The Conference calls upon all States.", "Second paragraph is there.",
                                        "Café culture", "Unchanged text."])
    out = tmp_path / "out.docx"
    redline(base, new, out, author="Delegation A", date=DATE)
    assert text_of(out, "accepted") == ["The Conference calls upon all States.", "Second paragraph is there.",
                                        "Café culture", "Unchanged text."]
    assert text_of(out, "original") == ["The Conference urges all States.", "Second paragraph is there.".replace(
        "there", "here"), "Café society", "Unchanged text."]
    deleted = ["".join(el.itertext()) for el in revision_elements(out) if el.tag == f"{W}del"]
    assert deleted == ["urges", "here", "society"]  # word edits, not whole paragraphs


noise = st.sampled_from([" ", "  ", "\t", "\u00a0", " \u00a0 "])


@settings(max_examples=examples(30), deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(script=edit_scripts(), data=st.data())
def test_redline_on_a_docx_base_with_irregular_whitespace(tmp_path_factory, script, data):
    a, b = script
    spaced = []
    for text in a:
        words = text.split(" ")
        gaps = [data.draw(noise) for _ in words[1:]]
        raw = words[0] + "".join(g + w for g, w in zip(gaps, words[1:], strict=True))
        spaced.append(data.draw(st.sampled_from(["", " ", "\t"])) + raw + data.draw(st.sampled_from(["", " ", "  "])))
    work = tmp_path_factory.mktemp("ws")
    old = _docx(work / "a.docx", spaced)
    new = _write(work / "b.txt", b)
    out = work / "out.docx"
    redline(old, new, out, author="Delegation A", date=DATE)
    assert text_of(out, "accepted") == b
    assert text_of(out, "original") == a
