"""Domain errors: every rejected input ends as one of these, never as a traceback.

The CLI maps `DraftingInputError` to exit code 1 and `DraftingUsageError` to 2; the message is one line that
names the file and the place (line, part or field) so a drafter can go straight to it.
"""

from __future__ import annotations


class DraftingError(Exception):
    """Base class of every error the library raises on purpose."""

    exit_code = 1


class DraftingInputError(DraftingError):
    """An input (file, spec, clause, submission, argument value) was rejected.

    `source` is the file (or argument) at fault, `line` a 1-based line in it, `part` a place inside a
    package (e.g. ``word/document.xml``) when there are no lines to point at.
    """

    def __init__(
        self, message: str, *, source: str | None = None, line: int | None = None, part: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = _one_line(message)
        self.source = source
        self.line = line
        self.part = part

    def __str__(self) -> str:
        where = []
        if self.source:
            where.append(_one_line(self.source))
        if self.line is not None:
            where.append(str(self.line))
        prefix = ":".join(where)
        if self.part:
            prefix = f"{prefix}: {self.part}" if prefix else self.part
        return f"{prefix}: {self.message}" if prefix else self.message

    def located(self, source: str) -> DraftingInputError:
        """Return this error with `source` filled in when it had none (loaders learn the file name late)."""
        if self.source:
            return self
        err = DraftingInputError(self.message, source=source, line=self.line, part=self.part)
        err.__cause__ = self.__cause__
        return err


class DraftingProblems(DraftingInputError):
    """Several rejected places in one input, reported together (a spec with five mistakes shows five).

    Printed one problem per line (`FILE:LINE: message`), at most `MAX_REPORTED` of them."""

    MAX_REPORTED = 20

    def __init__(self, problems: list[DraftingInputError]) -> None:
        flat = [q for p in problems for q in (p.problems if isinstance(p, DraftingProblems) else (p,))]
        first = flat[0]
        super().__init__(first.message, source=first.source, line=first.line, part=first.part)
        self.problems: tuple[DraftingInputError, ...] = tuple(flat)

    def __str__(self) -> str:
        shown = [str(p) for p in self.problems[: self.MAX_REPORTED]]
        rest = len(self.problems) - len(shown)
        if rest:
            shown.append(f"… and {rest} more")
        return "\n".join(shown)

    def located(self, source: str) -> DraftingInputError:
        return DraftingProblems([p.located(source) for p in self.problems])


def raise_problems(problems: list[DraftingInputError]) -> None:
    """Raise nothing, the one problem, or all of them together."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise DraftingProblems(problems)


class DraftingUsageError(DraftingError):
    """The command was called wrongly (conflicting or missing options); exit code 2."""

    exit_code = 2


class DraftingRecordError(DraftingInputError):
    """The negotiation record is not what drafting wrote (a broken hash-chain link, a dropped trigger, a
    stored file that no longer matches its hash): nothing is built on it. Exit code 1."""


class DraftingStateError(DraftingInputError):
    """The operation is refused in the current state (open brackets at finalize, unknown amendment id)."""


def _one_line(text: str) -> str:
    """Collapse `text` to one printable line: control characters and bidi overrides are made visible."""
    if text.isprintable():  # no control, format (the bidi overrides among them) or line-breaking character
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\r\n\t":
            out.append(" ")
        elif code < 0x20 or code == 0x7F or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def safe_display(text: str) -> str:
    """Show a user-supplied string (a delegation name, a file name) safely on one line."""
    return _one_line(text)


_CONTROLS = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]"


def control_in(text: str) -> int | None:
    """The code point of the first character no document keeps in `text` (see `refuse_controls`), or None."""
    import re

    bad = re.search(_CONTROLS, text)
    return None if bad is None else ord(bad.group())


def refuse_controls(text: str, source: str) -> None:
    """Refuse text holding a character no document keeps (bad-inputs X7: a C0 control but tab and line ends,
    DEL, U+FFFE or U+FFFF), naming its line: a spec's, a clause's or a decisions sheet's."""
    import re  # (this module imports nothing at its top: every command loads it)

    bad = re.search(_CONTROLS, text)
    if bad is not None:
        raise DraftingInputError(f"control character U+{ord(bad.group()):04X} is not allowed", source=source,
                                 line=text.count("\n", 0, bad.start()) + 1)
