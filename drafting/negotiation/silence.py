"""The silence procedure (un-conventions N9): a text, or some of its paragraphs, is circulated under silence
until a deadline; a delegation that objects breaks the silence on a paragraph before the deadline; when the
deadline passes unbroken, those paragraphs are agreed.

Nothing runs at the deadline: the outcome is computed from the record whenever it is read (the procedure's
end is shown as an event at the deadline's time), so no clock job can fire late, twice, or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from drafting.errors import DraftingInputError, safe_display

ENDED_BY = "drafting (silence procedure)"


@dataclass(frozen=True, slots=True)
class Break:
    """A delegation's objection to one paragraph under silence, before the deadline."""

    delegation: str
    paragraph: str
    note: str
    at: str


@dataclass(frozen=True, slots=True)
class Silence:
    """One silence procedure on revision `revision`: its paragraphs, its deadline (UTC) and the breaks."""

    id: int
    revision: int
    until: dt.datetime
    paragraphs: tuple[str, ...]
    started: str
    actor: str
    breaks: tuple[Break, ...] = ()

    def ended(self, now: dt.datetime) -> bool:
        return now >= self.until

    @property
    def broken(self) -> frozenset[str]:
        return frozenset(b.paragraph for b in self.breaks)

    def kept(self, now: dt.datetime) -> tuple[str, ...]:
        """The paragraphs agreed by this silence at `now`: none before the deadline, the unbroken ones after."""
        return tuple(p for p in self.paragraphs if p not in self.broken) if self.ended(now) else ()

    def state(self, paragraph: str, now: dt.datetime) -> str:
        """`broken`, `kept` (ended unbroken: agreed) or `running` for `paragraph`."""
        if paragraph in self.broken:
            return "broken"
        return "kept" if self.ended(now) else "running"

    def as_json(self, now: dt.datetime) -> dict[str, object]:
        return {"id": self.id, "revision": self.revision, "until": stamp(self.until),
                "paragraphs": list(self.paragraphs),
                "state": "ended" if self.ended(now) else "running", "agreed": list(self.kept(now)),
                "broken": [{"delegation": b.delegation, "paragraph": b.paragraph, "note": b.note, "at": b.at}
                           for b in self.breaks]}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_deadline(text: str) -> dt.datetime:
    """An ISO 8601 date and time with its time zone (`2026-12-04T12:00Z`, `…+05:00`), as UTC."""
    cleaned = text.strip()
    try:
        value = dt.datetime.fromisoformat(cleaned[:-1] + "+00:00" if cleaned.endswith(("Z", "z")) else cleaned)
    except ValueError as exc:
        raise DraftingInputError(f"--until {safe_display(text)!r} is not an ISO 8601 date and time "
                                 "(e.g. 2026-12-04T12:00Z)") from exc
    if value.tzinfo is None:
        raise DraftingInputError(f"--until {safe_display(text)!r} has no time zone (add Z for UTC, or +05:00 …)")
    return value.astimezone(dt.UTC)


def stamp(value: dt.datetime) -> str:
    """A time as the record writes it (UTC, microseconds, Z)."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_stamp(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)


def build(rows: Iterable[tuple[int, int, str, list[str], str, str]],
          breaks: Iterable[tuple[int, str, str, str, str]]) -> list[Silence]:
    """Silences from the record's rows (`Store.silences`, `Store.silence_breaks`)."""
    by_silence: dict[int, list[Break]] = {}
    for silence, delegation, paragraph, note, at in breaks:
        by_silence.setdefault(silence, []).append(Break(delegation, paragraph, note, at))
    return [Silence(seq, revision, parse_stamp(until), tuple(paragraphs), at, actor, tuple(by_silence.get(seq, ())))
            for seq, revision, until, paragraphs, at, actor in rows]


def agreed_by_silence(silences: Sequence[Silence], now: dt.datetime) -> set[str]:
    """The paragraphs some ended silence agreed (kept unbroken to its deadline)."""
    return {p for s in silences for p in s.kept(now)}
