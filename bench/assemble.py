"""Benchmark: whole-process `drafting assemble … --format docx` against pandoc, same content, same run.

A seeded generator writes a 300-paragraph spec (100 preambular, 200 operative paragraphs, some with
sub-items, drawn from a small clause library) and the equivalent Markdown. Each command runs `--runs` times
(default 9), the three in a rotating order, and the medians are compared, as are the paired ratios (each
drafting run against the pandoc run of the same round). Both outputs are checked: LibreOffice reads the
same words from drafting's .docx and from pandoc's (text export; list labels and the Markdown's id comments
set aside), so neither tool is timed doing less than the other. Cold and warm are printed alike; the last
two lines are `ratio drafting/pandoc, warm: X.XX` and `ratio drafting/pandoc, cold: X.XX` (goal <= 1.0).

`drafting` runs as installed from a wheel: its bytecode compiled (this machine sets
PYTHONDONTWRITEBYTECODE, so an editable checkout would otherwise recompile every module on every run).
It is timed two ways, with a private cache directory:
- warm: the rendered template frame is in the cache, as it is whenever a text is assembled again with
  the same template and metadata (title, symbol, date, place…) — the drafting loop, and every assembly
  after the first of a text (`negotiation init` prepares it for a negotiation's revisions).
- cold: the cache turned off, as the very first assembly of a new document: the frame is filled from the
  template's compiled skeletons shipped beside it (`templates/conference.skeletons`, made at `make
  template`), so no template engine is loaded either way (before they existed, docxtpl and Jinja2 rendered
  the template's tags here).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work" / "assemble"
WORDS = (
    "migration", "protection", "regional", "cooperation", "framework", "refugees", "asylum", "States",
    "coordination", "capacity", "national", "international", "secretariat", "ministerial", "conference",
    "process", "plan", "measures", "support", "dialogue", "information", "exchange", "trafficking",
    "smuggling", "stateless", "persons", "labour", "migrants", "border", "management", "durable",
    "solutions", "implementation", "review", "partners", "organizations",
)
PREAMBULAR = ("Recalling", "Noting", "Recognizing", "Acknowledging", "Considering", "Bearing in mind", "Welcoming")
OPERATIVE = ("Decides", "Requests", "Encourages", "Invites", "Recommends", "Urges", "Calls upon", "Endorses")


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(paragraphs: int, seed: int) -> tuple[Path, Path]:
    """Write the spec (and its clause library) and the equivalent Markdown; return their paths."""
    rng = random.Random(seed)
    if WORK.exists():
        shutil.rmtree(WORK)
    library = WORK / "clauses"
    library.mkdir(parents=True)
    clauses = []
    for i, opening in enumerate(PREAMBULAR):
        clauses.append(f"- id: bench.pp.{i}\n  kind: preambular\n  opening: {opening}\n"
                       f"  text: \"that the {{{{ subject }}}} {sentence(rng, 12)}\"\n"
                       f"  params: {{subject: {{required: yes}}}}\n")
    for i, opening in enumerate(OPERATIVE):
        clauses.append(f"- id: bench.op.{i}\n  kind: operative\n  opening: {opening}\n"
                       f"  text: \"the {{{{ subject }}}} to {sentence(rng, 14)}\"\n"
                       f"  params: {{subject: {{required: yes}}}}\n")
    clauses.append("- id: bench.op.items\n  kind: operative\n  opening: Decides\n  text: \"to {{ subject }}:\"\n"
                   "  params: {subject: {required: yes}}\n  items:\n"
                   + "".join(f"    - {{opening: To, text: \"{sentence(rng, 8)}\"}}\n" for _ in range(3)))
    (library / "bench.yaml").write_text("".join(clauses), encoding="utf-8")
    pre_count = paragraphs // 3
    spec = [
        "document:\n  id: bench-300\n  name: bench\n  title: Benchmark declaration on regional cooperation\n"
        "  place: Almaty\n  date: 2024-05-01\n  symbol: BENCH/2024/1\n  profile: un-resolution\n",
        f"clauses: {library}\n",
        "preamble:\n  paragraphs:\n",
    ]
    md = ["# Benchmark declaration on regional cooperation\n"]
    for i in range(pre_count):
        subject = sentence(rng, 3)
        k = rng.randrange(len(PREAMBULAR))
        spec.append(f"    - {{clause: bench.pp.{k}, id: pp{i}, params: {{subject: {subject}}}}}\n")
        md.append(f"*{PREAMBULAR[k]}* that the {subject} …,\n")
    spec.append("operative:\n  paragraphs:\n")
    for i in range(paragraphs - pre_count):
        subject = sentence(rng, 3)
        if i % 20 == 19:
            spec.append(f"    - {{clause: bench.op.items, id: op{i}, params: {{subject: {subject}}}}}\n")
            md.append(f"{i + 1}. *Decides* to {subject}:\n\n    (a) …;\n\n    (b) …;\n\n    (c) ….\n")
        else:
            k = rng.randrange(len(OPERATIVE))
            spec.append(f"    - {{clause: bench.op.{k}, id: op{i}, params: {{subject: {subject}}}}}\n")
            md.append(f"{i + 1}. *{OPERATIVE[k]}* the {subject} to …;\n")
    spec_path = WORK / "bench.yaml"
    spec_path.write_text("".join(spec), encoding="utf-8")
    # The equivalent Markdown is the text drafting itself renders (same words, same structure).
    drafting = Path(sys.executable).with_name("drafting")
    subprocess.run([str(drafting), "assemble", str(spec_path), "-o", str(WORK / "md"), "--format", "md"], check=True,
                   capture_output=True)
    md_path = WORK / "md" / "bench.md"
    return spec_path, md_path


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


_LABEL = re.compile(r"^\s*(?:\d+\.|\([a-z]{1,4}\)|[a-z]\)|[ivx]+\.)\s+", re.MULTILINE)


def words_of(docx: Path) -> list[str]:
    """The words LibreOffice reads from `docx` (its text export), list labels set aside."""
    sys.path.insert(0, str(ROOT))
    from drafting.support.office import docx_to_text

    text = _LABEL.sub("", docx_to_text(docx.read_bytes()))
    return re.findall(r"[^\W\d_]+", text)


def check_outputs(ours: Path, peer: Path) -> int:
    """Both .docx give the same words through LibreOffice; return how many."""
    mine, theirs = words_of(ours), words_of(peer)
    if mine != theirs:
        pairs = enumerate(zip(mine, theirs, strict=False))
        at = next((i for i, (a, b) in pairs if a != b), min(len(mine), len(theirs)))
        raise SystemExit(f"outputs differ at word {at}: drafting {mine[at:at + 8]} / pandoc {theirs[at:at + 8]} "
                         f"({len(mine)} and {len(theirs)} words)")
    return len(mine)


def line(label: str, times: list[float]) -> str:
    return f"{label:<44} median {statistics.median(times):.3f} s  runs {[round(t, 3) for t in times]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--paragraphs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--seed", type=int, default=2012)
    args = parser.parse_args()
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        print("pandoc not found: apt-get install pandoc", file=sys.stderr)
        return 2
    spec_path, md_path = generate(args.paragraphs, args.seed)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "drafting")], check=True)
    drafting = str(Path(sys.executable).with_name("drafting"))
    ours_cmd = [drafting, "assemble", str(spec_path), "-o", str(WORK / "out"), "--format", "docx"]
    peer_cmd = [pandoc, str(md_path), "-o", str(WORK / "pandoc.docx")]
    warm_env = {**os.environ, "DRAFTING_CACHE_DIR": str(WORK / "cache")}
    cold_env = {**os.environ, "DRAFTING_CACHE_DIR": "off"}
    timed(ours_cmd, warm_env)  # fills the frame cache, and warms the page cache for both
    timed(peer_cmd)
    times: dict[str, list[float]] = {"warm": [], "cold": [], "pandoc": []}
    commands = {"warm": (ours_cmd, warm_env), "cold": (ours_cmd, cold_env), "pandoc": (peer_cmd, None)}
    order = list(commands)
    for n in range(args.runs):
        for name in order[n % 3:] + order[:n % 3]:  # each takes each place in the round in turn
            argv, env = commands[name]
            times[name].append(timed(argv, env))
        print(f"assemble: round {n + 1}/{args.runs}", file=sys.stderr, flush=True)
    words = check_outputs(WORK / "out" / "bench.docx", WORK / "pandoc.docx")
    paragraphs = sum(1 for line in md_path.read_text(encoding="utf-8").splitlines() if line.startswith("<!-- dp:"))
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    print(f"paragraphs in the document: {paragraphs} (spec entries: {args.paragraphs}); load average "
          f"{os.getloadavg()[0]:.1f}, {os.cpu_count()} cores")
    print(f"outputs checked: LibreOffice reads the same {words} words from drafting's and pandoc's .docx")
    print(line("drafting assemble --format docx (warm)", times["warm"]))
    print(line("drafting assemble --format docx (cold)", times["cold"]))
    print(line(f"{version} md -> docx", times["pandoc"]))
    peer = statistics.median(times["pandoc"])
    for name in ("warm", "cold"):
        paired = statistics.median(t / p for t, p in zip(times[name], times["pandoc"], strict=True))
        print(f"ratio drafting/pandoc, {name}: {statistics.median(times[name]) / peer:.2f} (paired {paired:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
