"""The portal's reader process: uploaded returns are read (unzipped, parsed, matched, turned into amendments)
in a process of their own, beside the server's, so that reading a return takes the other core instead of the
event loop's share of the interpreter's lock, and pages keep being served while returns are read.

What runs there is an operation of the application layer (`delegations.stage_return`), the same one the
server would run in a thread, with the reader process's own kept check of the record (see `Portal.read`).
A refusal comes back as its parts and is raised again in the server: an exception with keyword fields does not
survive being pickled.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting.app import negotiation as ops
from drafting.errors import DraftingError, DraftingInputError, DraftingStateError

if TYPE_CHECKING:
    from drafting.app.negotiation import KeptCheck

_CHECKS: dict[Path, KeptCheck] = {}
Answer = tuple[str, Any, str, str | None]


def warm() -> None:
    """Import the application layer before the first upload arrives (the readers it imports come with the
    first return read)."""
    import drafting.app.delegations  # noqa: F401


def run(operation: Callable[..., Any], directory: Path, full_every: float, *args: Any) -> Answer:
    """`operation(directory, *args)` with this process's kept check of `directory`'s record: ("ok", result, …)
    or ("refused", the error's class name, its message, its part) for a DraftingError."""
    check = _CHECKS.get(directory)
    if check is None:
        check = _CHECKS[directory] = ops.kept_check(directory, full_every=full_every)
    try:
        with ops.keeping_checked(check):
            return "ok", operation(directory, *args), "", None
    except DraftingInputError as exc:
        return "refused", type(exc).__name__, exc.message, exc.part
    except DraftingError as exc:
        return "refused", "DraftingError", str(exc).splitlines()[0], None


def result(answer: Answer) -> Any:
    """The result an answer of `run` carries, or its refusal raised again."""
    kind, value, message, part = answer
    if kind == "ok":
        return value
    if value == "DraftingStateError":
        raise DraftingStateError(message, part=part)
    if value == "DraftingError":
        raise DraftingError(message)
    raise DraftingInputError(message, part=part)


__all__ = ["result", "run", "warm"]
