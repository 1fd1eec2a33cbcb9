"""Benchmark: start-up of the quick commands against a bare interpreter, side by side in one run.

The five commands a clerk runs many times a day, each as a whole process through the `drafting` console
script: `drafting --help`, and on a small workspace (the Almaty 2012 sample with Kazakhstan's redline
submitted, 9 amendments) `status`, `log`, `decide ID accept|reject` (alternately, so every run records a
decision) and `mark PARAGRAPH agreed|pending`. The peer is `python -c pass` with the same interpreter (site
and the editable-install finder included, as for the console script). The package's bytecode is compiled
first, as a wheel install has it.

Rounds: one warm-up, then `--rounds` rounds (default 15); in each round every command runs once, in a
shuffled order with the bare interpreter, so that the machine's swings fall on all of them alike. Each
command's time is the median of its runs; its ratio is the median of its per-round ratios to the bare
interpreter of the same round. Outputs are checked: every command exits 0, `--help` lists the commands,
`status` names the paragraph, `log` grows by one event per decide and mark, `decide` echoes the amendment's delegation.
Goal (issue 14): <= 1.5x a bare interpreter for each. Last line: `worst ratio: X.XX`.
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
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / ".work" / "startup"
DRAFTING = str(Path(sys.executable).with_name("drafting"))
SPEC = ROOT / "examples" / "almaty-2012" / "recommendations.yaml"
SUBMISSION = ROOT / "examples" / "almaty-2012" / "submissions" / "kazakhstan.docx"
PARAGRAPH = "endorse_rcf"
GOAL = 1.5


def run(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2012)
    args = parser.parse_args()
    env = dict(os.environ, DRAFTING_ACTOR="bench")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "drafting")], check=True)
    if WORK.exists():
        shutil.rmtree(WORK)
    WORK.mkdir(parents=True)
    ws = WORK / "ws"
    run([DRAFTING, "negotiation", "init", str(ws), "--base", str(SPEC)], env)
    run([DRAFTING, "submit", str(ws), "--delegation", "Kazakhstan", str(SUBMISSION)], env)
    status = json.loads(run([DRAFTING, "status", str(ws), "--json"], env)[1])
    amendment = next(a["id"] for p in status["paragraphs"] for a in p["amendments"])
    amendments = sum(len(p["amendments"]) for p in status["paragraphs"])

    turn = {"decide": 0, "mark": 0}

    def argv(command: str) -> list[str]:
        if command == "bare":
            return [sys.executable, "-c", "pass"]
        if command == "--help":
            return [DRAFTING, "--help"]
        if command == "decide":
            turn["decide"] += 1
            return [DRAFTING, "decide", str(ws), amendment, ("accept", "reject")[turn["decide"] % 2]]
        if command == "mark":
            turn["mark"] += 1
            return [DRAFTING, "mark", str(ws), PARAGRAPH, ("agreed", "pending")[turn["mark"] % 2]]
        return [DRAFTING, command, str(ws)]

    def check(command: str, out: str) -> None:
        expected = {"--help": "negotiation", "status": PARAGRAPH, "decide": "Kazakhstan", "mark": PARAGRAPH}
        if command in expected and expected[command] not in out:
            raise SystemExit(f"{command}: output lacks {expected[command]!r}: {out[:200]!r}")

    commands = ["bare", "--help", "status", "log", "decide", "mark"]
    rng = random.Random(args.seed)
    for command in commands:  # warm-up
        check(command, run(argv(command), env)[1])
    events_before = len(run([DRAFTING, "log", str(ws)], env)[1].splitlines())
    times: dict[str, list[float]] = {c: [] for c in commands}
    ratios: dict[str, list[float]] = {c: [] for c in commands[1:]}
    for _ in range(args.rounds):
        order = commands[:]
        rng.shuffle(order)
        this_round: dict[str, float] = {}
        for command in order:
            elapsed, out = run(argv(command), env)
            check(command, out)
            this_round[command] = elapsed
            times[command].append(elapsed)
        for command in commands[1:]:
            ratios[command].append(this_round[command] / this_round["bare"])
        print(f"startup: round {len(ratios['log'])}/{args.rounds}", file=sys.stderr, flush=True)
    events_after = len(run([DRAFTING, "log", str(ws)], env)[1].splitlines())
    if events_after - events_before != 2 * args.rounds:
        raise SystemExit(f"log grew by {events_after - events_before} events, expected {2 * args.rounds}")

    bare = statistics.median(times["bare"])
    print(f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; {args.rounds} rounds; workspace: "
          f"{amendments} amendments; bare interpreter (python -c pass) median {bare * 1000:.0f} ms")
    print(f"{'command':<10} {'median':>9} {'ratio':>7}")
    worst = 0.0
    for command in commands[1:]:
        ratio = statistics.median(ratios[command])
        worst = max(worst, ratio)
        print(f"{command:<10} {statistics.median(times[command]) * 1000:>6.0f} ms {ratio:>6.2f}x")
    print(f"worst ratio: {worst:.2f} (goal <= {GOAL})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
