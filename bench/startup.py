"""Benchmark: start-up of the quick commands against a bare interpreter, side by side in one run.

The five commands a clerk runs many times a day, each as a whole process through a `drafting` console
script: `drafting --help`, and on a small workspace (the Almaty 2012 sample with Kazakhstan's redline
submitted) `status`, `log`, `decide ID accept|reject` (alternately, so every run records a
decision) and `mark PARAGRAPH agreed|pending`. Each against `python -c pass` of the same environment.

Each of `status`, `log`, `decide` and `mark` is measured two ways: as users run it (`resident`: the console
entry hands it to the installation's resident interpreter, drafting/resident.py, which the warm-up round
starts) and in its own process (`in-process`: DRAFTING_RESIDENT=0). A resident command's CPU is the client's
plus the child's that ran it in the resident (read from the resident's log). The residents live in a private
directory of the bench and are stopped at its end.

Two installs, as users get them, measured in one run:

- `editable`: the checkout's own environment (`.venv`, `pip install -e`, what `make install` links into
  ~/.local/bin). Its site-packages holds the editable-install finder, which every interpreter of that
  environment imports at start-up (pathlib, importlib.util, re, fnmatch…): the bare peer pays it too.
- `wheel`: a fresh environment holding only the wheel built from this tree (the dependencies lent from the
  checkout's environment as a plain path list, as tests/packaging does): no finder, so its bare interpreter
  starts faster and the commands pay for pathlib and re themselves. This is what `pip install drafting`
  gives. `--install editable` or `--install wheel` measures one only.

The package's bytecode is compiled first, as a wheel install has it. Rounds: one warm-up, then `--rounds`
rounds per install (default 21), in `--blocks` blocks per install (default 3) that alternate between the
installs: a user has one installation, so each one's resident works alone (a spare warms itself after its
own commands, on the same two cores), while the machine's swings fall on both. In each round every command of
the install runs once, in a shuffled order, with its own bare interpreter. The commands run by the resident
and those run in their own process work on two copies of the workspace (a record another process wrote is
one whose connection the resident's spare kept open is opened afresh). Each command's time is the median of
its runs, wall and CPU (user + system of the process, from `os.wait4`); its ratio is the median of its
per-round ratios to the bare interpreter of the same round, of wall time and of CPU time. Outputs are
checked: every command exits 0, `--help` lists the commands, `status` names the paragraph, the logs grow by
one event per decide and mark, `decide` echoes the amendment's delegation. Goal (issue 14): <= 1.5x a bare
interpreter for each. Last line: `worst ratio: X.XX` (of wall time, over the installs measured).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
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
QUICK = COMMANDS[1:]
MODES = ("resident", "in-process")


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
    parser.add_argument("--rounds", type=int, default=21)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--install", choices=("both", "editable", "wheel"), default="both")
    parser.add_argument("--blocks", type=int, default=3, help="blocks of rounds per install (both installs)")
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["DRAFTING_ACTOR"] = "bench"
    residents = WORK / "residents"
    env["DRAFTING_RESIDENT_DIR"] = str(residents)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "drafting")], check=True)
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    residents.mkdir(mode=0o700)
    try:
        return measure(args, env, residents)
    finally:
        stop_residents(residents)


def stop_residents(residents: Path) -> None:
    """Stop the residents the bench started (their pid files)."""
    for pid_file in residents.glob("*.pid"):
        with contextlib.suppress(ValueError, OSError):
            os.kill(int(pid_file.read_text()), 15)


def resident_cpu(residents: Path) -> list[float]:
    """The CPU seconds of each command a resident served, in order (its log)."""
    found = []
    for log in residents.glob("*.log"):
        for line in log.read_text(encoding="utf-8").splitlines():
            match = re.search(r" served \S+ exit \d+: [\d.]+ ms wall, ([\d.]+) ms CPU", line)
            if match:
                found.append(float(match.group(1)) / 1000)
    return found


def measure(args: argparse.Namespace, env: dict[str, str], residents: Path) -> int:
    """The bench proper."""
    bins: dict[str, Path] = {}
    if args.install in ("both", "editable"):
        bins["editable"] = Path(sys.executable).parent
    if args.install in ("both", "wheel"):
        print("startup: building and installing the wheel", file=sys.stderr, flush=True)
        bins["wheel"] = wheel_install(WORK / "wheel")
    some = next(iter(bins.values()))
    quiet = dict(env, DRAFTING_RESIDENT="0")  # set-up and checks run in their own process
    # One workspace per install for the commands the resident runs, and one for those run in their own
    # process: a user has one installation, and a record written by another process is one whose connection
    # the resident's spare kept open must be opened afresh.
    workspaces = {(install, mode): WORK / f"ws-{install}-{mode}" for install in bins for mode in MODES}
    first = next(iter(workspaces.values()))
    timed([str(some / "drafting"), "negotiation", "init", str(first), "--base", str(SPEC)], quiet)
    timed([str(some / "drafting"), "submit", str(first), "--delegation", "Kazakhstan", str(SUBMISSION)], quiet)
    for ws in workspaces.values():
        if ws != first:
            shutil.copytree(first, ws)
    status = json.loads(timed([str(some / "drafting"), "status", str(first), "--json"], quiet)[2])
    amendment = next(a["id"] for p in status["paragraphs"] for a in p["amendments"])
    amendments = sum(len(p["amendments"]) for p in status["paragraphs"])

    turn = {"decide": 0, "mark": 0}

    def argv(install: str, command: str, mode: str) -> list[str]:
        drafting = str(bins[install] / "drafting")
        ws = workspaces.get((install, mode), first)
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

    Key = tuple[str, str, str]  # install, command, mode
    keys: list[Key] = [(install, command, mode) for install in bins
                       for command, mode in (("bare", ""), ("--help", ""),
                                             *((c, m) for c in QUICK for m in MODES))]

    def run(key: Key) -> tuple[float, float]:
        install, command, mode = key
        served_before = resident_cpu(residents)
        elapsed, used, out = timed(argv(install, command, mode), quiet if mode == "in-process" else env)
        check(command, out)
        if mode == "resident":
            used += sum(resident_cpu(residents)) - sum(served_before)
        return elapsed, used

    for key in keys:  # warm-up: starts the residents
        run(key)
    for key in keys:  # the residents answer from now on
        if key[2] == "resident":
            count = len(resident_cpu(residents))
            run(key)
            if len(resident_cpu(residents)) != count + 1:
                raise SystemExit(f"{key}: not served by a resident after the warm-up")
    def events() -> int:
        return sum(len(timed([str(some / "drafting"), "log", str(ws)], quiet)[2].splitlines())
                   for ws in workspaces.values())

    events_before = events()
    wall: dict[Key, list[float]] = {k: [] for k in keys}
    cpu: dict[Key, list[float]] = {k: [] for k in keys}
    ratios: dict[Key, list[float]] = {k: [] for k in keys if k[1] != "bare"}
    cpu_ratios: dict[Key, list[float]] = {k: [] for k in keys if k[1] != "bare"}
    rng = random.Random(args.seed)
    load_before = os.getloadavg()[0]
    # Each install in blocks of rounds of its own, the blocks alternating: each one's resident alone at work,
    # as a user has one installation, and the machine's swings spread over both. `--rounds` per install.
    per_block = -(-args.rounds // max(1, args.blocks))
    done = dict.fromkeys(bins, 0)
    while any(n < args.rounds for n in done.values()):
        for install in bins:
            for _ in range(min(per_block, args.rounds - done[install])):
                order = [key for key in keys if key[0] == install]
                rng.shuffle(order)
                this_round: dict[Key, tuple[float, float]] = {}
                for key in order:
                    this_round[key] = run(key)
                    wall[key].append(this_round[key][0])
                    cpu[key].append(this_round[key][1])
                bare_wall, bare_cpu = this_round[(install, "bare", "")]
                for key in order:
                    if key in ratios:
                        ratios[key].append(this_round[key][0] / bare_wall)
                        cpu_ratios[key].append(this_round[key][1] / bare_cpu)
                done[install] += 1
                print(f"startup: {install} round {done[install]}/{args.rounds}", file=sys.stderr, flush=True)
    events_after = events()
    expected = 2 * len(MODES) * args.rounds * len(bins)
    if events_after - events_before != expected:
        raise SystemExit(f"log grew by {events_after - events_before} events, expected {expected}")

    print(f"{os.cpu_count()} cores; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; "
          f"{args.rounds} rounds per install ({len(bins)} install(s), blocks of {per_block}); workspace: "
          f"{amendments} amendments")
    worst = 0.0
    for install in bins:
        bare = (install, "bare", "")
        print(f"{install}: bare interpreter (python -c pass) median {statistics.median(wall[bare]) * 1000:.0f} ms "
              f"wall, {statistics.median(cpu[bare]) * 1000:.0f} ms CPU")
        print(f"  {'command':<10} {'run':<11} {'wall':>8} {'ratio':>7} {'CPU':>8} {'ratio':>7}")
        for key in keys:
            if key[0] != install or key[1] == "bare":
                continue
            ratio = statistics.median(ratios[key])
            if key[2] != "in-process":
                worst = max(worst, ratio)
            print(f"  {key[1]:<10} {key[2] or '-':<11} {statistics.median(wall[key]) * 1000:>5.0f} ms {ratio:>6.2f}x "
                  f"{statistics.median(cpu[key]) * 1000:>5.0f} ms {statistics.median(cpu_ratios[key]):>6.2f}x")
    print("(a resident command's CPU: the client's and the resident child's)")
    print(f"worst ratio: {worst:.2f} (goal <= {GOAL}, of wall time, as users run the commands)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
