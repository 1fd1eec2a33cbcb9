"""Benchmark: 193 delegations submit to one negotiation workspace, then `drafting compile` builds the compilation.

A seeded generator writes a 300-paragraph spec (100 preambular, 200 operative paragraphs, every twentieth
operative one with three sub-items, drawn from a clause library), opens a workspace on it
(`drafting negotiation init`) and renders the revision (`drafting assemble --format md,docx`). Each of the
193 UN Member States then makes 5–20 amendments (word replacements, insertions and deletions, a few new
paragraphs and paragraph deletions), sent in the mix a secretariat receives: mostly tracked-changes .docx
(`drafting redline` of the revision's .docx, author the State), some edited Markdown, some clean edited
.docx (tracked changes accepted) and a few partly tracked .docx (an untracked edit, then tracked ones).
Some amendments overlap on purpose: identical changes from several delegations (merged, joint attribution),
different changes to the same words (conflicts, shown as alternatives), new paragraphs on a shared anchor
(bis, ter), a paragraph deleted while others amend it. A third of the tracked returns carry a Word comment,
and every tenth delegation supports five amendments of another (`drafting support`). Generating the files
is not timed.

Timed, each as a whole process: every `drafting submit` (one after another, with a progress bar), then
`drafting compile WS -o OUT` (3 runs, median; peak RSS of each compile process from `os.wait4`). The outputs
are checked: compilation.docx/.md/.html exist, every XML part of compilation.docx re-parses, and its
tracked-change authors are the delegations `drafting status --json` says have placed, non-conflicting
proposals (plus the secretariat, author of the alternatives). Goal (issue 4): compile <= 10 s and peak
memory <= 1 GB on a 2-core machine. Then, timed beside it: every live amendment decided in one batch call
(`decide --from-file`, issue 14: <= 5 s) and the reflection report for all delegations (`reflect --json`).
Last line: `compile seconds: X.XX, peak MiB: Y`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "compile"
DRAFTING = str(Path(sys.executable).with_name("drafting"))
GOAL_SECONDS = 10.0
GOAL_MIB = 1024

_VOCABULARY = ("migration protection regional cooperation framework refugees asylum States coordination capacity "
         "national international secretariat ministerial conference process plan measures support dialogue "
         "information exchange trafficking smuggling stateless persons labour migrants border management "
         "durable solutions implementation review partners organizations data statistics returns reintegration "
         "resettlement remittances diaspora children women youth rights law policy funding assistance "
         "monitoring evaluation governance health education employment displacement climate")
WORDS = _VOCABULARY.split()
PREAMBULAR = ("Recalling", "Noting", "Recognizing", "Acknowledging", "Considering", "Bearing in mind", "Welcoming",
              "Reaffirming", "Emphasizing", "Expressing concern")
OPERATIVE = ("Decides", "Requests", "Encourages", "Invites", "Recommends", "Urges", "Calls upon", "Endorses",
             "Welcomes", "Stresses")
NEW_PREAMBULAR = ("Mindful", "Convinced", "Deeply concerned", "Taking note")
NEW_OPERATIVE = ("Emphasizes", "Underlines", "Appeals", "Commends")

# The 193 Member States of the United Nations (short names; the registry's spelling where it has the State).
STATES = (
    "Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Antigua and Barbuda", "Argentina", "Armenia",
    "Australia", "Austria", "Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium",
    "Belize", "Benin", "Bhutan", "Bolivia (Plurinational State of)", "Bosnia and Herzegovina", "Botswana", "Brazil",
    "Brunei Darussalam", "Bulgaria", "Burkina Faso", "Burundi", "Cabo Verde", "Cambodia", "Cameroon", "Canada",
    "Central African Republic", "Chad", "Chile", "China", "Colombia", "Comoros", "Congo", "Costa Rica",
    "Côte d'Ivoire", "Croatia", "Cuba", "Cyprus", "Czechia", "Democratic People's Republic of Korea",
    "Democratic Republic of the Congo", "Denmark", "Djibouti", "Dominica", "Dominican Republic", "Ecuador", "Egypt",
    "El Salvador", "Equatorial Guinea", "Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji", "Finland", "France",
    "Gabon", "Gambia", "Georgia", "Germany", "Ghana", "Greece", "Grenada", "Guatemala", "Guinea", "Guinea-Bissau",
    "Guyana", "Haiti", "Honduras", "Hungary", "Iceland", "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel",
    "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan", "Kenya", "Kiribati", "Kuwait", "Kyrgyzstan",
    "Lao People's Democratic Republic", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Liechtenstein",
    "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands",
    "Mauritania", "Mauritius", "Mexico", "Micronesia (Federated States of)", "Monaco", "Mongolia", "Montenegro",
    "Morocco", "Mozambique", "Myanmar", "Namibia", "Nauru", "Nepal", "Netherlands", "New Zealand", "Nicaragua",
    "Niger", "Nigeria", "North Macedonia", "Norway", "Oman", "Pakistan", "Palau", "Panama", "Papua New Guinea",
    "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Qatar", "Republic of Korea", "Republic of Moldova",
    "Romania", "Russian Federation", "Rwanda", "Saint Kitts and Nevis", "Saint Lucia",
    "Saint Vincent and the Grenadines", "Samoa", "San Marino", "Sao Tome and Principe", "Saudi Arabia", "Senegal",
    "Serbia", "Seychelles", "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Solomon Islands", "Somalia",
    "South Africa", "South Sudan", "Spain", "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland",
    "Syrian Arab Republic", "Tajikistan", "Thailand", "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia",
    "Turkey", "Turkmenistan", "Tuvalu", "Uganda", "Ukraine", "United Arab Emirates",
    "United Kingdom of Great Britain and Northern Ireland", "United Republic of Tanzania", "United States of America",
    "Uruguay", "Uzbekistan", "Vanuatu", "Venezuela (Bolivarian Republic of)", "Viet Nam", "Yemen", "Zambia",
    "Zimbabwe",
)
# States in clauses/registry.yaml: some submit by code, with "Delegation of …" as the Word author.
REGISTRY_CODES = {"Kazakhstan": "KAZ", "Kyrgyzstan": "KGZ", "Tajikistan": "TJK", "Uzbekistan": "UZB",
                  "Turkmenistan": "TKM", "Russian Federation": "RUS"}
FORMATS = (("tracked", 0.70), ("md", 0.15), ("clean", 0.10), ("mixed", 0.05))
_PARAGRAPH = re.compile(r"^(\s*(?:\d+\\\.\s+|\([a-z]\)\s+)?\*[^*]+\*)\s+(\S.*)$")


# -- progress -------------------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr (redrawn in place on a terminal, every 10 % otherwise)."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self.started = time.perf_counter()
        self.tty = sys.stderr.isatty()
        self.shown = -1

    def step(self, note: str = "") -> None:
        self.done += 1
        tenth = self.done * 10 // self.total
        if not self.tty and tenth == self.shown and self.done != self.total:
            return
        self.shown = tenth
        filled = self.done * 30 // self.total
        elapsed = time.perf_counter() - self.started
        line = f"{self.label} [{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total} {elapsed:6.1f} s {note}"
        sys.stderr.write(("\r" + line[:110].ljust(110)) if self.tty else line + "\n")
        if self.tty and self.done == self.total:
            sys.stderr.write("\n")
        sys.stderr.flush()


# -- the draft ------------------------------------------------------------------------------------------------


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate_spec(paragraphs: int, rng: random.Random) -> Path:
    """The spec and its clause library (like bench/assemble.py, with longer, more varied paragraphs)."""
    library = WORK / "clauses"
    library.mkdir(parents=True)
    clauses = []
    for i in range(20):
        clauses.append(f"- id: bench.pp.{i}\n  kind: preambular\n  opening: {PREAMBULAR[i % len(PREAMBULAR)]}\n"
                       f"  text: \"that the {{{{ subject }}}} {sentence(rng, rng.randint(18, 26))}\"\n"
                       f"  params: {{subject: {{required: yes}}}}\n")
    for i in range(30):
        clauses.append(f"- id: bench.op.{i}\n  kind: operative\n  opening: {OPERATIVE[i % len(OPERATIVE)]}\n"
                       f"  text: \"the {{{{ subject }}}} to {sentence(rng, rng.randint(18, 26))}\"\n"
                       f"  params: {{subject: {{required: yes}}}}\n")
    clauses.append("- id: bench.op.items\n  kind: operative\n  opening: Decides\n  text: \"to {{ subject }}:\"\n"
                   "  params: {subject: {required: yes}}\n  items:\n"
                   + "".join(f"    - {{opening: To, text: \"{sentence(rng, 14)}\"}}\n" for _ in range(3)))
    (library / "bench.yaml").write_text("".join(clauses), encoding="utf-8")
    pre_count = paragraphs // 3
    spec = [
        "document:\n  id: bench-compile\n  name: bench\n  title: Benchmark declaration on regional cooperation\n"
        "  place: Almaty\n  date: 2024-05-01\n  symbol: BENCH/2024/2\n  profile: un-resolution\n",
        f"clauses: {library}\n",
        "preamble:\n  paragraphs:\n",
    ]
    for i in range(pre_count):
        spec.append(f"    - {{clause: bench.pp.{rng.randrange(20)}, id: pp{i}, "
                    f"params: {{subject: {sentence(rng, rng.randint(8, 14))}}}}}\n")
    spec.append("operative:\n  paragraphs:\n")
    for i in range(paragraphs - pre_count):
        clause = "bench.op.items" if i % 20 == 19 else f"bench.op.{rng.randrange(30)}"
        subject = sentence(rng, rng.randint(8, 14))
        spec.append(f"    - {{clause: {clause}, id: op{i}, params: {{subject: {subject}}}}}\n")
    path = WORK / "bench.yaml"
    path.write_text("".join(spec), encoding="utf-8")
    return path


@dataclass
class Chunk:
    """One block of the revision's Markdown: `<!-- dp:id -->` and its paragraph line(s)."""

    id: str | None
    text: str
    prefix: str = ""  # the label and italic opening, for an editable paragraph
    words: list[str] = field(default_factory=list)  # the rest, split on spaces (the last keeps its punctuation)


def parse_markdown(text: str) -> list[Chunk]:
    chunks = []
    for raw in text.rstrip("\n").split("\n\n"):
        marker = re.match(r"^<!-- dp:([a-z0-9_]+) -->\n(.*)$", raw, re.DOTALL)
        if marker is None:
            chunks.append(Chunk(None, raw))
            continue
        chunk = Chunk(marker.group(1), marker.group(2))
        line = _PARAGRAPH.match(chunk.text)
        if line and "\n" not in chunk.text:
            chunk.prefix, chunk.words = line.group(1), line.group(2).split(" ")
        chunks.append(chunk)
    return chunks


# -- the amendments -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """A change to one paragraph's words: words[start:end] become `new` (insertion when start == end)."""

    paragraph: str
    start: int
    end: int
    new: tuple[str, ...]


@dataclass
class Plan:
    """What one delegation changes, and in which kind of file it sends it."""

    state: str
    fmt: str
    edits: list[Edit] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)
    new_paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (anchor id, text)

    @property
    def count(self) -> int:
        return len(self.edits) + len(self.deletions) + len(self.new_paragraphs)

    def touched(self) -> set[str]:
        return {e.paragraph for e in self.edits} | set(self.deletions)


def other_word(rng: random.Random, *avoid: str) -> str:
    while True:
        word = rng.choice(WORDS)
        if word not in avoid:
            return word


def make_plans(chunks: list[Chunk], rng: random.Random) -> tuple[list[Plan], dict[str, int]]:
    """Every delegation's amendments: deliberate overlaps first, then independent changes on free words."""
    editable = {c.id: c for c in chunks if c.id and c.words and len(c.words) >= 8}
    ids = list(editable)
    has_items = {c.id.rsplit("_", 1)[0] for c in chunks if c.id and re.fullmatch(r"op\d+_[a-z]", c.id)}
    anchors = [i for i in ids if re.fullmatch(r"(pp|op)\d+", i) and i not in has_items]
    plans = [Plan(state, rng.choices([f for f, _ in FORMATS], [w for _, w in FORMATS])[0]) for state in STATES]
    target = {p.state: rng.randint(5, 20) for p in plans}
    claimed: dict[str, set[int]] = {i: set() for i in ids}
    stats = {"identical spots": 0, "conflict spots": 0, "deleted paragraphs": 0, "new-paragraph anchors": 0}

    def members(k: int, paragraph: str | None = None) -> list[Plan]:
        pool = [p for p in plans if p.count < target[p.state] and (paragraph is None or paragraph not in p.touched())]
        return rng.sample(pool, min(k, len(pool)))

    def spot(paragraph: str, width: int) -> tuple[int, int]:
        words = editable[paragraph].words
        for _ in range(50):
            start = rng.randrange(1, len(words) - 1 - width)
            span = set(range(start - 1, start + width + 1))
            if not span & claimed[paragraph]:
                claimed[paragraph] |= span
                return start, start + width
        return -1, -1

    deleted = rng.sample(ids, 6)
    for paragraph in deleted:
        claimed[paragraph] = set(range(len(editable[paragraph].words)))
    live = [i for i in ids if i not in deleted]
    # Identical proposals from several delegations: merged, with joint attribution.
    for paragraph in rng.sample(live, 30):
        start, end = spot(paragraph, rng.choice((0, 1, 1, 2)))
        if start < 0:
            continue
        words = editable[paragraph].words
        new: tuple[str, ...] = () if end > start and rng.random() < 0.3 else (other_word(rng, *words[start:end + 1]),)
        for plan in members(rng.randint(2, 6), paragraph):
            plan.edits.append(Edit(paragraph, start, end, new))
        stats["identical spots"] += 1
    # Different changes to the same words: a conflict, shown as alternatives.
    for paragraph in rng.sample(live, 20):
        start, end = spot(paragraph, 1)
        if start < 0:
            continue
        words = editable[paragraph].words
        used: set[str] = set()
        for n, plan in enumerate(members(rng.randint(2, 4), paragraph)):
            if n == 2:
                plan.edits.append(Edit(paragraph, start, end, ()))
                continue
            word = other_word(rng, words[start - 1], words[start], words[end], *used)
            used.add(word)
            plan.edits.append(Edit(paragraph, start, end, (word,)))
        stats["conflict spots"] += 1
    # Paragraph deletions: two delegations each on five paragraphs; one paragraph deleted while others amend it.
    for n, paragraph in enumerate(deleted):
        group = members(2 if n < 5 else 1, paragraph)
        for plan in group:
            plan.deletions.append(paragraph)
        if n == 5:
            claimed[paragraph] = set()
            for plan in members(2, paragraph):
                start, end = spot(paragraph, 1)
                if start >= 0:
                    plan.edits.append(Edit(paragraph, start, end, (other_word(rng, *editable[paragraph].words),)))
        stats["deleted paragraphs"] += 1
    # New paragraphs: ten anchors get two different ones (bis, ter), four the same text from two delegations.
    for n, anchor in enumerate(rng.sample([a for a in anchors if a not in deleted], 30)):
        preambular = anchor.startswith("pp")
        shared = f"*{rng.choice(NEW_PREAMBULAR if preambular else NEW_OPERATIVE)}* the {sentence(rng, 16)}" + (
            "," if preambular else ";")
        for plan in members(2 if n < 14 else 1):
            text = shared if 10 <= n < 14 else (
                f"*{rng.choice(NEW_PREAMBULAR if preambular else NEW_OPERATIVE)}* the "
                f"{sentence(rng, rng.randint(12, 24))}{',' if preambular else ';'}")
            plan.new_paragraphs.append((anchor, text))
        stats["new-paragraph anchors"] += 1
    # Independent changes on words nobody else touches, up to each delegation's count.
    for plan in plans:
        while plan.count < target[plan.state]:
            free = [i for i in live if i not in plan.touched()]
            paragraph = rng.choice(free)
            words = editable[paragraph].words
            kind = rng.choices(("replace", "insert", "delete"), (0.5, 0.25, 0.25))[0]
            width = 0 if kind == "insert" else rng.choice((1, 1, 2))
            start, end = spot(paragraph, width)
            if start < 0:
                continue
            if kind == "delete":
                new = ()
            elif kind == "insert":
                new = tuple(other_word(rng, words[start - 1], words[start]) for _ in range(rng.randint(1, 3)))
            else:
                new = tuple(other_word(rng, *words[start - 1:end + 1]) for _ in range(rng.randint(1, 2)))
            plan.edits.append(Edit(paragraph, start, end, new))
    return plans, stats


def edited_markdown(chunks: list[Chunk], edits: list[Edit], deletions: list[str],
                    new_paragraphs: list[tuple[str, str]]) -> str:
    """The revision's Markdown (its identity header kept) with the changes made."""
    by_paragraph = {e.paragraph: e for e in edits}
    out: list[str] = []
    for chunk in chunks:
        if chunk.id is None:
            out.append(chunk.text)
            continue
        if chunk.id in deletions:
            continue
        text = chunk.text
        edit = by_paragraph.get(chunk.id)
        if edit is not None:
            words = chunk.words[:edit.start] + list(edit.new) + chunk.words[edit.end:]
            text = f"{chunk.prefix} {' '.join(words)}"
        out.append(f"<!-- dp:{chunk.id} -->\n{text}")
        out.extend(new for anchor, new in new_paragraphs if anchor == chunk.id)
    return "\n\n".join(out) + "\n"


def make_submission(job: tuple[Plan, int, str, str]) -> tuple[str, str, str]:
    """Write one delegation's file; return (state, --delegation value, path)."""
    from drafting import app as api

    plan, index, base_md, base_docx = job
    chunks = parse_markdown(base_md)
    folder = WORK / "submissions" / f"{index:03d}"
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9]+", "-", plan.state).strip("-").lower()
    code = REGISTRY_CODES.get(plan.state)
    author = f"Delegation of {plan.state}" if code else plan.state
    delegation = code or plan.state
    date = f"2024-05-{2 + index % 5:02d}T{9 + index % 8:02d}:{index % 60:02d}:00Z"
    full = folder / f"{stem}.md"
    full.write_text(edited_markdown(chunks, plan.edits, plan.deletions, plan.new_paragraphs), encoding="utf-8")
    if plan.fmt == "md":
        return plan.state, delegation, str(full)
    if plan.fmt == "mixed":  # Track Changes off for the first edit, on for the rest
        first = folder / "first.md"
        first.write_text(edited_markdown(chunks, plan.edits[:1], [], []), encoding="utf-8")
        api.redline(Path(base_docx), first, folder / "first-tracked.docx", author=author, date=date)
        api.resolve_all(folder / "first-tracked.docx", folder / "first-clean.docx", accept=True)
        out = folder / f"{stem}.docx"
        api.redline(folder / "first-clean.docx", full, out, author=author, date=date)
        return plan.state, delegation, str(out)
    tracked = folder / (f"{stem}.docx" if plan.fmt == "tracked" else "tracked.docx")
    api.redline(Path(base_docx), full, tracked, author=author, date=date)
    if plan.fmt == "clean":
        out = folder / f"{stem}.docx"
        api.resolve_all(tracked, out, accept=True)
        return plan.state, delegation, str(out)
    if index % 3 == 0:  # a third of the tracked returns carry a Word comment, as delegations' files do
        add_comment(tracked, author, date, f"{plan.state}: to be confirmed by the capital")
    return plan.state, delegation, str(tracked)


def add_comment(docx: Path, author: str, date: str, text: str) -> None:
    """Anchor a Word comment by `author` on the first paragraph of `docx` that carries a paragraph id."""
    import zipfile
    from xml.sax.saxutils import escape, quoteattr

    with zipfile.ZipFile(docx) as package:
        items = {info.filename: package.read(info.filename) for info in package.infolist()}
    document = items["word/document.xml"].decode("utf-8")
    found = re.search(r'<w:bookmarkStart w:id="\d+" w:name="dp_[^"]+"/>', document)
    end = document.find("</w:p>", found.end()) if found else -1
    if found is None or end < 0 or "word/comments.xml" in items:
        return
    document = (document[:found.end()] + '<w:commentRangeStart w:id="990001"/>' + document[found.end():end]
                + '<w:commentRangeEnd w:id="990001"/><w:r><w:commentReference w:id="990001"/></w:r>'
                + document[end:])
    items["word/document.xml"] = document.encode("utf-8")
    ns = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    items["word/comments.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments xmlns:w="{ns}">'
        f'<w:comment w:id="990001" w:author={quoteattr(author)} w:date="{date}"><w:p><w:r><w:t>{escape(text)}'
        "</w:t></w:r></w:p></w:comment></w:comments>").encode()
    rels = items["word/_rels/document.xml.rels"].decode("utf-8")
    items["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
        '<Relationship Id="rIdBenchComments" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/comments" Target="comments.xml"/></Relationships>')).encode("utf-8")
    types = items["[Content_Types].xml"].decode("utf-8")
    items["[Content_Types].xml"] = types.replace("</Types>", (
        '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.comments+xml"/></Types>')).encode("utf-8")
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in items.items():
            out.writestr(name, data)


# -- timing ---------------------------------------------------------------------------------------------------


def run(argv: list[str], env: dict[str, str], log: Path) -> tuple[float, float, int]:
    """Run a whole process, stdout to `log`; return (wall seconds, CPU seconds, peak RSS in KiB), the last two
    from the child's own rusage (`os.wait4`). Stops the benchmark on failure."""
    with open(log, "wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=sink, stderr=subprocess.PIPE, env=env)
        assert process.stderr is not None
        errors = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}):\n{errors.decode(errors='replace')}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


# -- checks ---------------------------------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SECRETARIAT = "Secretariat (alternatives)"
INLINE = ("insert", "delete", "replace")


def check_docx(path: Path) -> set[str]:
    """Every XML part re-parses; return the distinct w:author values of tracked changes."""
    from lxml import etree

    authors: set[str] = set()
    with zipfile.ZipFile(path) as package:
        if package.testzip() is not None:
            raise SystemExit(f"{path}: corrupt zip member")
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                root = etree.fromstring(package.read(name))
                if name == "word/document.xml":
                    authors |= {el.get(f"{W}author") for el in root.iter() if el.get(f"{W}author") is not None}
    return authors


def expected_authors(status: dict) -> set[str]:
    """The delegations compile must name as tracked-change authors (alone or in a joint attribution): those
    with placed proposals on paragraphs without conflict, or a new paragraph; and the secretariat when a
    paragraph shows alternatives."""
    expected: set[str] = set()
    for paragraph in status["paragraphs"]:
        for new in paragraph["proposed_after"]:
            if new["active"]:
                expected.add(new["delegation"])
        if paragraph["conflict"]:
            expected.add(SECRETARIAT)
            continue
        for a in paragraph["amendments"]:
            if a["active"] and (a["kind"] in INLINE or a["kind"] == "paragraph-delete"):
                expected.add(a["delegation"])
    return expected


def code_state() -> str:
    """The commit the measured code is at, `+dirty` when drafting/ has uncommitted changes."""
    def git(*argv: str) -> str:
        return subprocess.run(["git", *argv], cwd=HERE.parent, capture_output=True, text=True).stdout.strip()

    return (git("rev-parse", "--short", "HEAD") or "unknown") + ("+dirty" if git("status", "--porcelain", "drafting")
                                                                else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes generating submissions")
    args = parser.parse_args()
    # Each command in its own process (not the resident interpreter), so wait4 sees all of its CPU and memory.
    env = dict(os.environ, DRAFTING_ACTOR="bench", DRAFTING_RESIDENT="0")
    rng = random.Random(args.seed)
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)

    code = code_state()
    # Generation (not timed): the draft, the workspace, the revision's files, the 193 submissions.
    spec = generate_spec(args.paragraphs, rng)
    workspace = WORK / "ws"
    subprocess.run([DRAFTING, "negotiation", "init", str(workspace), "--base", str(spec)], check=True,
                   capture_output=True, env=env)
    subprocess.run([DRAFTING, "assemble", str(spec), "-o", str(WORK / "base"), "--format", "md,docx"], check=True,
                   capture_output=True, env=env)
    base_md = (WORK / "base" / "bench.md").read_text(encoding="utf-8")
    chunks = parse_markdown(base_md)
    plans, stats = make_plans(chunks, rng)
    jobs = [(plan, i, base_md, str(WORK / "base" / "bench.docx")) for i, plan in enumerate(plans)]
    progress = Progress("generate", len(jobs))
    submissions = []
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        for result in pool.imap(make_submission, jobs):
            submissions.append(result)
            progress.step(result[0])
    order = list(range(len(submissions)))
    rng.shuffle(order)
    planned = sum(p.count for p in plans)
    mix = {f: sum(1 for p in plans if p.fmt == f) for f, _ in FORMATS}

    # Submit, one whole process per file.
    progress = Progress("submit  ", len(order))
    per_file: list[float] = []
    submit_cpu = 0.0
    stored = 0
    log = WORK / "submit.log"
    started = time.perf_counter()
    for i in order:
        state, delegation, path = submissions[i]
        elapsed, cpu, _ = run([DRAFTING, "submit", str(workspace), "--delegation", delegation, path], env, log)
        per_file.append(elapsed)
        submit_cpu += cpu
        found = re.search(r"(\d+) amendment\(s\)", log.read_text(encoding="utf-8"))
        stored += int(found.group(1)) if found else 0
        progress.step(state)
    submit_total = time.perf_counter() - started

    # Supporters: every tenth delegation co-sponsors the first five amendments of the next one (one call each).
    status = json.loads(subprocess.run([DRAFTING, "status", str(workspace), "--json"], check=True,
                                       capture_output=True, env=env).stdout)
    by_delegation: dict[str, list[str]] = {}
    for paragraph in status["paragraphs"]:
        for a in paragraph["amendments"] + paragraph["proposed_after"]:
            if a["active"]:
                by_delegation.setdefault(a["delegation"], []).append(a["number"])
    names = sorted(by_delegation)
    supported = 0
    for i in range(0, len(names) - 1, 10):
        numbers = by_delegation[names[i + 1]][:5]
        subprocess.run([DRAFTING, "support", str(workspace), *numbers, "--delegation", names[i]], check=True,
                       capture_output=True, env=env)
        supported += len(numbers)

    # Compile, whole process, `--runs` times.
    outdir = WORK / "out"
    times, cpus, peaks = [], [], []
    for n in range(args.runs):
        elapsed, cpu, peak = run([DRAFTING, "compile", str(workspace), "-o", str(outdir)], env,
                                 WORK / f"compile-{n}.log")
        times.append(elapsed)
        cpus.append(cpu)
        peaks.append(peak / 1024)
        print(f"compile run {n + 1}: {elapsed:.2f} s (CPU {cpu:.2f} s), peak {peak / 1024:.0f} MiB", file=sys.stderr)

    # Checks (not timed).
    for name in ("compilation.docx", "compilation.md", "compilation.html"):
        if not (outdir / name).is_file() or (outdir / name).stat().st_size == 0:
            raise SystemExit(f"missing output {outdir / name}")
    authors = check_docx(outdir / "compilation.docx")
    status = json.loads(subprocess.run([DRAFTING, "status", str(workspace), "--json"], check=True,
                                       capture_output=True, env=env).stdout)
    expected = expected_authors(status)
    named = {d for a in authors - {SECRETARIAT} for d in a.split(", ")} | (authors & {SECRETARIAT})
    if named != expected:
        raise SystemExit(f"compilation.docx authors differ from status: missing {sorted(expected - named)[:5]}, "
                         f"unexpected {sorted(named - expected)[:5]}")
    amendments = sum(len(p["amendments"]) + len(p["proposed_after"]) for p in status["paragraphs"])
    joint = sum(1 for a in authors if ", " in a)
    conflict_lines = (WORK / f"compile-{args.runs - 1}.log").read_text(encoding="utf-8").count("conflict:")

    # Decide every live amendment in one batch call (issue 14: <= 5 s), by number, from a CSV file.
    live = [a for p in status["paragraphs"] for a in p["amendments"] + p["proposed_after"] if a["active"]]
    sheet = WORK / "decisions.csv"
    sheet.write_text("amendment,decision,note\n" + "".join(
        f"{a['number']},{'accept' if i % 3 else 'reject'},bench\n" for i, a in enumerate(live)), encoding="utf-8")
    decide_seconds, decide_cpu, _ = run([DRAFTING, "decide", str(workspace), "--from-file", str(sheet)], env,
                                        WORK / "decide.log")
    decided = (WORK / "decide.log").read_text(encoding="utf-8").count("\n")
    if decided != len(live):
        raise SystemExit(f"decide recorded {decided} decisions, not {len(live)}")
    # The reflection report for all 193 delegations (where each proposal went), timed beside compile.
    reflect_seconds, reflect_cpu, reflect_peak = run([DRAFTING, "reflect", str(workspace), "--json"], env,
                                                     WORK / "reflect.json")
    reflected = json.loads((WORK / "reflect.json").read_text(encoding="utf-8"))
    accounted = sum(len(fates) for fates in reflected.values())

    if code_state() != code:
        print(f"warning: drafting/ changed during the run ({code} -> {code_state()})", file=sys.stderr)
    print(f"drafting at {code}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    print(f"draft: {sum(1 for c in chunks if c.id)} paragraphs ({args.paragraphs} spec entries); "
          f"delegations: {len(plans)} ({', '.join(f'{v} {k}' for k, v in mix.items())})")
    print(f"amendments: {planned} planned, {stored} stored by submit, {amendments} on the revision per status, "
          f"{len(status['unplaced'])} unplaced; deliberate overlaps: "
          + ", ".join(f"{v} {k}" for k, v in stats.items()))
    comments = sum(len(p["comments"]) for p in status["paragraphs"])
    if not comments or not supported:
        raise SystemExit(f"expected Word comments and supporters in the record: {comments} and {supported}")
    print(f"conflicts: {len(status['conflicts'])} paragraphs (compile listed {conflict_lines}); "
          f"{comments} Word comments and {supported} supports recorded")
    print(f"compilation.docx: re-parses; {len(authors)} distinct w:author values ({joint} joint attributions) "
          f"naming {len(named - {SECRETARIAT})} delegations as expected from status"
          f"{' + the secretariat' if SECRETARIAT in named else ''}; delegations with proposals: "
          f"{len(status['delegations'])}")
    print(f"submit: total {submit_total:.1f} s (CPU {submit_cpu:.1f} s), per file median "
          f"{statistics.median(per_file):.3f} s, min {min(per_file):.3f} s, max {max(per_file):.3f} s")
    print(f"compile: runs {[round(t, 2) for t in times]} s, CPU {[round(c, 2) for c in cpus]} s, "
          f"peaks {[round(p) for p in peaks]} MiB "
          f"(goal <= {GOAL_SECONDS:.0f} s, <= {GOAL_MIB} MiB, {os.cpu_count()} cores)")
    print(f"decide: {len(live)} amendments in one batch call (--from-file, by number): {decide_seconds:.2f} s "
          f"(CPU {decide_cpu:.2f} s; goal <= 5 s)")
    print(f"reflect: {len(reflected)} delegations, {accounted} proposals accounted for: {reflect_seconds:.2f} s "
          f"(CPU {reflect_cpu:.2f} s, peak {reflect_peak / 1024:.0f} MiB)")
    print(f"compile seconds: {statistics.median(times):.2f}, peak MiB: {max(peaks):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
