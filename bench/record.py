"""Benchmark: the record's commands stay linear in the record's size (issue 12, item 7).

One small accepted submission must not slow every later command quadratically (the record is append-only, so
it would be for ever). A generator writes a spec whose operative paragraph has N+1 words, and a delegation's
.docx (`drafting redline` of it) with N tracked insertions, one between each pair of words, each by a
different author (w:author rewritten "Delegate 1" … "Delegate N"): N amendments in one small file. The
workspace records it (`negotiation init`, `submit`; not timed), then each of these is timed as a whole
process, median of 3: `drafting status WS --json`, `drafting compile WS -o OUT --format md`, `drafting revise
WS` (on a fresh copy each run), `drafting log WS --verify` (the whole chain re-hashed).

Printed: a table of seconds per N, and the log-log slope of each command between the smallest and the largest
N (least squares over all N), in CPU seconds of each process (user + system, from wait4: on a shared machine
the wall clock measures the neighbours). Goal: every slope <= 1.1 and `status` under 1 s at N = 5,000 on the
two-core machine. Last line: `slopes: status X.XX, compile X.XX, revise X.XX, verify X.XX; status at 5000: X.XX s`.
"""

from __future__ import annotations

import argparse
import math
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "record"
DRAFTING = [sys.executable, "-m", "drafting"]
SIZES = (500, 1000, 2000, 5000)
GOAL_SLOPE = 1.1
GOAL_STATUS_SECONDS = 1.0
ENV = {"DRAFTING_ACTOR": "bench", "DRAFTING_CACHE_DIR": "off", "DRAFTING_RESIDENT": "0"}  # each command its own process


def _run(*args: str | Path, check: bool = True) -> float:
    """CPU seconds (user + system) of `drafting ARGS` as a whole process. CPU time, not wall time: on a shared
    machine the wall clock measures the neighbours (both are printed by `main`)."""
    import os

    env = dict(os.environ, **ENV)
    start = time.perf_counter()
    process = subprocess.Popen([*DRAFTING, *map(str, args)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env=env)
    assert process.stderr is not None
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    WALL.append(time.perf_counter() - start)
    if check and process.returncode != 0:
        raise SystemExit(f"drafting {' '.join(map(str, args))} failed ({process.returncode}): {err.decode()}")
    return usage.ru_utime + usage.ru_stime


WALL: list[float] = []


def make_workspace(n: int, directory: Path) -> Path:
    """A workspace holding one submission with `n` tracked insertions by `n` different authors."""
    directory.mkdir(parents=True)
    (directory / "clauses").mkdir()
    words = " ".join(f"w{i}" for i in range(n + 1))
    spec = directory / "spec.yaml"
    spec.write_text(
        "document: {id: bench, name: bench, title: Record benchmark, place: Almaty, date: 2012-09-07,\n"
        "  profile: un-resolution, symbol: B/1, languages: [en]}\n"
        f"clauses: {directory / 'clauses'}\n"
        "operative:\n  paragraphs:\n"
        "    - {id: first, opening: Welcomes, text: the offer}\n"
        f"    - {{id: long, opening: Decides, text: \"{words}\"}}\n", encoding="utf-8")
    _run("assemble", spec, "-o", directory / "base", "--format", "md,docx")
    with zipfile.ZipFile(directory / "base" / "bench.docx") as package:
        parts = [(info, package.read(info.filename)) for info in package.infolist()]
    # The paragraph's one run of N+1 words becomes N+1 runs with a tracked insertion between each pair, each
    # insertion by its own author: what a file passed round N desks with Track Changes on looks like.
    pieces = []
    for i in range(n + 1):
        pieces.append(f'<w:r><w:t xml:space="preserve"> w{i}</w:t></w:r>')
        if i < n:
            pieces.append(f'<w:ins w:id="{1000 + i}" w:author="Delegate {i + 1}" w:date="2012-09-07T10:00:00Z">'
                          f'<w:r><w:t xml:space="preserve"> i{i}</w:t></w:r></w:ins>')
    start = f'<w:r><w:t xml:space="preserve"> {words}'.encode()
    out = directory / "delegates.docx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in parts:
            if info.filename == "word/document.xml":
                assert data.count(start) == 1, "the long paragraph's run"
                head, tail = data.split(start, 1)
                mark, tail = tail.split(b"</w:t></w:r>", 1)  # the end mark the profile gave it
                body = "".join(pieces).encode()
                data = head + body[:-len("</w:t></w:r>")] + mark + b"</w:t></w:r>" + tail
            package.writestr(info, data)
    ws = directory / "ws"
    _run("negotiation", "init", ws, "--base", spec)
    start = time.perf_counter()
    _run("submit", ws, "--delegation", "KAZ", out)
    print(f"  N={n}: submitted in {time.perf_counter() - start:.2f} s ({out.stat().st_size // 1024} KiB .docx)",
          file=sys.stderr)
    return ws


def median_of(runs: int, action: object) -> float:
    assert callable(action)
    return statistics.median(action() for _ in range(runs))


def slope(points: list[tuple[int, float]]) -> float:
    if len({n for n, _ in points}) < 2:
        return float("nan")
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(max(t, 1e-6)) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="amendment counts (comma-separated)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    shutil.rmtree(WORK, ignore_errors=True)
    results: dict[str, list[tuple[int, float]]] = {"status": [], "compile": [], "revise": [], "verify": []}
    for n in sizes:
        directory = WORK / str(n)
        ws = make_workspace(n, directory)
        results["status"].append((n, median_of(args.runs, lambda ws=ws: _run("status", ws, "--json"))))
        results["compile"].append((n, median_of(args.runs, lambda ws=ws, d=directory: _run(
            "compile", ws, "-o", d / "compilation", "--format", "md"))))

        def revise_copy(ws: Path = ws, d: Path = directory) -> float:
            copy = d / "ws-copy"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(ws, copy)
            shutil.rmtree(d / "rev1", ignore_errors=True)
            return _run("revise", copy, "-o", d / "rev1", "--format", "md")

        results["revise"].append((n, median_of(args.runs, revise_copy)))
        results["verify"].append((n, median_of(args.runs, lambda ws=ws: _run("log", ws, "--verify"))))
        print(f"N={n:>5}  " + "  ".join(f"{name} {points[-1][1]:6.2f} s" for name, points in results.items())
              + f"   (CPU seconds, median of {args.runs}; wall of the last run {WALL[-1]:.2f} s)")
    slopes = {name: slope(points) for name, points in results.items()}
    status_at = dict(results["status"]).get(max(sizes), float("nan"))
    met = all(s <= GOAL_SLOPE for s in slopes.values()) and status_at <= GOAL_STATUS_SECONDS
    print(f"goal (slope <= {GOAL_SLOPE}, status <= {GOAL_STATUS_SECONDS} s at N={max(sizes)}): "
          f"{'met' if met else 'NOT met'}")
    print("slopes: " + ", ".join(f"{name} {value:.2f}" for name, value in slopes.items())
          + f"; status at {max(sizes)}: {status_at:.2f} s")


if __name__ == "__main__":
    main()
