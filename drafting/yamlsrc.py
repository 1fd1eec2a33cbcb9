"""Strict YAML for the files drafters edit (clauses, registry, specs): every value remembers its line.

Built from PyYAML's event stream, not its constructor, so that: every scalar stays a string (no YAML 1.1
"Norway problem", no dates or floats by surprise); anchors, aliases and explicit tags are refused (no
billion-laughs expansion, no Python objects); duplicate keys are errors; nesting depth is capped without
recursion. Errors are `DraftingInputError` naming the file and line.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import yaml

from drafting.errors import DraftingInputError

MAX_BYTES = 4 * 1024 * 1024
# libyaml's C parser when PyYAML was built with it (same events and marks, many times faster).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 40


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
    for lineno, row in enumerate(text.split("\n"), start=1):
        for ch in row:
            if (ord(ch) < 0x20 and ch not in "\t\r") or ch in "\x7f\ufffe\uffff":
                raise DraftingInputError(
                    f"control character U+{ord(ch):04X} is not allowed", source=source, line=lineno
                )
    return unicodedata.normalize("NFC", text)


def load_yaml(data: bytes, source: str) -> Any:
    """Parse `data` (the bytes of file `source`) into YMap/YList/YStr values, or raise DraftingInputError."""
    text = decode_text(data, source)
    root: Any = None
    stack: list[Any] = []
    pending_key: list[YStr | None] = []
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise DraftingInputError(
                    "YAML anchors and aliases are not allowed", source=source, line=_line(event)
                )
            tag = getattr(event, "tag", None)
            if tag not in (None, "!") and not isinstance(event, yaml.DocumentStartEvent):
                raise DraftingInputError(f"YAML tag {tag} is not allowed", source=source, line=_line(event))
            if isinstance(event, yaml.DocumentStartEvent) and root is not None:
                raise DraftingInputError("only one YAML document per file", source=source, line=_line(event))
            if isinstance(event, yaml.ScalarEvent):
                value: Any = YStr(event.value, _line(event))
                if not event.value and event.implicit[0] and event.style is None:
                    value = None
                root = _attach(stack, pending_key, value, root, source)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise DraftingInputError(
                        f"nesting deeper than {MAX_DEPTH} levels", source=source, line=_line(event)
                    )
                container: YMap | YList
                if isinstance(event, yaml.MappingStartEvent):
                    container = YMap()
                    container.key_lines = {}
                else:
                    container = YList()
                container.line = _line(event)
                root = _attach(stack, pending_key, container, root, source)
                stack.append(container)
                pending_key.append(None)
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                pending_key.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise DraftingInputError(f"invalid YAML: {problem}", source=source, line=line) from exc
    except yaml.YAMLError as exc:
        raise DraftingInputError(f"invalid YAML: {exc}", source=source) from exc
    return root


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
