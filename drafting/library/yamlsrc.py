"""Strict YAML for the files drafters edit (clauses, registry, specs): every value remembers its line.

Built from PyYAML's event stream, not its constructor, so that: every scalar stays a string (no YAML 1.1
"Norway problem", no dates or floats by surprise); anchors, aliases and explicit tags are refused (no
billion-laughs expansion, no Python objects); duplicate keys are errors; nesting depth is capped without
recursion. Errors are `DraftingInputError` naming the file and line.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import yaml

from drafting.errors import DraftingInputError, refuse_controls

MAX_BYTES = 4 * 1024 * 1024
# libyaml's C parser when PyYAML was built with it (same events and marks, many times faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 40
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


class YStr(str):
    """A YAML scalar: a `str` that knows its 1-based `line`."""

    line: int

    def __new__(cls, value: str, line: int) -> YStr:
        obj = super().__new__(cls, value)
        obj.line = line
        return obj


class YMap(dict[str, Any]):
    """A YAML mapping that knows its `line` and the line of each key."""

    line: int
    key_lines: dict[str, int]

    def key_line(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A YAML sequence that knows its `line`."""

    line: int


def line_of(value: object, default: int = 0) -> int:
    """The line `value` was read from, or `default` for values that were not read from a file."""
    return int(getattr(value, "line", default) or default)


def decode_text(data: bytes, source: str) -> str:
    """Decode drafter-edited bytes as UTF-8 (BOM allowed) and NFC-normalise them."""
    if len(data) > MAX_BYTES:
        raise DraftingInputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", source=source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DraftingInputError("not valid UTF-8 text", source=source, line=line) from exc
    refuse_controls(text, source)
    return unicodedata.normalize("NFC", text)


def load_yaml(data: bytes, source: str) -> Any:
    """Parse `data` (the bytes of file `source`) into YMap/YList/YStr values, or raise DraftingInputError."""
    text = decode_text(data, source)
    root: Any = None
    documents = 0
    stack: list[Any] = []
    pending_key: list[YStr | None] = []
    loader = _LOADER(text)
    try:
        while True:
            event = loader.get_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.anchor or event.tag not in (None, "!"):
                    _refuse_node(event, source)
                bad = _UNWRITABLE.search(event.value)  # written as an escape ("\0", "\uFFFF"): XML cannot hold it
                if bad is not None:
                    raise DraftingInputError(f"character U+{ord(bad.group()):04X} is not allowed (no document can "
                                             "hold it)", source=source, line=event.start_mark.line + 1)
                # An empty value (`key:`) is the empty string, like every other scalar a string.
                root = _attach(stack, pending_key, YStr(event.value, event.start_mark.line + 1), root, source)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.anchor or event.tag not in (None, "!"):
                    _refuse_node(event, source)
                if len(stack) >= MAX_DEPTH:
                    raise DraftingInputError(
                        f"nesting deeper than {MAX_DEPTH} levels", source=source, line=_line(event)
                    )
                container: YMap | YList
                if kind is yaml.MappingStartEvent:
                    container = YMap()
                    container.key_lines = {}
                else:
                    container = YList()
                container.line = _line(event)
                root = _attach(stack, pending_key, container, root, source)
                stack.append(container)
                pending_key.append(None)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                pending_key.pop()
            elif kind is yaml.AliasEvent:
                raise DraftingInputError("YAML anchors and aliases are not allowed", source=source, line=_line(event))
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise DraftingInputError("only one YAML document per file", source=source, line=_line(event))
            elif kind is yaml.StreamEndEvent or event is None:
                break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        lines = text.splitlines()
        line_text = lines[line - 1] if line is not None and 0 < line <= len(lines) else ""
        raise DraftingInputError(explain_yaml_error(exc.problem or "", exc.context or "", line_text),
                                 source=source, line=line) from exc
    except yaml.YAMLError as exc:
        raise DraftingInputError(f"invalid YAML: {exc}", source=source) from exc
    finally:
        loader.dispose()
    return root


# The parser's words → a drafter's: (words in the parser's problem or context, what is wrong, the hint).
_EXPLAINED = (
    (("mapping values are not allowed",),
     "a second ':' on this line, or a line indented under a value",
     "put text that contains ': ' in quotes (title: \"Recommendations: the plan\"), or line the key up "
     "with the keys above it"),
    (("cannot start any token",), "a character that cannot start a value here (@ or `)",
     "put the value in quotes"),
    (("quoted scalar",), "a quotation mark that is never closed", "close the quote, or write the text unquoted"),
    (("flow sequence",), "a list in [ ] that is not closed, or an item holding ': ' unquoted",
     "close the bracket on the same line, or quote the item"),
    (("flow mapping",), "a mapping in { } that is not closed, or a value holding ',' unquoted",
     "close the brace on the same line, or quote the value"),
    (("could not find expected ':'",), "a line that is neither 'key: value' nor a continuation",
     "add the ':' after the key, or indent the line under the text it continues"),
    (("block collection", "block end"), "a line indented differently from the items around it",
     "list items ('- …') and keys of one mapping start in the same column"),
    (("did not find expected key",), "a key indented differently from the keys around it",
     "keys of one mapping start in the same column (indent with two spaces per level)"),
    (("block mapping", "block end"), "a key indented differently from the keys around it",
     "keys of one mapping start in the same column (indent with two spaces per level)"),
    (("expected '-' indicator",), "a list item indented differently from the ones before",
     "start every item of the list in the same column"),
)


def explain_yaml_error(problem: str, context: str, line_text: str = "") -> str:
    """A YAML syntax error in drafting's words, with a hint (the parser's jargon is never shown alone)."""
    text = f"{context} {problem}"
    if "\t" in line_text[: len(line_text) - len(line_text.lstrip())] or "'\\t'" in text:
        return "YAML syntax: a tab in the indentation (hint: indent with spaces, never tabs)"
    for needles, what, hint in _EXPLAINED:
        if all(needle in text for needle in needles):
            return f"YAML syntax: {what} (hint: {hint})"
    return f"YAML syntax: this line cannot be read ({problem or context or 'invalid YAML'}; hint: check the " \
           f"indentation and put text with ':', '#', '[' or '{{' in quotes)"


def _refuse_node(event: Any, source: str) -> None:
    if event.anchor:
        raise DraftingInputError("YAML anchors and aliases are not allowed", source=source, line=_line(event))
    raise DraftingInputError(f"YAML tag {event.tag} is not allowed", source=source, line=_line(event))


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1 if event.start_mark is not None else 0


def _attach(stack: list[Any], pending_key: list[YStr | None], value: Any, root: Any, source: str) -> Any:
    """Put `value` into the innermost open container (or make it the root)."""
    if not stack:
        return value
    top = stack[-1]
    if isinstance(top, YList):
        top.append(value)
        return root
    key = pending_key[-1]
    if key is None:
        if not isinstance(value, YStr):
            raise DraftingInputError("mapping keys must be plain text", source=source, line=line_of(value))
        if value in top:
            raise DraftingInputError(f"duplicate key {value!r}", source=source, line=value.line)
        pending_key[-1] = value
    else:
        top[str(key)] = value
        top.key_lines[str(key)] = key.line
        pending_key[-1] = None
    return root
