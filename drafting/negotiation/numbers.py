"""Amendment numbers: the human handle of every proposal in a negotiation (`KAZ/1`, `KAZ/2`, `TJK/1`, `Chair/1`).

The scheme: one sequence per delegation for the whole negotiation, prefixed with the delegation's registry
code (its name when it has none). Numbers follow the order of the record (revision, submission, amendment
as read from the file), and the record is append-only, so a number once shown never changes: a later
submission only adds numbers after the existing ones, and the same change re-submitted keeps its number
(its id is the same). A number names one change in the whole record, so it stays valid across revisions
(a proposal bracketed into Rev.1 keeps its number there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

SEPARATOR = "/"


def prefix(delegation: str, code: str | None) -> str:
    """The number prefix of a delegation: its registry code, else its name."""
    return code or delegation


def assign_numbers(rows: Iterable[tuple[str, str | None, str]]) -> dict[str, str]:
    """Amendment id -> number, for (delegation, code, amendment id) rows in record order."""
    numbers: dict[str, str] = {}
    counters: dict[str, int] = {}
    for delegation, code, amendment in rows:
        if amendment in numbers:
            continue
        head = prefix(delegation, code)
        counters[head] = counters.get(head, 0) + 1
        numbers[amendment] = f"{head}{SEPARATOR}{counters[head]}"
    return numbers


def normalise_number(key: str) -> str:
    """A number as typed (`kaz/1`, ` KAZ / 01 `) in the form compared: folded case, no spaces, no zero padding."""
    head, sep, tail = "".join(key.split()).rpartition(SEPARATOR)
    if not sep or not tail.isdigit():
        return "".join(key.split()).casefold()
    return f"{head.casefold()}{SEPARATOR}{int(tail)}"


def number_index(numbers: Mapping[str, str]) -> dict[str, str]:
    """Normalised number -> amendment id (the inverse of `assign_numbers`, for look-ups)."""
    return {normalise_number(number): amendment for amendment, number in numbers.items()}


def looks_like_number(key: str) -> bool:
    head, sep, tail = "".join(key.split()).rpartition(SEPARATOR)
    return bool(sep and head and tail.isdigit())
