"""The portal's reads need no lock (issue 16, item 6): while returns are submitted, every page the portal reads
from the record is complete and consistent, read through the portal's own paths (`Portal.read`, with its
kept reads and its kept check, and `Portal.write`) from many threads at once.

A submission committed between two queries of one reading used to be half seen (amendments of a submission
the reading had not seen: a KeyError in 1 of 1,735 requests of bench/portal.py once the lock was taken off).
Each opening of the record now reads the one snapshot its check verified, so the lock is gone.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drafting import app as api
from drafting.app import delegations
from drafting.app import negotiation as ops
from drafting.portal.server import Portal, Served, _served
from tests.portal import SPEC, new_workspace

RETURNS = 24
READERS = 6
CITY = re.compile(r"City (\d{3})")


@pytest.fixture
def round_of_returns(tmp_path: Path) -> tuple[Path, list[Path]]:
    ws = new_workspace(tmp_path / "ws")
    api.assemble_to(SPEC, tmp_path / "base", ("md",))
    text = (tmp_path / "base" / "recommendations.md").read_text(encoding="utf-8")
    files = []
    for i in range(1, RETURNS + 1):
        file = tmp_path / "returns" / f"delegation{i:03d}.md"
        file.parent.mkdir(exist_ok=True)
        file.write_text(text.replace("established in Almaty;", f"established in City {i:03d};"), encoding="utf-8")
        files.append(file)
    return ws, files


def one_each(delegations_seen: list[str], cities: list[str]) -> int:
    """How many delegations a page shows, each exactly once and with its own return's amendment."""
    assert len(delegations_seen) == len(set(delegations_seen)), delegations_seen
    for name, city in zip(delegations_seen, cities, strict=True):
        assert name == f"Delegation {city}", (name, city)
    return len(delegations_seen)


def whole_reading(ws: Path) -> int:
    """The race itself: the submissions, then the live amendments and the compilation, in one opening."""
    with ops.open_workspace(ws) as workspace:
        submitted = sorted(row.delegation for row in workspace.store.submissions())
        live, _ = workspace.live_amendments()
        compiled = [a.delegation for entry in workspace.compilation().entries for p in entry.proposals
                    for a in p.amendments]
    assert sorted(a.delegation for a in live) == submitted == sorted(compiled)
    return len(submitted)


def amendments_page(every: list[dict[str, Any]]) -> int:
    return one_each([a["delegation"] for a in every], [CITY.search(a["new"]).group(1) for a in every])  # type: ignore[union-attr]


def status_page(report: dict[str, Any]) -> int:
    found = [a for p in report["paragraphs"] for a in p["amendments"]]
    return one_each([a["delegation"] for a in found], [CITY.search(a["new"]).group(1) for a in found])  # type: ignore[union-attr]


def submissions_page(every: list[Any]) -> int:
    return one_each([s.delegation for s in every], [s.delegation[-3:] for s in every])


async def hammer(served: Served, files: list[Path]) -> dict[str, list[int]]:
    ws = served.directory
    done = asyncio.Event()
    seen: dict[str, list[int]] = {"amendments": [], "status": [], "submissions": [], "whole": []}

    def submit(i: int, file: Path) -> Callable[[], object]:
        name = f"Delegation {i:03d}"
        return lambda: ops.submit(ws, name, file, actor=f"member{i:03d}@example.org ({name})", unlisted=True)

    async def write() -> None:
        for i, file in enumerate(files, 1):
            await Portal.write(served, submit(i, file))
            await asyncio.sleep(0)
        done.set()

    async def page(kind: str) -> int:
        if kind == "amendments":
            return amendments_page(await Portal.read(served, lambda: delegations.amendments_of(ws, None),
                                                     ("amendments",)))
        if kind == "status":
            return status_page(await Portal.read(served, lambda: ops.status_report(ws), ("status",)))
        if kind == "submissions":
            return submissions_page(await Portal.read(served, lambda: delegations.submissions(ws, None),
                                                      ("submissions",)))
        return await Portal.read(served, lambda: whole_reading(ws))

    async def read(reader: int) -> None:
        kinds = list(seen)
        turn = reader
        while not done.is_set():
            kind = kinds[turn % len(kinds)]
            seen[kind].append(await page(kind))
            turn += 1

    await asyncio.gather(write(), *(read(r) for r in range(READERS)))
    return seen


def test_every_page_read_during_a_round_is_complete_and_consistent(round_of_returns) -> None:
    ws, files = round_of_returns
    served = _served("ws", ws)
    seen = asyncio.run(hammer(served, files))
    # Every page read came out whole (each check above), many of them while returns were arriving ...
    assert all(len(counts) >= 3 for counts in seen.values()), {k: len(v) for k, v in seen.items()}
    assert any(0 < n < RETURNS for counts in seen.values() for n in counts), seen
    # ... every submission was recorded, and the record is intact.
    assert len(delegations.submissions(ws)) == RETURNS
    assert api.verify_record(ws)[0] == []
    # The openings checked what was appended since the last one; the first was the full check.
    assert served.check.checks["full"] >= 1 and served.check.checks["since"] > served.check.checks["full"]
