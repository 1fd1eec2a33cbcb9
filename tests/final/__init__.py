"""Acceptance tests of final authentic versions (issue 5), and the small builders they share.

The texts are tiny specs written at test time (a one-file clause library is enough: every paragraph is a
one-off) and a two-round negotiation on one of them, run through the library API exactly as the CLI runs it:
round 1 leaves three proposed paragraphs undecided, so Rev.1 numbers them "2 bis", "2 ter" and "4 bis" in
square brackets; round 2 removes the brackets and adds cross-references to "paragraph 2 bis" and
"paragraph 2 ter"; Rev.2 keeps the bis/ter numbers (the paragraphs were not yet agreed when it was issued);
then everything is marked agreed. The final text must renumber 1–7 and update every reference.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drafting import app as api
from tests.conftest import CLAUSES

ACTOR = "secretariat"
NAME = "decl"
TITLE = "Declaration on regional cooperation"
SUBJECT = "Regional cooperation on mixed migration"
KEYWORDS = ("mixed migration", "regional cooperation")
SYMBOL = "FX/2012/1"

OPERATIVE = (
    ("welcomes", "Welcomes", "the offer of the Government of Kazakhstan to host the secretariat",
     "Приветствует", "предложение Правительства Казахстана разместить секретариат"),
    ("establishes", "Decides", "to establish a secretariat for the Process",
     "Постановляет", "учредить секретариат Процесса"),
    ("requests", "Requests", "the secretariat to report on the implementation of paragraph 2",
     "Просит", "секретариат представить доклад об осуществлении пункта 2"),
    ("reviews", "Decides", "to review paragraph 3 at its next meeting",
     "Постановляет", "рассмотреть пункт 3 на своем следующем совещании"),
)
PREAMBULAR = (
    ("recalling", "Recalling", "its earlier meetings", "Ссылаясь", "на свои предыдущие совещания"),
    ("noting", "Noting", "the need for a permanent consultative forum",
     "Отмечая", "необходимость постоянного консультативного форума"),
)
# Round 1: three proposed new paragraphs (left undecided) and one amendment the chair rejects.
KAZ_NEW = "Invites the participating States to nominate national focal points"
KGZ_NEW = "Encourages the participating States to exchange information on mixed migration"
TJK_NEW = "Decides to meet again in 2013"
TKM_OLD, TKM_NEW = "to host the secretariat", "to host and fund the secretariat"
# Round 2: Kazakhstan lifts the brackets and refers to the new paragraphs by their bis/ter numbers.
REQUESTS_REV1 = "implementation of paragraph 2;"
REQUESTS_REV2 = "implementation of paragraph 2, paragraph 2 bis and paragraph 2 ter;"

# The clean final text of the negotiated declaration, as "label text" lines (canonical form).
FINAL_OPERATIVE = [
    "1. Welcomes the offer of the Government of Kazakhstan to host the secretariat;",
    "2. Decides to establish a secretariat for the Process;",
    "3. {bis}",
    "4. {ter}",
    "5. Requests the secretariat to report on the implementation of paragraph 2, paragraph 3 and paragraph 4;",
    "6. Decides to review paragraph 5 at its next meeting;",
    "7. Decides to meet again in 2013.",
]


def _entries(entries: tuple[tuple[str, ...], ...], russian: bool) -> str:
    def q(value: str) -> str:  # a YAML double-quoted scalar
        return json.dumps(value, ensure_ascii=False)

    out = ""
    for pid, opening, text, *ru in entries:
        translation = f", translations: {{ru: {{opening: {q(ru[0])}, text: {q(ru[1])}}}}}" if russian and ru else ""
        out += f"    - {{id: {pid}, opening: {q(opening)}, text: {q(text)}{translation}}}\n"
    return out


def write_spec(directory: Path, *, languages: tuple[str, ...] = ("en", "ru"), signatures: str | None = None,
               participants: tuple[str, ...] = ("KAZ", "KGZ", "TJK", "TKM"), place: str = "Almaty",
               date: str = "2012-09-07", operative: tuple[tuple[str, ...], ...] = OPERATIVE,
               title: str = TITLE, name: str = NAME, filename: str = "spec.yaml") -> Path:
    """A small un-resolution spec in `directory` (with its own clause library: no clauses, the project's
    registry, whose organisations the signatories may name); every paragraph is a one-off, with its Russian
    wording when Russian is one of the `languages`."""
    directory.mkdir(parents=True, exist_ok=True)
    library = directory / "clauses"
    library.mkdir(exist_ok=True)
    shutil.copy(CLAUSES / "registry.yaml", library / "registry.yaml")
    if signatures is None:
        signatures = "{form: blocks, signatories: [KAZ, KGZ, TKM]}"
    russian = "ru" in languages
    translations = "  translations: {ru: {title: Декларация о региональном сотрудничестве, place: Алматы}},\n" \
        if russian else ""
    spec = directory / filename
    spec.write_text(
        f"document: {{id: {name}, name: {name}, title: {title}, place: {place}, date: {date},\n"
        f"  profile: un-resolution, symbol: {SYMBOL}, subject: {SUBJECT}, keywords: [{', '.join(KEYWORDS)}],\n"
        f"{translations}"
        f"  participants: [{', '.join(participants)}], languages: [{', '.join(languages)}]}}\n"
        f"clauses: {library}\n"
        f"preamble:\n  paragraphs:\n{_entries(PREAMBULAR, russian)}"
        f"operative:\n  paragraphs:\n{_entries(operative, russian)}"
        "place_date: yes\n"
        f"signatures: {signatures}\n",
        encoding="utf-8",
    )
    return spec


def _after(text: str, pid: str, new: str) -> str:
    """A new paragraph after paragraph `pid` in our Markdown copy (before the next paragraph's marker)."""
    marker = f"<!-- dp:{pid} -->\n"
    start = text.index(marker)
    end = text.find("<!-- dp:", start + len(marker))
    end = len(text) if end < 0 else end
    return text[:end] + "\n" + new + "\n\n" + text[end:]


def _pending(ws: Path) -> list[str]:
    report = api.status_report(ws)
    return [a["id"] for p in report["paragraphs"] for a in p["amendments"] + p.get("proposed_after", [])
            if a.get("active", True) and a["decision"] == "pending"]


@dataclass(frozen=True)
class Negotiation:
    """A workspace and what the test needs to know about how it got there."""

    directory: Path
    spec: Path
    rev1: Path          # a copy of the workspace right after Rev.1 was issued (brackets, bis/ter numbers)
    agreed: Path        # the workspace at Rev.2, everything marked agreed
    new_ids: dict[str, str]  # "2 bis", "2 ter", "4 bis" -> paragraph id
    texts: dict[str, str]    # paragraph id -> its proposed text
    rejected: str            # the amendment rejected in round 1
    accepted: tuple[str, ...]  # the amendments accepted in round 2

    def final_operative(self) -> list[str]:
        bis, ter = self.texts[self.new_ids["2 bis"]], self.texts[self.new_ids["2 ter"]]
        return [line.format(bis=bis + ";", ter=ter + ";") for line in FINAL_OPERATIVE]


def negotiate(directory: Path, languages: tuple[str, ...] = ("en",), *,
              agree_before_revising: bool = False) -> Negotiation:
    """The two-round negotiation described in the module docstring (in English only by default: language
    versions of a negotiated text are another issue's subject). With `agree_before_revising` everything is
    marked agreed before Rev.2 is issued, so Rev.2 itself adopts and renumbers the new paragraphs."""
    spec = write_spec(directory / "spec", languages=languages)
    base = directory / "base"
    api.assemble_to(spec, base, ("md",))
    md = (base / f"{NAME}.md").read_text(encoding="utf-8")
    ws = directory / "ws"
    api.negotiation_init(ws, spec, actor=ACTOR)
    edits = {
        "KAZ": _after(md, "establishes", f"*{KAZ_NEW.split()[0]}* {KAZ_NEW.split(' ', 1)[1]};"),
        "KGZ": _after(md, "establishes", f"*{KGZ_NEW.split()[0]}* {KGZ_NEW.split(' ', 1)[1]};"),
        "TJK": _after(md, "reviews", f"*{TJK_NEW.split()[0]}* {TJK_NEW.split(' ', 1)[1]}."),
        "TKM": md.replace(TKM_OLD, TKM_NEW),
    }
    for delegation, text in edits.items():
        path = directory / f"{delegation.lower()}-r1.md"
        path.write_text(text, encoding="utf-8")
        api.submit(ws, delegation, path, actor=ACTOR)
    report = api.status_report(ws)
    rejected = next(a["id"] for p in report["paragraphs"] if p["id"] == "welcomes" for a in p["amendments"])
    api.decide(ws, rejected, "reject", note="no consensus on funding", actor="chair")
    api.revise(ws, directory / "rev1", ("md",), actor=ACTOR)
    report = api.status_report(ws)
    new_ids = {p["number"].rstrip("."): p["id"] for p in report["paragraphs"]
               if p["number"] and ("bis" in p["number"] or "ter" in p["number"])}
    assert sorted(new_ids) == ["2 bis", "2 ter", "4 bis"], report["paragraphs"]
    rev1 = directory / "ws-rev1"
    shutil.copytree(ws, rev1)
    # Round 2
    rev1_md = (directory / "rev1" / f"{NAME}-rev1.md").read_text(encoding="utf-8")
    assert rev1_md.count(REQUESTS_REV1) == 1
    edited = rev1_md.replace("\\[", "").replace("\\]", "").replace(REQUESTS_REV1, REQUESTS_REV2)
    path = directory / "kaz-r2.md"
    path.write_text(edited, encoding="utf-8")
    api.submit(ws, "KAZ", path, actor=ACTOR)
    accepted = tuple(_pending(ws))
    assert accepted
    for amendment in accepted:
        api.decide(ws, amendment, "accept", note="agreed in the second reading", actor="chair")
    if agree_before_revising:
        api.mark(ws, "ALL", "agreed", actor="chair")
    api.revise(ws, directory / "rev2", ("md",), actor=ACTOR)
    api.mark(ws, "ALL", "agreed", actor="chair")
    texts = {}
    for pid in new_ids.values():
        block = rev1_md.split(f"<!-- dp:{pid} -->\n", 1)[1].split("<!-- dp:", 1)[0]
        texts[pid] = next(t for t in (KAZ_NEW, KGZ_NEW, TJK_NEW) if t.split(" ", 1)[1] in block)
    return Negotiation(directory, spec, rev1, ws, new_ids, texts, rejected, accepted)


# -- reading outputs --------------------------------------------------------------------------------------


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_of(outdir: Path) -> dict[str, Any]:
    return json.loads((outdir / "manifest.json").read_bytes())


def write_manifest(outdir: Path, manifest: dict[str, Any]) -> None:
    """A forger's manifest, written as finalize writes one (so that what a test forges is what is checked)."""
    from drafting.final.manifest import dump

    (outdir / "manifest.json").write_bytes(dump(manifest))


def canonical_lines(manifest: dict[str, Any]) -> list[str]:
    """The canonical final text as manifest.json records it, one "label text" line per paragraph."""
    return [f"{p['label']} {p['text']}" if p["label"] else p["text"] for p in manifest["paragraphs"]]


def md_lines(path: Path) -> list[str]:
    """The paragraphs of a Markdown output as plain "label text" lines (markers, emphasis, escapes removed)."""
    blocks = re.split(r"<!-- dp:[a-z0-9_]+ -->\n", path.read_text(encoding="utf-8"))[1:]
    out = []
    for block in blocks:
        text = " ".join(block.split())
        text = re.sub(r"^#+ ", "", text)
        text = re.sub(r"\\(.)", r"\1", text.replace("*", ""))
        out.append(text)
    return out


def normalise(text: str) -> str:
    """The normalisation under which a PDF's text equals the canonical text: Unicode NFKC (pdftotext may emit
    ligatures and compatibility forms), every run of whitespace (line breaks, the tab or gap between a
    paragraph number and its text, page breaks) one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


PAGE_NUMBER = re.compile(r"^\s*-\s*\d+\s*-\s*$")


def pdf_text(path: Path, symbol: str = SYMBOL) -> str:
    """`pdftotext` output of `path`, running header and footer aside: on every page the first non-empty
    line when it is the document symbol (the header) and the last when it is a page number "- 1 -" (the
    footer) are dropped; the rest is joined and `normalise`d."""
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                            timeout=60)
    lines: list[str] = []
    for page in result.stdout.decode("utf-8").split("\f"):
        rows = [row for row in page.splitlines() if row.strip()]
        if rows and rows[0].strip() == symbol:
            rows = rows[1:]
        if rows and PAGE_NUMBER.match(rows[-1]):
            rows = rows[:-1]
        lines.extend(rows)
    return normalise("\n".join(lines))


def docx_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {info.filename: package.read(info.filename) for info in package.infolist()}


def rezip(path: Path, parts: dict[str, bytes]) -> None:
    """Write `parts` back to `path` as a .docx, in the same order (what a user's zip tool would do)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` with its bytes, to show that nothing was written or overwritten."""
    if not directory.exists():
        return {}
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}
