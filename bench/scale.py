"""Benchmark: how `amendments`, `submit`, `redline` and `compile` grow with the size of a text.

For each size (1,000, 2,000, 5,000 and 10,000 paragraphs by default) a seeded generator writes a spec of
that many paragraphs (one third preambular, the rest operative, ~30 words each), opens a workspace on it
(`drafting negotiation init`) and assembles the revision's .docx and .md. The edited text changes EVERY
paragraph (one word replaced, every seventh paragraph also gets a word inserted); `drafting redline` of the
revision's .docx against it gives a file where every paragraph is tracked. Its `w:author` values are then
rewritten paragraph by paragraph to cycle through 97 authors, in the forms a secretariat receives ("KAZ",
"Delegation of Kazakhstan", "Permanent Mission of Tajikistan", States outside the registry…). Generation
is not timed.

Timed, each as a whole process, `--runs` times per size (median): `drafting redline BASE.docx EDITED.md`,
`drafting amendments TRACKED.docx --json`, the same on INSERTED.docx (the whole text inserted with Track
Changes on, attributed the same way: "amendments-new"), `drafting submit WS --delegation X TRACKED.docx`
(on a fresh copy of the workspace each run) and `drafting compile WS` (after that submit). Outputs are checked: the JSON
lists at least one amendment per paragraph, every paragraph id of the base, and the 97 authors mapped to
their delegations; submit stores that many amendments; compile writes its three files.

Printed: a table of medians per size (wall and CPU time of the process, from `os.wait4`), then the log-log
slope of each command between consecutive sizes and over the whole range (least squares), of CPU time (less
sensitive to other work on a shared machine) and of wall time. Goal (issue 14): slope <= 1.1 for each,
10,000 paragraphs under 5 s.
The machine may be shared: the slopes are what to read, not the absolute times.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

from _process import timed

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "scale"
DRAFTING = str(Path(sys.executable).with_name("drafting"))
SIZES = (1000, 2000, 5000, 10000)
GOAL_SLOPE = 1.1
GOAL_SECONDS = 5.0
COMMANDS = ("redline", "amendments", "amendments-new", "submit", "compile")

_VOCABULARY = ("migration protection regional cooperation framework refugees asylum States coordination capacity "
               "national international secretariat ministerial conference process plan measures support dialogue "
               "information exchange trafficking smuggling stateless persons labour migrants border management "
               "durable solutions implementation review partners organizations data statistics returns "
               "reintegration resettlement remittances diaspora children women youth rights law policy funding "
               "assistance monitoring evaluation governance health education employment displacement climate")
WORDS = _VOCABULARY.split()
PREAMBULAR = ("Recalling", "Noting", "Recognizing", "Acknowledging", "Considering", "Welcoming", "Reaffirming")
OPERATIVE = ("Decides", "Requests", "Encourages", "Invites", "Recommends", "Urges", "Endorses", "Stresses")
# Registry States in the forms delegations' Word installations write, then States the registry lacks.
REGISTERED = ("KAZ", "Delegation of Kazakhstan", "Kyrgyzstan", "Permanent Mission of Tajikistan", "UZB",
              "Government of Turkmenistan", "Russian Federation", "the Russian Federation delegation")
OTHERS = ("Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Argentina", "Armenia", "Australia", "Austria",
          "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belgium", "Belize", "Benin", "Bhutan", "Botswana",
          "Brazil", "Bulgaria", "Burundi", "Cabo Verde", "Cambodia", "Cameroon", "Canada", "Chad", "Chile",
          "Colombia", "Comoros", "Congo", "Costa Rica", "Croatia", "Cuba", "Cyprus", "Czechia", "Denmark",
          "Djibouti", "Dominica", "Ecuador", "Egypt", "El Salvador", "Eritrea", "Estonia", "Eswatini", "Ethiopia",
          "Fiji", "Finland", "France", "Gabon", "Gambia", "Germany", "Ghana", "Greece", "Grenada", "Guatemala",
          "Guinea", "Guyana", "Haiti", "Honduras", "Hungary", "Iceland", "India", "Indonesia", "Iraq", "Ireland",
          "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kenya", "Kiribati", "Kuwait", "Latvia", "Lebanon",
          "Lesotho", "Liberia", "Libya", "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia",
          "Maldives", "Mali", "Malta", "Mauritania", "Mauritius", "Mexico")
AUTHORS = REGISTERED + OTHERS[:97 - len(REGISTERED)]


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def generate(size: int, rng: random.Random, env: dict[str, str]) -> dict[str, Path]:
    """Spec, workspace, base .docx and .md, the edited .md and the all-tracked .docx for one size."""
    root = WORK / str(size)
    library = root / "clauses"
    library.mkdir(parents=True)
    clauses = [f"- id: s.pp.{i}\n  kind: preambular\n  opening: {word}\n  text: \"the {{{{ subject }}}}\"\n"
               f"  params: {{subject: {{required: yes}}}}\n" for i, word in enumerate(PREAMBULAR)]
    clauses += [f"- id: s.op.{i}\n  kind: operative\n  opening: {word}\n  text: \"the {{{{ subject }}}}\"\n"
                f"  params: {{subject: {{required: yes}}}}\n" for i, word in enumerate(OPERATIVE)]
    (library / "s.yaml").write_text("".join(clauses), encoding="utf-8")
    spec = [f"document:\n  id: bench-scale-{size}\n  name: scale\n  title: Scale declaration\n  place: Almaty\n"
            f"  date: 2024-05-01\n  symbol: SCALE/{size}\n  profile: un-resolution\n",
            f"clauses: {library}\n", "preamble:\n  paragraphs:\n"]
    pre = size // 3
    for i in range(pre):
        spec.append(f"    - {{clause: s.pp.{i % len(PREAMBULAR)}, id: pp{i}, params: {{subject: "
                    f"{sentence(rng, rng.randint(24, 34))}}}}}\n")
    spec.append("operative:\n  paragraphs:\n")
    for i in range(size - pre):
        spec.append(f"    - {{clause: s.op.{i % len(OPERATIVE)}, id: op{i}, params: {{subject: "
                    f"{sentence(rng, rng.randint(24, 34))}}}}}\n")
    spec_path = root / "scale.yaml"
    spec_path.write_text("".join(spec), encoding="utf-8")
    workspace = root / "ws"
    subprocess.run([DRAFTING, "negotiation", "init", str(workspace), "--base", str(spec_path)], check=True,
                   capture_output=True, env=env)
    subprocess.run([DRAFTING, "assemble", str(spec_path), "-o", str(root / "base"), "--format", "md,docx"],
                   check=True, capture_output=True, env=env)
    base_md = (root / "base" / "scale.md").read_text(encoding="utf-8")
    edited = []
    for n, block in enumerate(base_md.rstrip("\n").split("\n\n")):
        head, _, text = block.partition("\n")
        words = text.split(" ")
        if block.startswith("<!-- dp:") and len(words) >= 8:
            # the last third of the words: never the label or the italic opening
            i = rng.randrange(len(words) * 2 // 3, len(words) - 1)
            words[i] = next(w for w in rng.sample(WORDS, 3) if w != words[i])
            if n % 7 == 0:
                words.insert(i - 2, rng.choice(WORDS))
            block = f"{head}\n{' '.join(words)}"
        edited.append(block)
    edited_md = root / "edited.md"
    edited_md.write_text("\n\n".join(edited) + "\n", encoding="utf-8")
    one_author = root / "one-author.docx"
    subprocess.run([DRAFTING, "redline", str(root / "base" / "scale.docx"), str(edited_md), "--author", "KAZ",
                    "--date", "2024-05-01T10:00:00Z", "-o", str(one_author)], check=True, capture_output=True,
                   env=env)
    tracked = root / "tracked.docx"
    _many_authors(one_author, tracked)
    # The other shape of "every paragraph tracked": the whole text inserted with Track Changes on.
    title_only = root / "title-only.md"
    title_only.write_text("\n\n".join(base_md.split("\n\n")[:2]) + "\n", encoding="utf-8")
    subprocess.run([DRAFTING, "redline", str(title_only), str(root / "base" / "scale.md"), "--author", "KAZ",
                    "--date", "2024-05-01T10:00:00Z", "-o", str(root / "inserted-one.docx")], check=True,
                   capture_output=True, env=env)
    inserted = root / "inserted.docx"
    _many_authors(root / "inserted-one.docx", inserted)
    return {"spec": spec_path, "ws": workspace, "base_docx": root / "base" / "scale.docx", "edited": edited_md,
            "tracked": tracked, "inserted": inserted, "root": root}


def _many_authors(source: Path, target: Path) -> None:
    """Copy `source`, the tracked changes of paragraph n attributed to AUTHORS[n % 97]."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                parts = data.decode("utf-8").split("</w:p>")
                parts = [re.sub(r'w:author="[^"]*"', f'w:author="{AUTHORS[n % len(AUTHORS)]}"', part)
                         for n, part in enumerate(parts)]
                data = "</w:p>".join(parts).encode("utf-8")
            zout.writestr(item, data)


def slope(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(time) against log(size)."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def measure(size: int, files: dict[str, Path], runs: int, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """(median wall seconds, median CPU seconds) of each command at `size`; outputs checked on the first run."""
    root = files["root"]
    wall: dict[str, list[float]] = {c: [] for c in COMMANDS}
    cpu: dict[str, list[float]] = {c: [] for c in COMMANDS}

    def run(command: str, argv: list[str]) -> bytes:
        seconds, used, out = timed([DRAFTING, *argv], env)
        wall[command].append(seconds)
        cpu[command].append(used)
        return out

    for n in range(runs):
        run("redline", ["redline", str(files["base_docx"]), str(files["edited"]), "--author", "KAZ",
                        "--date", "2024-05-01T10:00:00Z", "-o", str(root / "redline-out.docx")])
        out = run("amendments", ["amendments", str(files["tracked"]), "--json"])
        if n == 0:
            check_amendments(size, json.loads(out))
        out = run("amendments-new", ["amendments", str(files["inserted"]), "--json"])
        if n == 0:
            check_amendments(size, json.loads(out), inserted=True)
        ws = root / "ws-run"
        if ws.exists():
            shutil.rmtree(ws)
        shutil.copytree(files["ws"], ws)
        out = run("submit", ["submit", str(ws), "--delegation", "KAZ", str(files["tracked"])])
        stored = re.search(rb"(\d+) amendment\(s\)", out)
        if stored is None or int(stored.group(1)) < size:
            raise SystemExit(f"submit at {size}: {out.decode(errors='replace')!r}")
        outdir = root / "compilation"
        run("compile", ["compile", str(ws), "-o", str(outdir)])
        for name in ("compilation.docx", "compilation.md", "compilation.html"):
            if not (outdir / name).is_file() or (outdir / name).stat().st_size == 0:
                raise SystemExit(f"compile at {size}: missing {name}")
    return {c: (statistics.median(wall[c]), statistics.median(cpu[c])) for c in COMMANDS}


def check_amendments(size: int, found: list[dict[str, object]], *, inserted: bool = False) -> None:
    """At least one amendment per paragraph (edited: on every base paragraph; inserted: a new paragraph
    each), and the 97 authors mapped to 95 delegations (8 spellings of 6 registry States)."""
    delegations = {a["delegation"] for a in found}
    if inserted:
        new = sum(1 for a in found if a["kind"] == "paragraph-insert")
        missing = [] if new >= size else [f"{size - new} new paragraphs"]
    else:
        paragraphs = {a["paragraph"] for a in found}
        missing = [p for p in (*(f"pp{i}" for i in range(size // 3)),
                               *(f"op{i}" for i in range(size - size // 3))) if p not in paragraphs]
    expected = {"Kazakhstan", "Kyrgyzstan", "Tajikistan", "Uzbekistan", "Turkmenistan", "Russian Federation"}
    if len(found) < size or missing or not expected <= delegations or len(delegations) != len(expected) + len(
            AUTHORS) - len(REGISTERED):
        raise SystemExit(f"amendments at {size}: {len(found)} amendments, {len(missing)} paragraphs missing "
                         f"({missing[:3]}), {len(delegations)} delegations")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2012)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    env = dict(os.environ, DRAFTING_ACTOR="bench")
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    results: dict[int, dict[str, tuple[float, float]]] = {}
    for size in sizes:
        print(f"scale: generating {size} paragraphs", file=sys.stderr, flush=True)
        files = generate(size, random.Random(args.seed + size), env)
        print(f"scale: timing {size} paragraphs", file=sys.stderr, flush=True)
        results[size] = measure(size, files, args.runs, env)
        print(f"scale: {size}: " + ", ".join(f"{c} {w:.2f} s (CPU {u:.2f} s)" for c, (w, u) in results[size].items()),
              file=sys.stderr, flush=True)
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; {args.runs} runs per point (median); "
          "wall seconds (CPU seconds of the process)")
    print("paragraphs | " + " | ".join(f"{c:>18}" for c in COMMANDS))
    for size in sizes:
        print(f"{size:>10} | " + " | ".join(f"{w:>7.2f} s ({u:>6.2f} s)" for w, u in results[size].values()))
    worst = 0.0
    for command in COMMANDS:
        for label, pick in (("CPU", 1), ("wall", 0)):
            points = [(size, results[size][command][pick]) for size in sizes]
            steps = ", ".join(f"{a}->{b}: {slope([(a, ta), (b, tb)]):.2f}"
                              for (a, ta), (b, tb) in itertools.pairwise(points))
            whole = slope(points) if len(points) > 1 else float("nan")
            if pick == 1:
                worst = max(worst, whole)
            print(f"slope {command:<15} {label:<4} {whole:.2f} (steps {steps})")
    largest = max(sizes)
    slowest = max(w for w, _ in results[largest].values())
    print(f"largest ({largest} paragraphs): " + ", ".join(f"{c} {w:.2f} s" for c, (w, _) in results[largest].items()))
    print(f"worst CPU slope: {worst:.2f} (goal <= {GOAL_SLOPE}); slowest at {largest}: {slowest:.2f} s wall "
          f"(goal < {GOAL_SECONDS:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
