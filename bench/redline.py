"""Benchmark: whole-process `drafting redline OLD NEW` against python-redlines (Docxodus, XmlPowerTools).

A seeded generator writes pairs of ordinary Word files (python-docx, the same two files for every tool) at
8, 400 (~16k words) and 2,000 paragraphs (~80k words): a title, one third preambular paragraphs (italic
opening word, ends with a comma), the rest operative paragraphs ("List Number" style, italic opening verb),
about 40 words each. NEW is OLD with scattered word replacements, insertions and deletions (~6 % of the
paragraphs) and a few whole paragraphs inserted and deleted (~1 % each).

Each tool runs as a whole process, 5 times per size, alternating, after one untimed warm-up run; the
medians are compared. The peers run in their own venv under `bench/.work/peers/` (created on first use:
python-redlines is never a dependency of the project) through a tiny script that calls
`engine.run_redline(...)` and writes the bytes. Every output is then checked through LibreOffice: its
Accept All must give NEW's paragraphs and its Reject All OLD's (texts NFC-normalised, whitespace
collapsed). Last line: `ratio drafting/docxodus (max over sizes): X.XX` (goal <= 0.50).

`--corpus` instead scores correctness on whole Word documents, all three tools on two corpora in one run: pairs
written by hand in the shapes Word writes (`story_pairs`) and pairs edited through LibreOffice over UNO
(`bench/corpus_uno.py`). Right: LibreOffice's Accept All of the output reads as NEW and its Reject All as OLD,
story by story (body and cells, notes, text boxes, headers and footers), images (media hash) and equations
(OMML text) included; refused: drafting's exit 1 naming what it cannot write; silently wrong: exit 0 and a
wrong view.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work" / "redline"
PEERS = HERE / ".work" / "peers"
PEER_VENV = PEERS / "venv"
PEER_REQUIREMENT = "python-redlines[docxodus,ooxmlpowertools]==2.0.0"
AUTHOR = "Delegation A"
DATE = "2024-05-01T10:00:00Z"
SIZES = (8, 400, 2000)

PREAMBULAR = ("Recalling", "Noting with appreciation", "Recognizing", "Acknowledging", "Considering",
              "Bearing in mind", "Welcoming", "Reaffirming", "Expressing concern", "Emphasizing")
OPERATIVE = ("Decides", "Requests", "Encourages", "Invites", "Recommends", "Urges", "Calls upon", "Endorses",
             "Welcomes", "Requests further")
SUBJECTS = ("all Member States", "the Secretariat", "the regional commissions", "the Executive Director",
            "relevant United Nations entities", "international and regional organizations", "donor countries",
            "national statistical offices", "the Bureau of the Conference", "the States parties",
            "civil society and the private sector", "the Working Group", "countries of origin, transit and "
            "destination", "the Special Rapporteur")
VERBS = ("to strengthen", "to continue to support", "to develop and implement", "to consider", "to review",
         "to promote", "to enhance", "to facilitate", "to ensure", "to report on", "to coordinate",
         "to mainstream", "to allocate adequate resources for", "to take into account")
OBJECTS = ("regional cooperation on migration governance", "the protection of refugees and stateless persons",
           "national capacity for data collection and analysis", "durable solutions for displaced persons",
           "the exchange of information and good practices", "measures to combat trafficking in persons",
           "the implementation of the present resolution", "the rights of migrant workers and their families",
           "integrated border management consistent with international law",
           "gender-responsive and child-sensitive policies", "the sustainable development goals and targets",
           "the follow-up and review mechanisms of the Conference", "voluntary contributions to the trust fund",
           "technical assistance to developing countries")
CONNECTIVES = ("in accordance with", "taking into account", "with a view to supporting", "in close cooperation "
               "with", "within existing resources and in consultation with", "in line with")
REFERENCES = ("its resolution 72/179 of 19 December 2017", "the Global Compact for Safe, Orderly and Regular "
              "Migration", "the outcome of the ministerial conference held at Almaty", "the 2030 Agenda for "
              "Sustainable Development", "the relevant provisions of international human rights law",
              "the report of the Secretary-General on the subject", "the Convention relating to the Status of "
              "Refugees and its Protocol", "the conclusions of the expert group meeting")
TAILS = ("and to report thereon at its next session", "on a regular and predictable basis",
         "as appropriate and in accordance with national legislation", "with the full participation of all "
         "stakeholders", "at the national, regional and international levels", "without undue delay")
FILLER = ("further", "also", "fully", "effectively", "in particular", "inter alia", "as a matter of priority",
          "where possible", "consistently", "urgently", "comprehensive", "regional", "national", "timely")


# -- the generator -------------------------------------------------------------------------------------------


@dataclass
class Para:
    """One paragraph: its style, italic opening and the plain rest (leading space included)."""

    style: str
    opening: str
    rest: str

    @property
    def text(self) -> str:
        return self.opening + self.rest


def body(rng: random.Random, target: int) -> str:
    """About `target` words of conference prose (no opening word, no final punctuation)."""
    parts: list[str] = []
    while sum(len(p.split()) for p in parts) < target - 6:
        parts.append(rng.choice((
            f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}",
            f"{rng.choice(CONNECTIVES)} {rng.choice(REFERENCES)}",
            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}",
            f"{rng.choice(FILLER)} {rng.choice(OBJECTS)}",
        )))
    return ", ".join(parts)


def make_paragraph(rng: random.Random, kind: str) -> Para:
    words = rng.randint(34, 46)
    if kind == "pre":
        return Para("Normal", rng.choice(PREAMBULAR), f" {rng.choice(REFERENCES)}, {body(rng, words - 8)},")
    return Para("List Number", rng.choice(OPERATIVE), f" {body(rng, words - 1)};")


def generate_old(rng: random.Random, n: int) -> list[Para]:
    title = Para("Title", "", "Regional cooperation on migration, refugees and statelessness")
    pre = max(1, (n - 1) // 3)
    return [title] + [make_paragraph(rng, "pre" if i < pre else "op") for i in range(n - 1)]


def edit_words(rng: random.Random, rest: str) -> str:
    """One to three scattered word edits (replacement, insertion, deletion) in `rest`."""
    words = rest.split(" ")
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(("replace", "replace", "insert", "delete"))
        i = rng.randrange(1, len(words) - 1)  # never before the italic opening (token 0 is empty)
        if kind == "replace":
            span = rng.randint(1, 2)
            words[i:i + span] = rng.choice(rng.choice((FILLER, VERBS, SUBJECTS))).split(" ")
        elif kind == "insert":
            words[i:i] = rng.choice(FILLER).split(" ")
        elif len(words) > 12:
            del words[i:i + rng.randint(1, 3)]
    return " ".join(words)


def generate_new(rng: random.Random, old: list[Para]) -> tuple[list[Para], dict[str, int]]:
    """OLD with ~6 % of its paragraphs word-edited, ~1 % deleted and ~1 % new ones inserted."""
    n = len(old)
    candidates = list(range(1, n - 1))  # never the title, never the last paragraph (see the cheat sheet §1.3)
    rng.shuffle(candidates)
    n_edit = max(1, round(0.06 * n))
    n_del = max(1, round(0.01 * n))
    n_ins = max(1, round(0.01 * n))
    edited = set(candidates[:n_edit])
    deleted = set(candidates[n_edit:n_edit + n_del])
    inserted_after = set(rng.sample(range(1, n - 1), n_ins))
    new: list[Para] = []
    for i, p in enumerate(old):
        if i in deleted:
            continue
        new.append(Para(p.style, p.opening, edit_words(rng, p.rest)) if i in edited else p)
        if i in inserted_after:
            new.append(make_paragraph(rng, "pre" if p.style == "Normal" else "op"))
    return new, {"edited": len(edited), "deleted": len(deleted), "inserted": len(inserted_after)}


def write_docx(paras: list[Para], path: Path) -> None:
    import docx  # python-docx: ordinary Word files, the same ones for every tool

    document = docx.Document()
    document.core_properties.author = "Secretariat"
    for p in paras:
        para = document.add_paragraph(style=p.style)
        if p.opening:
            para.add_run(p.opening).italic = True
        para.add_run(p.rest)
    document.save(str(path))


@dataclass
class Pair:
    n: int
    old: Path
    new: Path
    old_texts: list[str]
    new_texts: list[str]
    words: int
    stats: dict[str, int] = field(default_factory=dict)


def generate(n: int, seed: int) -> Pair:
    rng = random.Random(seed * 100_003 + n)
    old = generate_old(rng, n)
    new, stats = generate_new(rng, old)
    folder = WORK / f"p{n}"
    folder.mkdir(parents=True, exist_ok=True)
    pair = Pair(n, folder / "old.docx", folder / "new.docx", [p.text for p in old], [p.text for p in new],
                sum(len(p.text.split()) for p in old), stats)
    write_docx(old, pair.old)
    write_docx(new, pair.new)
    return pair


# -- the tools -----------------------------------------------------------------------------------------------

PEER_SCRIPT = '''\
import sys, warnings
from pathlib import Path
warnings.simplefilter("ignore")
import python_redlines
engine_name, old, new, out, author, date = sys.argv[1:7]
if engine_name == "docxodus":
    data, stdout, stderr = python_redlines.DocxodusEngine().run_redline(author, Path(old), Path(new), date_time=date)
else:
    data, stdout, stderr = python_redlines.XmlPowerToolsEngine().run_redline(author, Path(old), Path(new))
if not data:  # XmlPowerTools prints "Error: ..." and exits 0 on failure
    sys.exit(f"{engine_name}: empty output; stdout={stdout!r} stderr={stderr!r}")
Path(out).write_bytes(data)
'''


def ensure_peers() -> Path:
    """The peer venv's python (created and filled on first use); writes the peer runner script."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    probe = subprocess.run([str(python), "-c", "import python_redlines, python_redlines_docxodus, "
                            "python_redlines_ooxmlpowertools"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", PEER_REQUIREMENT], check=True)
    (PEERS / "run_peer.py").write_text(PEER_SCRIPT, encoding="utf-8")
    return python


def commands(pair: Pair, peer_python: Path) -> dict[str, tuple[list[str], Path]]:
    drafting = str(Path(sys.executable).with_name("drafting"))
    folder = pair.old.parent
    out = {name: folder / f"{name}.docx" for name in ("drafting", "docxodus", "xmlpowertools")}
    runner = str(PEERS / "run_peer.py")
    return {
        "drafting": ([drafting, "redline", str(pair.old), str(pair.new), "--author", AUTHOR, "--date", DATE,
                      "-o", str(out["drafting"])], out["drafting"]),
        "docxodus": ([str(peer_python), runner, "docxodus", str(pair.old), str(pair.new), str(out["docxodus"]),
                      AUTHOR, DATE], out["docxodus"]),
        "xmlpowertools": ([str(peer_python), runner, "xmlpowertools", str(pair.old), str(pair.new),
                           str(out["xmlpowertools"]), AUTHOR, DATE], out["xmlpowertools"]),
    }


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall-clock seconds of the whole process, and its CPU seconds (user + system, children included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        raise RuntimeError(f"{Path(argv[0]).name} {' '.join(argv[1:3])} failed: {tail}")
    return elapsed, cpu


# -- correctness through LibreOffice -------------------------------------------------------------------------

SPACES = re.compile(r"\s+")


def norm(texts: list[str]) -> list[str]:
    return [SPACES.sub(" ", unicodedata.normalize("NFC", t)).strip() for t in texts]


def first_difference(got: list[str], want: list[str]) -> str:
    for i, (g, w) in enumerate(zip(got, want, strict=False)):
        if g != w:
            return f"para {i}: got {g[:60]!r} want {w[:60]!r}"
    return f"{len(got)} paragraphs, want {len(want)}"


def check(office: object, out: Path, pair: Pair) -> tuple[bool, str]:
    """Accept All == NEW and Reject All == OLD, paragraph for paragraph (LibreOffice's view)."""
    notes = []
    ok = True
    for mode, want in (("accept", pair.new_texts), ("reject", pair.old_texts)):
        got = norm(office.paragraphs(out, mode=mode))  # type: ignore[attr-defined]
        expected = norm(want)
        if got == expected:
            continue
        # The one documented exception (cheat sheet §1.3): a trailing empty paragraph left by a paragraph
        # mark that cannot be removed. The generator never touches the last paragraph, so this should not occur.
        if got[:-1] == expected and got[-1] == "":
            notes.append(f"{mode}: trailing empty paragraph (documented §1.3)")
            continue
        ok = False
        notes.append(f"{mode}: {first_difference(got, expected)}")
    return ok, "; ".join(notes) or "accept=new, reject=old"


# -- the story corpus: correctness on whole Word documents -----------------------------------------------------


def story_pairs() -> dict[str, tuple[bytes, bytes]]:
    """Pairs written by hand in the shapes Word writes (tests/fixtures/wordml.py): each changes one kind of
    content — a footnote, an endnote, a header, a text box, a table row or cell, an image, an equation."""
    sys.path.insert(0, str(ROOT))
    from tests.fixtures.wordml import (
        PNG_BLUE,
        PNG_RED,
        docx,
        equation,
        footnote_ref,
        image_run,
        p,
        r,
        table,
        text_box,
    )

    intro = p(r("The Conference,")) + p(r("Recalling its earlier decisions,"))
    end = p(r("Decides to remain seized of the matter."))
    note_body = intro + p(r("Noting the report"), footnote_ref(2), r(" of the Secretariat,")) + end
    pairs = {
        "body words": (docx(intro + end), docx(intro + p(r("Decides to remain actively seized of the matter.")))),
        "footnote edited": (docx(note_body, footnotes={2: p(r("Document A/1."))}),
                            docx(note_body, footnotes={2: p(r("Documents A/1 and A/2."))})),
        "footnote inserted": (docx(intro + p(r("Noting the report of the Secretariat,")) + end),
                              docx(note_body, footnotes={2: p(r("Document A/1."))})),
        "footnote deleted": (docx(note_body, footnotes={2: p(r("Document A/1."))}),
                             docx(intro + p(r("Noting the report of the Secretariat,")) + end)),
        "endnote edited": (docx(intro + p(r("Noting"), '<w:r><w:endnoteReference w:id="2"/></w:r>') + end,
                                endnotes={2: p(r("First reading."))}),
                           docx(intro + p(r("Noting"), '<w:r><w:endnoteReference w:id="2"/></w:r>') + end,
                                endnotes={2: p(r("Second reading."))})),
        "header edited": (docx(intro + end, header=p(r("A/CONF.1/L.1"))),
                          docx(intro + end, header=p(r("A/CONF.1/L.1/Rev.1")))),
        "text box edited": (docx(intro + p(r("See the box."), text_box(p(r("Key figures for 2023.")))) + end),
                            docx(intro + p(r("See the box."), text_box(p(r("Key figures for 2024.")))) + end)),
        "table row deleted": (docx(intro + table(["State", "Share"], ["KAZ", "40"], ["KGZ", "60"]) + end),
                              docx(intro + table(["State", "Share"], ["KAZ", "40"]) + end)),
        "table row inserted": (docx(intro + table(["State", "Share"], ["KAZ", "40"]) + end),
                               docx(intro + table(["State", "Share"], ["KAZ", "40"], ["KGZ", "60"]) + end)),
        "table cell edited": (docx(intro + table(["State", "Share"], ["KAZ", "40"]) + end),
                              docx(intro + table(["State", "Share"], ["KAZ", "45"]) + end)),
        "image replaced": (docx(intro + p(r("Map:"), image_run()) + end, images={"rIdImg1": PNG_RED}),
                           docx(intro + p(r("Map:"), image_run()) + end, images={"rIdImg1": PNG_BLUE})),
        "image inserted": (docx(intro + p(r("Map:")) + end, images={"rIdImg1": PNG_RED}),
                           docx(intro + p(r("Map:"), image_run()) + end, images={"rIdImg1": PNG_RED})),
        "equation changed": (docx(intro + p(r("Where "), equation("x", "=", "1")) + end),
                             docx(intro + p(r("Where "), equation("x", "=", "2")) + end)),
    }
    return pairs


def xml_objects(path: Path, view: str) -> list[str]:
    """Images (by media hash) and equations (by text) of a .docx's body in `view` ("accept": those not inside
    a deletion; "reject": those not inside an insertion), read from the XML with the standard library only."""
    import hashlib
    import xml.etree.ElementTree as ET
    import zipfile

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    gone = (f"{w}del", f"{w}moveFrom") if view == "accept" else (f"{w}ins", f"{w}moveTo")
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("word/document.xml"))
        rels = ET.fromstring(zf.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target") for rel in rels}
        parents = {child: parent for parent in root.iter() for child in parent}
        out = []
        for el in root.iter():
            local = el.tag.rsplit("}", 1)[-1]
            if local not in ("blip", "oMath"):
                continue
            node, hidden = el, False
            while node in parents:
                node = parents[node]
                hidden = hidden or node.tag in gone
            if hidden:
                continue
            if local == "oMath":  # its text in this view; an equation left with none is gone
                kept = []
                for node in el.iter():
                    if not node.tag.endswith("}t"):
                        continue
                    up, dropped = node, False
                    while up is not el and up in parents:
                        up = parents[up]
                        dropped = dropped or up.tag in gone
                    if not dropped:
                        kept.append(node.text or "")
                if "".join(kept).strip():
                    out.append("eq:" + "".join(kept))
            else:
                rid = el.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed", "")
                target = targets.get(rid) or ""
                name = target.lstrip("/") if target.startswith("/") else "word/" + target
                blob = zf.read(name) if target and name in zf.namelist() else b""
                out.append("img:" + hashlib.sha256(blob).hexdigest()[:12])
    return sorted(out)


def corpus_pairs(office: object) -> dict[str, dict[str, tuple[Path, Path]]]:
    """Both corpora as files: the hand-written pairs (written afresh) and the pairs edited through LibreOffice
    (`bench/corpus_uno.py`, built through `office` or reused from its cache)."""
    sys.path.insert(0, str(HERE))
    import corpus_uno

    def place(corpus: str, name: str, old_bytes: bytes, new_bytes: bytes) -> tuple[Path, Path]:
        folder = WORK / corpus / name.replace(" ", "-")  # one folder per pair: the tools write beside it
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "old.docx").write_bytes(old_bytes)
        (folder / "new.docx").write_bytes(new_bytes)
        return folder / "old.docx", folder / "new.docx"

    hand = {name: place("corpus", name, *pair) for name, pair in story_pairs().items()}
    uno = {name: place("corpus-uno", name, old.read_bytes(), new.read_bytes())
           for name, (old, new) in corpus_uno.build(office).items()}
    return {"written by hand in Word's shapes (tests/fixtures/wordml.py)": hand,
            "edited through LibreOffice over UNO (bench/corpus_uno.py)": uno}


def run_tool(argv: list[str], out: Path, tool: str) -> tuple[str, str]:
    """Run one tool; ("ran", "") when it wrote `out` and exited 0, else its verdict and stderr's last line:
    "refused" for drafting's exit 1 naming what it cannot write (issue 11), "failed" for any other exit."""
    out.unlink(missing_ok=True)
    proc = subprocess.run(argv, capture_output=True, text=True)
    tail = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1][:200]
    if proc.returncode == 0 and out.exists():
        return "ran", tail if proc.stderr.strip() else ""
    if tool == "drafting" and proc.returncode == 1:
        return "refused", tail
    return "failed", f"exit {proc.returncode}: {tail}"


def view_difference(got: dict[str, object], want: dict[str, object]) -> str:
    """Which stories of a tool's view differ from the wanted ones, with the first difference, briefly."""
    got_s, want_s = got["stories"], want["stories"]
    assert isinstance(got_s, dict) and isinstance(want_s, dict)
    pairs = [(key, got[key], want[key]) for key in ("body", "objects")]
    pairs += [(key, got_s.get(key), want_s.get(key)) for key in sorted(set(got_s) | set(want_s))]
    differing = [(key, g, w) for key, g, w in pairs if g != w]
    if not differing:
        return "?"
    key, g, w = differing[0]
    others = f" (also {', '.join(k for k, _, _ in differing[1:])})" if differing[1:] else " (only this story)"
    if isinstance(g, list) and isinstance(w, list):  # the first item that differs, not the common start
        i = next((i for i, (x, y) in enumerate(zip(g, w, strict=False)) if x != y), min(len(g), len(w)))
        return f"{key}[{i}]: got {g[i:i + 2]!r:.150} want {w[i:i + 2]!r:.150} ({len(g)} vs {len(w)} items){others}"
    return f"{key}: got {g!r:.150} want {w!r:.150}{others}"


def corpus_table(peer_python: Path | None) -> int:
    """Run every tool on every pair of both corpora; a tool is right on a pair when LibreOffice's Accept All of
    its output reads as NEW and its Reject All as OLD (body and table cells, notes, frames and text boxes,
    headers and footers) and the images and equations of both views match (XML). drafting refusing a pair
    (exit 1, naming the change it cannot write) is counted as refused; a tool exiting 0 with a wrong result is
    silently wrong; any other non-zero exit is failed."""
    sys.path.insert(0, str(ROOT))
    from tests.oracle.libreoffice import OracleError, libreoffice_session

    tools = ["drafting"] + (["docxodus", "xmlpowertools"] if peer_python is not None else [])
    verdict: dict[tuple[str, str, str], str] = {}  # (corpus, pair, tool)
    notes: list[str] = []
    sys.path.insert(0, str(HERE))
    import corpus_uno  # its ORACLE_LIMITS name the pairs LibreOffice cannot judge fully

    with libreoffice_session() as office:
        corpora = corpus_pairs(office)
        limits = corpus_uno.ORACLE_LIMITS
        for corpus, pairs in corpora.items():
            short = "UNO" if "UNO" in corpus else "hand"
            for name, (old, new) in pairs.items():
                pair = Pair(0, old, new, [], [], 0, {})
                want = {"accept": _client_view(office, new, "as-is", new),
                        "reject": _client_view(office, old, "as-is", old)}
                mine = old.with_name("drafting.docx")
                cmds = commands(pair, peer_python) if peer_python is not None else {
                    "drafting": ([str(Path(sys.executable).with_name("drafting")), "redline", str(old), str(new),
                                  "--author", AUTHOR, "--date", DATE, "-o", str(mine)], mine)}
                for tool in tools:
                    argv, out = cmds[tool]
                    status, detail = run_tool(argv, out, tool)
                    if status != "ran":
                        verdict[corpus, name, tool] = status
                        notes.append(f"{short} {name} / {tool}: {status}: {detail}")
                        continue
                    wrong, limited = [], []
                    for mode in ("accept", "reject"):
                        try:
                            got = _client_view(office, out, mode, out)
                        except OracleError as exc:
                            wrong.append(f"{mode}: LibreOffice: {str(exc)[:150]}")
                            continue
                        if got == want[mode]:
                            continue
                        if name in limits and _without_empty(got) == _without_empty(want[mode]):
                            limited.append(f"{mode}: {view_difference(got, want[mode])}")
                        else:
                            wrong.append(f"{mode}: {view_difference(got, want[mode])}")
                    verdict[corpus, name, tool] = "WRONG" if wrong else "right*" if limited else "right"
                    if limited and not wrong:
                        notes.append(f"{short} {name} / {tool}: right but for empty paragraphs ({limits[name]}): "
                                     f"{'; '.join(limited)}")
                    if wrong:
                        notes.append(f"{short} {name} / {tool}: silently wrong (exit 0): {'; '.join(wrong)}")
                    elif detail:
                        notes.append(f"{short} {name} / {tool}: right; stderr: {detail}")
    width = max(len(n) for pairs in corpora.values() for n in pairs)
    for corpus, pairs in corpora.items():
        print(f"\n{len(pairs)} pairs {corpus}")
        print(f"{'pair':<{width}}  " + "  ".join(f"{t:>13}" for t in tools))
        for name in pairs:
            print(f"{name:<{width}}  " + "  ".join(f"{verdict[corpus, name, t]:>13}" for t in tools))
        for tool in tools:
            counts = {v: sum(1 for n in pairs if verdict[corpus, n, tool] == v)
                      for v in ("right", "right*", "refused", "WRONG", "failed")}
            starred = f" (+{counts['right*']} right*)" if counts["right*"] else ""
            print(f"{tool}: right {counts['right']}/{len(pairs)}{starred}, "
                  f"refused (exit 1, named) {counts['refused']}, "
                  f"silently wrong (exit 0) {counts['WRONG']}, failed (other exit) {counts['failed']}")
    if notes:
        print("\nnotes:")
        for line in notes:
            print(f"  {line}")
    return 0


def _without_empty(view: dict[str, object]) -> dict[str, object]:
    """`view` with its empty body paragraphs left out (for the pairs in corpus_uno.ORACLE_LIMITS only)."""
    body = view["body"]
    assert isinstance(body, list)
    return {**view, "body": [text for text in body if text]}


def _client_view(office: object, path: Path, mode: str, xml_path: Path) -> dict[str, object]:
    stories = office.stories(path, mode=mode)  # type: ignore[attr-defined]
    stories.pop("images", None)
    stories.pop("formulas", None)
    return {"body": norm(office.paragraphs(path, mode=mode)),  # type: ignore[attr-defined]
            "stories": {k: norm(v) for k, v in stories.items()},
            "objects": xml_objects(xml_path, "reject" if mode == "reject" else "accept")}


# -- main ----------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--no-check", action="store_true", help="skip the LibreOffice correctness check")
    parser.add_argument("--corpus", action="store_true",
                        help="only the correctness table on both story corpora (notes, tables, boxes, images…): "
                             "pairs written by hand and pairs edited through LibreOffice (bench/corpus_uno.py)")
    args = parser.parse_args()
    peer_python = ensure_peers()
    if args.corpus:
        return corpus_table(peer_python)
    print(f"load average at start: {os.getloadavg()[0]:.2f} (other work on the machine inflates wall times)")
    tools = ("drafting", "docxodus", "xmlpowertools")
    results: dict[int, dict[str, list[float]]] = {}
    cpu_results: dict[int, dict[str, list[float]]] = {}
    pairs: dict[int, Pair] = {}
    for n in args.sizes:
        pair = pairs[n] = generate(n, args.seed)
        cmds = commands(pair, peer_python)
        for tool in tools:  # warm-up: page cache, the engines' one-time binary extraction
            timed(cmds[tool][0])
        times: dict[str, list[float]] = {tool: [] for tool in tools}
        cpus: dict[str, list[float]] = {tool: [] for tool in tools}
        for _ in range(args.runs):
            for tool in tools:
                wall, cpu = timed(cmds[tool][0])
                times[tool].append(wall)
                cpus[tool].append(cpu)
        results[n] = times
        cpu_results[n] = cpus
        print(f"{n} paragraphs ({pair.words} words; {pair.stats['edited']} word-edited, "
              f"{pair.stats['deleted']} deleted, {pair.stats['inserted']} inserted; "
              f"load average {os.getloadavg()[0]:.2f}):", flush=True)
        for tool in tools:
            print(f"  {tool:14s} median {statistics.median(times[tool]):7.3f} s  "
                  f"(cpu {statistics.median(cpus[tool]):6.3f} s)  runs {[round(t, 3) for t in times[tool]]}",
                  flush=True)
    verdicts: dict[tuple[int, str], tuple[bool, str]] = {}
    if not args.no_check:
        sys.path.insert(0, str(ROOT))
        from tests.oracle.libreoffice import libreoffice_session

        with libreoffice_session() as office:
            for n, pair in pairs.items():
                for tool, (_, out) in commands(pair, peer_python).items():
                    verdicts[n, tool] = check(office, out, pair)
    print()
    print(f"{'paragraphs':>10} {'drafting s':>11} {'docxodus s':>11} {'xmlpt s':>9} {'drafting/docxodus':>18} "
          f"{'(cpu)':>6}  correct (drafting, docxodus, xmlpowertools)")
    ratios = []
    for n, times in results.items():
        med = {tool: statistics.median(times[tool]) for tool in tools}
        ratio = med["drafting"] / med["docxodus"]
        ratios.append(ratio)
        cpu_ratio = statistics.median(cpu_results[n]["drafting"]) / statistics.median(cpu_results[n]["docxodus"])
        correct = ", ".join(("ok" if verdicts[n, t][0] else "FAIL") if (n, t) in verdicts else "-" for t in tools)
        print(f"{n:>10} {med['drafting']:>11.3f} {med['docxodus']:>11.3f} {med['xmlpowertools']:>9.3f} "
              f"{ratio:>18.2f} {cpu_ratio:>6.2f}  {correct}")
    for (n, tool), (ok, note) in verdicts.items():
        if not ok or "documented" in note:
            print(f"  {n} paragraphs, {tool}: {note}")
    print(f"machine: {os.cpu_count()} cores; python-redlines 2.0.0 (Docxodus, XmlPowerTools) in {PEER_VENV}")
    print(f"ratio drafting/docxodus (max over sizes): {max(ratios):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
