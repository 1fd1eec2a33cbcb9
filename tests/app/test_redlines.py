"""The redline commands (`redline`, `amendments`, `text`, `accept`, `reject`) as a delegation's clerk runs them.

Every hostile input of bad-inputs.md groups Z, O and X ends as one line naming the file, exit code 1, no
traceback and nothing written, whichever command and whichever argument it arrives in; external links are
stripped with a note. Group D: large, look-alike, identical and exotic-script versions.
"""

from __future__ import annotations

import functools
import json
import random
import re
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.app import assemble_to, redline, text_of
from drafting.cli import cli
from drafting.ooxml.parser import parse_xml
from drafting.readers.files import load_submission
from tests.conftest import ALMATY_SPEC
from tests.fixtures import evil

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REVISION_TAGS = (f"{W}ins", f"{W}del", f"{W}moveFrom", f"{W}moveTo")
DATE = "2024-05-01T10:00:00Z"
GOOD_MD = "<!-- dp:op1 -->\nThe Conference urges all States.\n\n<!-- dp:op2 -->\nDecides to remain seized.\n"
SECRET = "SECRET-5d1c-DO-NOT-LEAK"


def invoke(*args: object) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args])


def revisions(path: Path) -> list:
    with zipfile.ZipFile(path) as package:
        root = parse_xml(package.read("word/document.xml"))
    return [el for el in root.iter() if el.tag in REVISION_TAGS]


@pytest.fixture(scope="module")
def almaty(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("almaty")
    assemble_to(ALMATY_SPEC, out, ("md", "docx"))
    return out / "recommendations.docx"


# -- Z, O, X: refused ---------------------------------------------------------------------------------------


@functools.cache
def built(name: str) -> bytes:
    """Each hostile file built once per run (the bombs take a moment)."""
    return REJECTED[name]()


REJECTED: dict[str, Callable[[], bytes]] = {
    "Z1-empty": evil.z1_empty,
    "Z1-random": evil.z1_random,
    "Z1-pdf": evil.z1_pdf,
    "Z1-pk-garbage": evil.z1_pk_garbage,
    "Z2-truncated": evil.z2_truncated,
    "Z3-deflate": evil.z3_corrupt_deflate,
    "Z4-crc": evil.z4_bad_crc,
    "Z5-encrypted": evil.z5_encrypted,
    "Z6-cfb": evil.z6_cfb,
    "Z7-5GB": evil.z7_declared_bomb,
    "Z7-ratio": evil.z7_ratio_bomb,
    "Z8-underdeclared": evil.z8_underdeclared_bomb,
    "Z9-overlap": evil.z9_overlapping,
    "Z10-entries": evil.z10_many_entries,
    "Z11-duplicate": evil.z11_duplicate,
    "Z11-case": evil.z11_case_duplicate,
    "Z11-prefix": evil.z11_prefix,
    "Z12-dotdot": evil.z12_dotdot,
    "Z12-absolute": evil.z12_absolute,
    "Z12-drive": evil.z12_drive,
    "Z12-backslash": evil.z12_backslash,
    "Z12-nul": evil.z12_nul,
    "Z12-long": evil.z12_long,
    "Z13-symlink": evil.z13_symlink,
    "O1-no-content-types": evil.o1_no_content_types,
    "O2-null-image": evil.o2_dangling_image,
    "O3-png": evil.o3_missing_content_type,
    "O4-docm": evil.o4_docm,
    "O5-vba-rel": evil.o5_vba_relationship_only,
    "O5-vba-part": evil.o5_vba_part_only,
    "O6-unc": lambda: evil.o6_attached_template(evil.EVIL_TEMPLATE_UNC),
    "O10-altchunk": evil.o10_altchunk,
    "O12-deep-chain": lambda: evil.o12_chain(40),
    "O12-5000-parts": lambda: evil.o12_chain(5000),
    "O13-escape": evil.o13_escape,
    "O14-custom-xml": evil.o14_custom_xml_missing,
    "X2-parameter-entity": lambda: evil.x2_parameter_entity("http://127.0.0.1:9/x.dtd"),
    "X3-billion-laughs": evil.x3_billion_laughs,
    "X4-quadratic": evil.x4_quadratic,
    "X5-depth": evil.x5_deep_nesting,
    "X6-huge-text": evil.x6_huge_text_node,
    "X7-control-char": evil.x7_control_character,
    "X8-utf16-no-bom-dtd": evil.x8_utf16_doctype_no_bom,
    "X8-lying-encoding": evil.x8_lying_declaration,
}


def command_lines(bad: Path, good: Path, out: Path) -> list[list[object]]:
    """Every place a hostile file can arrive: each command, each file argument."""
    return [
        ["redline", bad, good, "--author", "Kazakhstan", "-o", out],
        ["redline", good, bad, "--author", "Kazakhstan", "-o", out],
        ["amendments", bad],
        ["amendments", bad, "--json"],
        ["amendments", good, "--base", bad],
        ["text", bad],
        ["text", bad, "--view", "all"],
        ["accept", bad, "-o", out],
        ["reject", bad, "-o", out],
    ]


def assert_refused(result, bad: Path, directory: Path, before: set[str]) -> None:
    output = result.output
    lines = [line for line in output.splitlines() if line.strip()]
    assert result.exit_code == 1, output
    assert len(lines) == 1, output
    assert lines[0].startswith(f"Error: {bad}"), output
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert {p.name for p in directory.iterdir()} == before, "something was written"


@pytest.mark.parametrize("name", list(REJECTED))
def test_hostile_docx_is_refused_by_every_command(name, tmp_path):
    bad = tmp_path / "submission.docx"
    bad.write_bytes(built(name))
    good = tmp_path / "good.md"
    good.write_text(GOOD_MD, encoding="utf-8")
    out = tmp_path / "out.docx"
    before = {p.name for p in tmp_path.iterdir()}
    for args in command_lines(bad, good, out):
        assert_refused(invoke(*args), bad, tmp_path, before)


@pytest.mark.parametrize("part", [evil.DOC, "docProps/core.xml", "_rels/.rels"])
def test_x1_external_entity_is_refused_and_the_secret_never_shows(part, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    bad = tmp_path / "submission.docx"
    bad.write_bytes(evil.x1_xxe(part, str(secret)))
    good = tmp_path / "good.md"
    good.write_text(GOOD_MD, encoding="utf-8")
    before = {p.name for p in tmp_path.iterdir()}
    for args in command_lines(bad, good, tmp_path / "out.docx"):
        result = invoke(*args)
        assert_refused(result, bad, tmp_path, before)
        assert SECRET not in result.output


@pytest.mark.parametrize(
    ("suffix", "data"),
    [
        (".md", b"ok\nbad \xff\xfe byte\n"),
        (".txt", b"\x00\x01\x02binary"),
        (".txt", b"PK\x03\x04 a zip header on a text file"),
        (".md", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
    ],
    ids=["md-not-utf8", "txt-binary", "txt-zip-header", "md-cfb"],
)
def test_hostile_text_file_is_refused_by_every_command(tmp_path, suffix, data):
    bad = tmp_path / f"submission{suffix}"
    bad.write_bytes(data)
    good = tmp_path / "good.md"
    good.write_text(GOOD_MD, encoding="utf-8")
    out = tmp_path / "out.docx"
    before = {p.name for p in tmp_path.iterdir()}
    for args in command_lines(bad, good, out):
        assert_refused(invoke(*args), bad, tmp_path, before)


def test_a_missing_file_is_one_line_naming_it(tmp_path):
    missing = tmp_path / "nothere.docx"
    good = tmp_path / "good.md"
    good.write_text(GOOD_MD, encoding="utf-8")
    before = {p.name for p in tmp_path.iterdir()}
    for args in command_lines(missing, good, tmp_path / "out.docx"):
        assert_refused(invoke(*args), missing, tmp_path, before)


def test_usage_errors_exit_2(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(GOOD_MD, encoding="utf-8")
    for args in (["redline", good, good, "-o", tmp_path / "o.docx"],  # no --author
                 ["redline", good, good, "--author", "X"],  # no -o
                 ["text", good, "--view", "both"],
                 ["accept", good]):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "o.docx").exists()


def test_a_bad_date_or_empty_author_is_refused_and_nothing_written(tmp_path):
    good = tmp_path / "good.md"
    good.write_text(GOOD_MD, encoding="utf-8")
    for extra in (["--author", "Kazakhstan", "--date", "not a date"], ["--author", "   "]):
        result = invoke("redline", good, good, *extra, "-o", tmp_path / "o.docx")
        assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "o.docx").exists()


# -- O: external references stripped, with a note -------------------------------------------------------------

STRIPPED = {
    "O2-hyperlink-top": (evil.o2_dangling_hyperlink, "#_top"),
    "O6-http": (lambda: evil.o6_attached_template(evil.EVIL_TEMPLATE_HTTP), evil.EVIL_TEMPLATE_HTTP),
    "O7-follina": (evil.o7_follina, evil.FOLLINA_TARGET),
    "O8-linked-image": (evil.o8_linked_image, evil.LINKED_IMAGE_URL),
    "O9-javascript": (lambda: evil.o9_hyperlink("javascript"), evil.BAD_LINKS["javascript"]),
    "O9-file": (lambda: evil.o9_hyperlink("file"), evil.BAD_LINKS["file"]),
}


@pytest.mark.parametrize("name", list(STRIPPED))
def test_external_references_are_stripped_from_every_output_with_a_note(name, tmp_path):
    build, target = STRIPPED[name]
    src = tmp_path / "submission.docx"
    src.write_bytes(build())
    new = tmp_path / "new.txt"
    new.write_text(evil.CLEAN_TEXT.replace("strengthen", "deepen") + "\n", encoding="utf-8")
    runs = {
        "redline.docx": ["redline", src, new, "--author", "Kazakhstan", "--date", DATE, "-o",
                         tmp_path / "redline.docx"],
        "accepted.docx": ["accept", src, "-o", tmp_path / "accepted.docx"],
        "rejected.docx": ["reject", src, "-o", tmp_path / "rejected.docx"],
    }
    for out_name, args in runs.items():
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        written = (tmp_path / out_name).read_bytes()
        assert target.encode() not in evil.all_member_bytes(written), out_name
        load_submission(tmp_path / out_name)  # our own output passes our own hardened loader
    assert "note:" in invoke(*runs["redline.docx"]).output
    assert text_of(tmp_path / "redline.docx", "accepted")[0] == evil.CLEAN_TEXT.replace("strengthen", "deepen")
    for args in (["text", src], ["amendments", src]):
        assert invoke(*args).exit_code == 0


@pytest.mark.parametrize("build", [evil.o11_cycle, evil.x8_utf16_bom], ids=["O11-cycle", "X8-utf16-bom"])
def test_harmless_oddities_are_read(build, tmp_path):
    """A relationship cycle does not hang; a UTF-16 part with its BOM is parsed: both work end to end."""
    src = tmp_path / "submission.docx"
    src.write_bytes(build())
    result = invoke("text", src)
    assert result.exit_code == 0 and result.output.strip() == evil.CLEAN_TEXT
    new = tmp_path / "new.txt"
    new.write_text(evil.CLEAN_TEXT.replace("regional", "sub-regional") + "\n", encoding="utf-8")
    out = tmp_path / "out.docx"
    assert invoke("redline", src, new, "--author", "Kazakhstan", "-o", out).exit_code == 0
    assert text_of(out, "accepted") == [evil.CLEAN_TEXT.replace("regional", "sub-regional")]
    assert invoke("accept", out, "-o", tmp_path / "accepted.docx").exit_code == 0


def test_x9_a_base_that_holds_revisions_is_accepted_first_with_a_note(tmp_path):
    old = tmp_path / "old.md"
    old.write_text(GOOD_MD, encoding="utf-8")
    mid = tmp_path / "mid.txt"
    mid.write_text("The Conference calls upon all States.\nDecides to remain seized.\n", encoding="utf-8")
    first = tmp_path / "first.docx"
    assert invoke("redline", old, mid, "--author", "Kazakhstan", "-o", first).exit_code == 0
    new = tmp_path / "new.txt"
    new.write_text("The Conference calls upon all States.\nDecides to remain actively seized.\n", encoding="utf-8")
    result = invoke("redline", first, new, "--author", "Kyrgyzstan", "-o", tmp_path / "second.docx")
    assert result.exit_code == 0
    assert "tracked changes were accepted" in result.output
    assert {el.get(f"{W}author") for el in revisions(tmp_path / "second.docx")} == {"Kyrgyzstan"}


# -- D: diff and redline -----------------------------------------------------------------------------------------


def _random_text(seed: int, size: int) -> list[str]:
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
                  for _ in range(3000)]
    paragraphs, total = [], 0
    while total < size:
        text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(20, 80))) + "."
        paragraphs.append(text)
        total += len(text) + 2
    return paragraphs


@pytest.mark.timeout(240)
def test_d1_two_different_megabyte_versions_give_the_same_redline_twice(tmp_path):
    a, b = _random_text(1, 1_000_000), _random_text(2, 1_000_000)
    (tmp_path / "a.md").write_text("\n\n".join(a) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(b) + "\n", encoding="utf-8")
    outputs = []
    for n in (1, 2):
        result = invoke("redline", tmp_path / "a.md", tmp_path / "b.txt", "--author", "Kazakhstan", "--date", DATE,
                        "-o", tmp_path / f"out{n}.docx")
        assert result.exit_code == 0, result.output
        outputs.append((tmp_path / f"out{n}.docx").read_bytes())
    assert outputs[0] == outputs[1]
    version, _ = load_submission(tmp_path / "out1.docx")
    assert [p.text for p in version.view("accepted")] == b
    assert [p.text for p in version.view("original")] == a


def test_d2_look_alike_characters_make_no_phantom_redline(almaty, tmp_path):
    """Straight for curly quotes, NFD for NFC, no-break and double spaces: not an amendment."""
    lines = text_of(almaty, "accepted")
    assert any("“" in line for line in lines) and any("'" in line for line in lines)
    look_alike = [line.replace("“", '"').replace("”", '"').replace("'", "’").replace(" the ", " the\u00a0 ")
                  for line in lines]
    (tmp_path / "look-alike.txt").write_text("\n".join(look_alike) + "\n", encoding="utf-8")
    accents_old = "Café, société « civile » and the Conference's “work”.\n\nSecond paragraph.\n"
    accents_new = unicodedata.normalize("NFD", accents_old).replace("'", "’").replace("“", '"').replace("”", '"')
    accents_new = accents_new.replace(" and ", "\u00a0and\u2002").replace("Second ", "Second  ").replace("\n\n", "\n")
    assert accents_new != accents_old
    (tmp_path / "accents.md").write_text(accents_old, encoding="utf-8")
    (tmp_path / "accents-nfd.txt").write_text(accents_new, encoding="utf-8")
    for old, new in ((almaty, tmp_path / "look-alike.txt"), (tmp_path / "accents.md", tmp_path / "accents-nfd.txt"),
                     (tmp_path / "accents-nfd.txt", tmp_path / "accents.md")):
        out = tmp_path / "out.docx"
        result = invoke("redline", old, new, "--author", "Kazakhstan", "--date", DATE, "-o", out)
        assert result.exit_code == 0, result.output
        assert revisions(out) == [], (old.name, new.name)
        found = invoke("amendments", new, "--base", old, "--delegation", "Kazakhstan", "--json")
        assert found.exit_code == 0 and json.loads(found.output) == [], (old.name, new.name)


def test_d3_identical_versions_give_zero_revisions(almaty, tmp_path):
    md = almaty.with_suffix(".md")
    txt = tmp_path / "same.txt"
    txt.write_text("\n".join(text_of(almaty)) + "\n", encoding="utf-8")
    for old, new in ((almaty, almaty), (almaty, md), (md, almaty), (almaty, txt), (md, md), (txt, txt)):
        out = tmp_path / "out.docx"
        result = invoke("redline", old, new, "--author", "Kazakhstan", "-o", out)
        assert result.exit_code == 0, result.output
        assert revisions(out) == [], (old.name, new.name)
        assert text_of(out, "accepted") == text_of(out, "original") == text_of(almaty)


_CONTINUING = {0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080)}


def _joins_previous(ch: str) -> bool:
    """A character that belongs to the grapheme before it (combining mark, ZWJ, variation selector, skin tone)."""
    return unicodedata.category(ch) in ("Mn", "Me", "Mc") or ord(ch) in _CONTINUING


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def assert_no_split_grapheme(path: Path) -> None:
    """No boundary between differently revised runs falls inside a grapheme cluster."""
    with zipfile.ZipFile(path) as package:
        root = parse_xml(package.read("word/document.xml"))
    for p in root.iter(f"{W}p"):
        pieces: list[tuple[str, str]] = []
        for t in p.iter(f"{W}t", f"{W}delText"):
            state = next((a.tag for a in t.iterancestors(*REVISION_TAGS)), "")
            pieces.append((state, t.text or ""))
        text = ""
        for (state, piece), previous in zip(pieces, [("", ""), *pieces], strict=False):
            if text and piece and state != previous[0]:
                before, after = text[-1], piece[0]
                assert not _joins_previous(after), (text, piece)
                assert ord(before) != 0x200D, (text, piece)
                if _is_regional(before) and _is_regional(after):
                    count = len(text) - len(text.rstrip("".join(chr(c) for c in range(0x1F1E6, 0x1F200))))
                    assert count % 2 == 0, (text, piece)
            text += piece


EXOTIC_OLD = [
    "We welcome 👍🏽 all delegations 🇰🇿 and 🇰🇬 today.",
    "قال الرئيس: السَّلَامُ عَلَيْكُمْ ورحمة الله",
    "Family 👨‍👩‍👧 programme, 𝐀𝐁𝐂 bold maths, שלום עולם.",
    "Café société, e\u0301tude, ①②③.",
]
EXOTIC_NEW = [
    "We welcome 👍🏿 all delegations 🇰🇬 and 🇰🇿 today 🎉.",
    "قال الرئيس: السلام عليكم ورحمة الله وبركاته",
    "Family 👨‍👩‍👦 programme, 𝐀𝐁𝐃 bold maths, שלום לכולם.",
    "Café sociétés, étude, ①②④.",
]


def test_d4_emoji_and_right_to_left_text_redline_whole_characters(tmp_path):
    old = tmp_path / "old.md"
    new = tmp_path / "new.txt"
    old.write_text("\n\n".join(EXOTIC_OLD) + "\n", encoding="utf-8")
    new.write_text("\n".join(EXOTIC_NEW) + "\n", encoding="utf-8")
    out = tmp_path / "out.docx"
    result = invoke("redline", old, new, "--author", "وفد ما 👤", "--date", DATE, "-o", out)
    assert result.exit_code == 0, result.output
    assert revisions(out)
    assert {el.get(f"{W}author") for el in revisions(out)} == {"وفد ما 👤"}
    assert_no_split_grapheme(out)
    assert text_of(out, "accepted") == [unicodedata.normalize("NFC", t) for t in EXOTIC_NEW]
    assert text_of(out, "original") == [unicodedata.normalize("NFC", t) for t in EXOTIC_OLD]
    listed = invoke("amendments", out, "--json")
    assert listed.exit_code == 0
    for item in json.loads(listed.output):
        for text in (item["old"], item["new"]):
            assert not text or not _joins_previous(text[0])
            text.encode("utf-8")  # no lone surrogate


# -- the commands' normal output ---------------------------------------------------------------------------------

JSON_KEYS = {"id", "delegation", "paragraph", "kind", "old", "new", "date", "tracked"}


def _partly_tracked(almaty: Path, tmp_path: Path) -> Path:
    """Our redline by Kazakhstan, then one word changed with Track Changes off."""
    edited = tmp_path / "edited.md"
    md = almaty.with_suffix(".md").read_text(encoding="utf-8")
    md = md.replace("the draft Regional Action Plan", "the revised Regional Action Plan")
    md = md.replace("<!-- dp:place_date -->", "Adopted by consensus.\n\n<!-- dp:place_date -->")
    edited.write_text(md.replace("Kyrgyzstan\n", "Kyrgyz Republic\n"), encoding="utf-8")
    tracked = tmp_path / "tracked.docx"
    redline(almaty, edited, tracked, author="Delegation of Kazakhstan", date=DATE)
    with zipfile.ZipFile(tracked) as package:
        members = {info.filename: package.read(info) for info in package.infolist()}
    xml = members["word/document.xml"].decode("utf-8")
    assert xml.count(">Tajikistan<") == 1
    members["word/document.xml"] = xml.replace(">Tajikistan<", ">Tadjikistan<").encode("utf-8")
    path = tmp_path / "submission.docx"
    path.write_bytes(evil.zip_members(members))
    return path


def test_amendments_json_lists_tracked_and_untracked_changes_with_stable_ids(almaty, tmp_path):
    path = _partly_tracked(almaty, tmp_path)
    args = ("amendments", path, "--base", almaty, "--delegation", "TJK", "--json")
    first, second = invoke(*args), invoke(*args)
    assert first.exit_code == 0, first.output
    items = json.loads(first.output)
    assert isinstance(items, list) and items
    for item in items:
        assert set(item) >= JSON_KEYS
        assert isinstance(item["id"], str) and isinstance(item["tracked"], bool)
        assert item["kind"] in {"insert", "delete", "replace", "paragraph-insert", "paragraph-delete", "move",
                                "split", "join", "format"}
    assert [i["id"] for i in items] == [i["id"] for i in json.loads(second.output)]
    assert len({i["id"] for i in items}) == len(items)
    summary = [(i["kind"], i["delegation"], i["paragraph"], i["old"], i["new"], i["tracked"]) for i in items]
    assert summary == [
        ("replace", "Kazakhstan", "endorse_rap", "draft", "revised", True),
        ("replace", "Kazakhstan", "initial_members_kgz", "Kyrgyzstan", "Kyrgyz Republic", True),
        ("paragraph-insert", "Kazakhstan", "follow_up", "", "Adopted by consensus.", True),
        ("replace", "Tajikistan", "initial_members_tjk", "Tajikistan", "Tadjikistan", False),
    ]
    assert [i["date"] for i in items] == [DATE, DATE, DATE, None]
    plain = invoke("amendments", path, "--base", almaty, "--delegation", "TJK")
    assert plain.exit_code == 0
    assert len(plain.output.strip().splitlines()) == len(items)
    assert "(untracked)" in plain.output and "Tadjikistan" in plain.output


def test_text_command_prints_each_view(almaty, tmp_path):
    path = _partly_tracked(almaty, tmp_path)
    for view in ("accepted", "original", "all"):
        result = invoke("text", path, "--view", view)
        assert result.exit_code == 0
        assert result.output.splitlines() == text_of(path, view)
    assert "[-draft-][+revised+]" in invoke("text", path, "--view", "all").output
    assert invoke("text", path).output == invoke("text", path, "--view", "accepted").output


def test_accept_and_reject_write_clean_documents_with_the_two_views(almaty, tmp_path):
    path = _partly_tracked(almaty, tmp_path)
    for command, view in (("accept", "accepted"), ("reject", "original")):
        out = tmp_path / f"{command}.docx"
        result = invoke(command, path, "-o", out)
        assert result.exit_code == 0, result.output
        assert result.output.strip() == str(out)
        assert revisions(out) == []
        assert text_of(out) == text_of(path, view)
        version, _ = load_submission(out)
        assert not version.tracked
        assert [p.id for p in version.paragraphs if p.id] == [p.id for p in load_submission(path)[0].view(view) if
                                                              p.id]


@pytest.mark.libreoffice
def test_libreoffice_opens_accept_and_reject_outputs_as_its_own_accept_and_reject(almaty, tmp_path, libreoffice):
    path = _partly_tracked(almaty, tmp_path)
    invoke("accept", path, "-o", tmp_path / "a.docx")
    invoke("reject", path, "-o", tmp_path / "r.docx")
    norm = lambda texts: [" ".join(t.split()) for t in texts]  # noqa: E731
    assert norm(libreoffice.paragraphs(tmp_path / "a.docx")) == norm(libreoffice.paragraphs(path, "accept"))
    assert norm(libreoffice.paragraphs(tmp_path / "r.docx")) == norm(libreoffice.paragraphs(path, "reject"))
    assert libreoffice.redlines(tmp_path / "a.docx") == []


def test_redline_prints_the_output_path_and_writes_only_it(tmp_path):
    old = tmp_path / "old.md"
    old.write_text(GOOD_MD, encoding="utf-8")
    new = tmp_path / "new.txt"
    new.write_text("The Conference urges every State.\n", encoding="utf-8")
    out = tmp_path / "sub" / "out.docx"
    result = invoke("redline", old, new, "--author", "Kazakhstan", "--date", "2024-05-01", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(out)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["new.txt", "old.md", "out.docx", "sub"]
    assert {el.get(f"{W}date") for el in revisions(out)} == {"2024-05-01T00:00:00Z"}
    assert re.search(r"<w:trackRevisions/>", zipfile.ZipFile(out).read("word/settings.xml").decode())


def test_a_markdown_new_s_notes_are_not_taken_for_body_paragraphs(tmp_path: Path) -> None:
    """OLD a .docx with a footnote, NEW its Markdown: an unchanged note is no change (not a new body
    paragraph); a changed one is a named loss, exit 1 and nothing written, unless --lossy-ok."""
    from drafting.readers.files import LossError

    spec = tmp_path / "spec.yaml"
    spec.write_text("document: {id: n, title: T, place: P, date: 2025-06-05, profile: as-issued}\n"
                    "operative:\n  paragraphs:\n    - {id: op1, text: 'Decides to meet^[In Almaty.].'}\n"
                    "place_date: 'no'\n", encoding="utf-8")
    assemble_to(spec, tmp_path / "base", ("md", "docx"))
    old, text = tmp_path / "base" / "n.docx", (tmp_path / "base" / "n.md").read_text(encoding="utf-8")
    same = tmp_path / "same.md"
    same.write_text(text.replace("to meet", "to meet again"), encoding="utf-8")
    out = tmp_path / "out.docx"
    redline(old, same, out, author="Kazakhstan")
    texts = [p.text for p in load_submission(out, footnotes=False)[0].paragraphs]
    assert texts == ["T", "Decides to meet again."]
    changed = tmp_path / "changed.md"
    changed.write_text(text.replace("In Almaty.", "In Astana."), encoding="utf-8")
    with pytest.raises(LossError, match="footnote 1: changed in") as refused:
        redline(old, changed, tmp_path / "refused.docx", author="Kazakhstan")
    assert refused.value.source == str(changed)  # the file whose changes would be lost, not the one not written
    assert not (tmp_path / "refused.docx").exists()
