"""Benchmark: start-up of the quick commands against a bare interpreter, side by side in one run.

The five commands a clerk runs many times a day, each as a whole process through a `drafting` console
script: `drafting --help`, and on a small workspace (the Almaty 2012 sample with Kazakhstan's redline
submitted, 9 amendments) `status`, `log`, `decide ID accept|reject` (alternately, so every run records a
decision) and `mark PARAGRAPH agreed|pending`. Each against `python -c pass` of the same environment.

Two installs, as users get them, measured in the same rounds:

- `editable`: the checkout's own environment (`.venv`, `pip install -e`, what `make install` links into
  ~/.local/bin). Its site-packages holds the editable-install finder, which every interpreter of that
  environment imports at start-up (pathlib, importlib.util, re, fnmatch…): the bare peer pays it too.
- `wheel`: a fresh environment holding only the wheel built from this tree (the dependencies lent from the
  checkout's environment as a plain path list, as tests/packaging does): no finder, so its bare interpreter
  starts faster and the commands pay for pathlib and re themselves. This is what `pip install drafting`
  gives. `--install editable` or `--install wheel` measures one only.

The package's bytecode is compiled first, as a wheel install has it. Rounds: one warm-up, then `--rounds`
rounds (default 15); in each round every (install, command) pair runs once, in a shuffled order, so that the
machine's swings fall on all of them alike. Each command's time is the median of its runs, wall and CPU
(user + system of the process, from `os.wait4`); its ratio is the median of its per-round ratios to the bare
interpreter of the same install and round, of wall time and of CPU time. Outputs are checked: every command
exits 0, `--help` lists the commands, `status` names the paragraph, `log` grows by one event per decide and
mark, `decide` echoes the amendment's delegation. Goal (issue 14): <= 1.5x a bare interpreter for each.
Last line: `worst ratio: X.XX` (of wall time, over the installs measured).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from _process import timed as timed_bytes

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work" / "startup"
SPEC = ROOT / "examples" / "almaty-2012" / "recommendations.yaml"
SUBMISSION = ROOT / "examples" / "almaty-2012" / "submissions" / "kazakhstan.docx"
PARAGRAPH = "endorse_rcf"
GOAL = 1.5
COMMANDS = ("--help", "status", "log", "decide", "mark")


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """`_process.timed` with stdout as text."""
    elapsed, used, out = timed_bytes(argv, env)
    return elapsed, used, out.decode()


def wheel_install(work: Path) -> Path:
    """A fresh environment holding the wheel of this tree; its `bin` directory."""
    build = work / "build"
    shutil.copytree(ROOT, build / "src", ignore=shutil.ignore_patterns(
        ".venv", ".git", "outputs", "__pycache__", "*.egg-info", "build", ".*_cache", ".hypothesis", "bench"))
    dist = work / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(dist), str(build / "src")], check=True, capture_output=True)
    (wheel,) = dist.glob("drafting-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
                    "-q", str(wheel)], check=True, capture_output=True)
    site = next(venv.glob("lib/python*/site-packages"))
    lent = [p for p in sys.path if p.endswith("site-packages")]
    (site / "lent-dependencies.pth").write_text("\n".join(lent) + "\n")  # a plain path list: no finder
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "compileall", "-q", str(site / "drafting")], check=True)
    return venv / "bin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--install", choices=("both", "editable", "wheel"), default="both")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["DRAFTING_ACTOR"] = "bench"
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "drafting")], check=True)
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    bins: dict[str, Path] = {}
    if args.install in ("both", "editable"):
        bins["editable"] = Path(sys.executable).parent
    if args.install in ("both", "wheel"):
        print("startup: building and installing the wheel", file=sys.stderr, flush=True)
        bins["wheel"] = wheel_install(WORK / "wheel")
    some = next(iter(bins.values()))
    ws = WORK / "ws"
    timed([str(some / "drafting"), "negotiation", "init", str(ws), "--base", str(SPEC)], env)
    timed([str(some / "drafting"), "submit", str(ws), "--delegation", "Kazakhstan", str(SUBMISSION)], env)
    status = json.loads(timed([str(some / "drafting"), "status", str(ws), "--json"], env)[2])
    amendment = next(a["id"] for p in status["paragraphs"] for a in p["amendments"])
    amendments = sum(len(p["amendments"]) for p in status["paragraphs"])

    turn = {"decide": 0, "mark": 0}

    def argv(install: str, command: str) -> list[str]:
        drafting = str(bins[install] / "drafting")
        if command == "bare":
            return [str(bins[install] / "python"), "-c", "pass"]
        if command == "--help":
            return [drafting, "--help"]
        if command == "decide":
            turn["decide"] += 1
            return [drafting, "decide", str(ws), amendment, ("accept", "reject")[turn["decide"] % 2]]
        if command == "mark":
            turn["mark"] += 1
            return [drafting, "mark", str(ws), PARAGRAPH, ("agreed", "pending")[turn["mark"] % 2]]
        return [drafting, command, str(ws)]

    def check(command: str, out: str) -> None:
        expected = {"--help": "negotiation", "status": PARAGRAPH, "decide": "Kazakhstan", "mark": PARAGRAPH}
        if command in expected and expected[command] not in out:
            raise SystemExit(f"{command}: output lacks {expected[command]!r}: {out[:200]!r}")

    pairs = [(install, command) for install in bins for command in ("bare", *COMMANDS)]
    rng = random.Random(args.seed)
    for install, command in pairs:  # warm-up
        check(command, timed(argv(install, command), env)[2])
    log = [str(some / "drafting"), "log", str(ws)]
    events_before = len(timed(log, env)[2].splitlines())
    wall: dict[tuple[str, str], list[float]] = {p: [] for p in pairs}
    cpu: dict[tuple[str, str], list[float]] = {p: [] for p in pairs}
    ratios: dict[tuple[str, str], list[float]] = {p: [] for p in pairs if p[1] != "bare"}
    cpu_ratios: dict[tuple[str, str], list[float]] = {p: [] for p in pairs if p[1] != "bare"}
    load_before = os.getloadavg()[0]
    for n in range(args.rounds):
        order = pairs[:]
        rng.shuffle(order)
        this_round: dict[tuple[str, str], tuple[float, float]] = {}
        for install, command in order:
            elapsed, used, out = timed(argv(install, command), env)
            check(command, out)
            this_round[(install, command)] = (elapsed, used)
            wall[(install, command)].append(elapsed)
            cpu[(install, command)].append(used)
        for install, command in ratios:
            bare_wall, bare_cpu = this_round[(install, "bare")]
            ratios[(install, command)].append(this_round[(install, command)][0] / bare_wall)
            cpu_ratios[(install, command)].append(this_round[(install, command)][1] / bare_cpu)
        print(f"startup: round {n + 1}/{args.rounds}", file=sys.stderr, flush=True)
    events_after = len(timed(log, env)[2].splitlines())
    if events_after - events_before != 2 * args.rounds * len(bins):
        raise SystemExit(f"log grew by {events_after - events_before} events, expected {2 * args.rounds * len(bins)}")

    print(f"{os.cpu_count()} cores; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
          f"{args.rounds} rounds; workspace: {amendments} amendments")
    worst = 0.0
    for install in bins:
        bare = (install, "bare")
        print(f"{install}: bare interpreter (python -c pass) median {statistics.median(wall[bare]) * 1000:.0f} ms "
              f"wall, {statistics.median(cpu[bare]) * 1000:.0f} ms CPU")
        print(f"  {'command':<10} {'wall':>8} {'ratio':>7} {'CPU':>8} {'ratio':>7}")
        for command in COMMANDS:
            key = (install, command)
            ratio = statistics.median(ratios[key])
            worst = max(worst, ratio)
            print(f"  {command:<10} {statistics.median(wall[key]) * 1000:>5.0f} ms {ratio:>6.2f}x "
                  f"{statistics.median(cpu[key]) * 1000:>5.0f} ms {statistics.median(cpu_ratios[key]):>6.2f}x")
    print(f"worst ratio: {worst:.2f} (goal <= {GOAL})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
