"""A template compiled once: its frame with a place-holder character pair where each value goes, filled by
string replacement — no docxtpl, python-docx, Jinja2 or lxml on the way.

`render_frame` (docxtpl) gives a frame for one document's metadata. When a template's tags are only values
(`{{ name }}`) and conditions on a value (`{%p if name %}`, `else`, `endif`), the frame for any metadata is
the frame rendered with a *sentinel* (`\\ue200name\\ue201`) for each non-empty value, the sentinels then
replaced by the values escaped as lxml writes text, and elements left empty written as lxml writes them
(`<w:t/>`). Conditions are decided by whether a value is empty, so a skeleton is made per language and per
set of non-empty condition values (a *variant*). A skeleton is only ever used after the same check that
made it: at compile time, the filled skeleton must give the very bytes docxtpl gives for a real context,
else the template is not compiled (`compile_variant` returns None) and docxtpl renders it every time.

The default template's skeletons are made at `make template` and shipped beside it
(`templates/conference.skeletons`): the first assembly of a new text needs no template engine at all.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from typing import NamedTuple

from drafting.ooxml.wml.markup import escape

_OPEN, _CLOSE = "\ue200", "\ue201"
_TAG = re.compile(r"\{([{%])(.*?)[}%]\}", re.DOTALL)
_VALUE = re.compile(r"^-?\s*([A-Za-z_]\w*)\s*-?$")
_CONDITION = re.compile(r"^-?\s*(?:p|tr|tc|r)?\s*if\s+([A-Za-z_]\w*)\s*-?$")
_CONTROL = re.compile(r"^-?\s*(?:p|tr|tc|r)?\s*(?:else|endif)\s*-?$")
_MARKUP = re.compile(rb"<[^>]*>")
_EMPTY = re.compile(rb"(<w:t(?: [^>]*)?)></w:t>")
_SENTINEL = re.compile(_OPEN + r"(\w+)" + _CLOSE)
FORMAT = "drafting-skeletons-1"


class Tags(NamedTuple):
    """What a template's tags use: value names and the names its conditions test."""

    values: frozenset[str]
    conditions: frozenset[str]


def template_tags(parts: Mapping[str, bytes]) -> Tags | None:
    """The tags of a template's XML parts (read from their text, so tags Word split across runs count), or
    None when any tag is more than a value or a condition on one (filters, loops, expressions)."""
    values: set[str] = set()
    conditions: set[str] = set()
    for name, data in parts.items():
        if not name.endswith(".xml"):
            continue
        text = _MARKUP.sub(b"", data).decode("utf-8", "replace")
        for kind, inner in _TAG.findall(text):
            if kind == "{":
                match = _VALUE.match(inner.strip())
                if match is None:
                    return None
                values.add(match.group(1))
            elif (match := _CONDITION.match(inner.strip())) is not None:
                conditions.add(match.group(1))
            elif not _CONTROL.match(inner.strip()):
                return None
    return Tags(frozenset(values), frozenset(conditions))


_LAYOUT = re.compile("[\x00-\x1f\x7f]")


def fillable(context: Mapping[str, str]) -> bool:
    """Whether a skeleton can give `context`'s frame: docxtpl turns a tab or line break in a value into
    `w:tab`/`w:br` elements (and refuses other control characters), which text replacement does not do."""
    return not any(_LAYOUT.search(value) for value in context.values())


def variant(context: Mapping[str, str], tags: Tags) -> str:
    """The skeleton a context needs: its language and which condition values are not empty."""
    truthy = ",".join(sorted(name for name in tags.conditions if context.get(name)))
    return f"{context.get('language', '')}|{truthy}"


def sentinel_context(context: Mapping[str, str], tags: Tags, fixed: frozenset[str]) -> dict[str, str]:
    """`context` with a sentinel for each value the tags print (`fixed` ones stay as they are), empty ones too:
    a skeleton serves every context of its variant, and a value empty in the one it was compiled from may be
    given in the next. A condition's empty value stays empty (a sentinel would make it true: another
    variant)."""
    return {name: (f"{_OPEN}{name}{_CLOSE}" if name in tags.values and name not in fixed
                   and (value or name not in tags.conditions) else value)
            for name, value in context.items()}


def fill(skeleton: Mapping[str, bytes], context: Mapping[str, str]) -> dict[str, bytes]:
    """The frame for `context`: each sentinel replaced by its value as lxml writes text, emptied text
    elements written as lxml writes them."""
    out: dict[str, bytes] = {}
    for name, data in skeleton.items():
        if _OPEN.encode("utf-8") in data:
            text = _SENTINEL.sub(lambda m: escape(context.get(m.group(1), "")), data.decode("utf-8"))
            data = _EMPTY.sub(rb"\1/>", text.encode("utf-8"))
        out[name] = data
    return out


def compile_variant(render: Callable[[dict[str, str]], dict[str, bytes]], context: Mapping[str, str], tags: Tags,
                    fixed: frozenset[str]) -> dict[str, bytes] | None:
    """The skeleton for `context`'s variant, rendered by `render` (docxtpl) with sentinels — or None when
    filling it for `context` does not give exactly what `render` gives for `context` (or a sentinel landed
    anywhere but in text)."""
    skeleton = render(sentinel_context(context, tags, fixed))
    for data in skeleton.values():
        if _OPEN.encode("utf-8") in data and any(_OPEN.encode("utf-8") in tag for tag in _MARKUP.findall(data)):
            return None  # a value inside markup (an attribute): not a place text replacement can fill
    if fill(skeleton, context) != render(dict(context)):
        return None
    return skeleton


# -- the shipped file: skeletons of one template, parts stored once each -----------------------------------


def pack(template: bytes, sources: str, skeletons: Mapping[str, Mapping[str, bytes]]) -> bytes:
    """A zip holding `skeletons` (variant -> parts) of `template`, each distinct part once."""
    index: dict[str, object] = {"format": FORMAT, "template": hashlib.sha256(template).hexdigest(),
                                "sources": sources, "variants": {}}
    blobs: dict[str, bytes] = {}
    variants: dict[str, list[list[str]]] = {}  # parts as [name, digest] in the frame's order (the zip's order)
    for key in sorted(skeletons):
        names: list[list[str]] = []
        for name, data in skeletons[key].items():
            digest = hashlib.sha256(data).hexdigest()
            blobs[digest] = data
            names.append([name, digest])
        variants[key] = names
    index["variants"] = variants
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for digest in sorted(blobs):
            info = zipfile.ZipInfo(f"parts/{digest}", date_time=(1980, 1, 1, 0, 0, 0))
            package.writestr(info, blobs[digest], compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo("index.json", date_time=(1980, 1, 1, 0, 0, 0))
        package.writestr(info, json.dumps(index, sort_keys=True, indent=1), compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def unpack(data: bytes, template: bytes, sources: str, key: str) -> dict[str, bytes] | None:
    """The skeleton `key` from a shipped file, if the file was made from `template` by the same frame code
    (`sources`) and holds that variant; None otherwise (then the frame is rendered as usual)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            index = json.loads(package.read("index.json"))
            if (index.get("format") != FORMAT or index.get("template") != hashlib.sha256(template).hexdigest()
                    or index.get("sources") != sources):
                return None
            names = index.get("variants", {}).get(key)
            if not isinstance(names, list):
                return None
            parts = {}
            for name, digest in names:
                blob = package.read(f"parts/{digest}")
                if hashlib.sha256(blob).hexdigest() != digest:
                    return None
                parts[str(name)] = blob
            return parts
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError):
        return None
