"""Word renderer: a `Document` becomes a .docx built on the clerk-editable template in `templates/`.

The template's docxtpl tags (header symbol, `{{ body }}`) are rendered through the one sandboxed Jinja
environment into a frame (memoised: see `rendered_template`); the paragraphs are then written by the OOXML
layer as markup into the frame's body slot, with named styles, Word numbering, a bookmark `dp_<id>` per
paragraph, and the document identity in custom properties. The zip is written deterministically, so the
same document gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from drafting import __version__
from drafting.conventions.identity import (
    BOOKMARK_PREFIX,
    PROP_CONTENT_HASH,
    PROP_DOCUMENT_ID,
    PROP_LANGUAGE,
    PROP_META,
    PROP_PROFILE,
    PROP_REVISION,
    PROP_SYMBOL,
    identity,
)
from drafting.conventions.profiles import Profile, get_profile
from drafting.conventions.wordstyles import STYLE_BY_ROLE
from drafting.errors import DraftingInputError
from drafting.library.i18n import format_date, masthead_lines
from drafting.model.document import Document, Paragraph, Role, Span
from drafting.model.serial import meta_json
from drafting.ooxml.wml.markup import (
    CUSTOM_PART,
    FOOTNOTES_CT,
    FOOTNOTES_PART,
    FOOTNOTES_REL,
    Level,
    ListDefinition,
    RunSpec,
    core_properties_xml,
    custom_properties_xml,
    fill_body_slot,
    footnote_paragraph_xml,
    footnotes_xml,
    has_one_body_slot,
    numbering_xml,
    paragraph_xml,
    table_xml,
    write_package,
)
from drafting.support import cache
from drafting.support.resources import default_template

BODY_MARKER = "DRAFTINGBODYMARKER"

OPERATIVE_LIST = 1
BULLET_LIST = 2



def bookmark_name(paragraph_id: str) -> str:
    return BOOKMARK_PREFIX + paragraph_id


def _list_definitions(profile: Profile) -> list[ListDefinition]:
    word_level = [f"%{i + 1}" for i in range(len(profile.levels))]
    operative = tuple(
        Level(level.number, level.template.replace("{}", word_level[i]), left=1134 + 567 * i,
              hanging=567 + 284 * (i == 0))
        for i, level in enumerate(profile.levels)
    )
    bullets = (Level("bullet", profile.bullet, left=1701, hanging=284),)
    return [ListDefinition(OPERATIVE_LIST, operative), ListDefinition(BULLET_LIST, bullets)]


def _runs(spans: Sequence[Span], notes: dict[str, int] | None = None) -> list[RunSpec]:
    runs = []
    for span in spans:
        if span.note:
            number = (notes or {}).get(span.note)
            if number:
                runs.append(RunSpec("", note=number))
            continue
        if span.opening and span.italic:
            style: str | None = "OpeningPhrase"
        elif span.italic:
            style = "Emphasis"
        elif span.bold:
            style = "Strong"
        else:
            style = None
        runs.append(RunSpec(span.text, style))
    return runs


class _WordCounter:
    """Replays Word's list counters so we know when Word's own number equals our label."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.counts = [0] * len(profile.levels)

    def next_label(self, level: int) -> str:
        self.counts[level] += 1
        for deeper in range(level + 1, len(self.counts)):
            self.counts[deeper] = 0
        return self.profile.levels[level].label(self.counts[level])

    def peek_label(self, level: int) -> str:
        return self.profile.levels[level].label(self.counts[level] + 1)


class _Body:
    """The body markup and the footnotes part's notes, as `build_paragraphs` writes them."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.notes: list[tuple[int, str]] = []
        self.cells: dict[tuple[int, int], str] = {}  # (row, column) -> markup, of the table being written
        self.table = 0

    def end_table(self) -> None:
        if self.cells:
            rows: dict[int, list[str]] = {}
            for (row, _), markup in sorted(self.cells.items()):
                rows.setdefault(row, []).append(markup)
            self.blocks.append(table_xml(list(rows.values())))
            self.cells = {}
        self.table = 0


def build_paragraphs(document: Document, profile: Profile) -> str:
    """The body markup: one w:p per paragraph; numbered roles use Word numbering when it gives the same
    label."""
    return build_story(document, profile)[0]


def build_story(document: Document, profile: Profile) -> tuple[str, list[tuple[int, str]]]:
    """The body markup (w:p per paragraph, w:tbl per table, numbered roles in Word numbering when it gives
    the same label) and the footnotes (w:id, markup): each footnote paragraph goes to the footnotes part,
    referred to where its note span stands."""
    counter = _WordCounter(profile)
    body = _Body()
    notes = {p.id: number for number, p in
             enumerate((p for p in document.paragraphs if p.role is Role.FOOTNOTE), start=1)}
    for index, paragraph in enumerate(document.paragraphs, start=1):
        style = STYLE_BY_ROLE[paragraph.role]
        runs = _runs(paragraph.spans, notes)
        bookmark = (index, bookmark_name(paragraph.id))
        if paragraph.role is Role.FOOTNOTE:
            body.notes.append((notes[paragraph.id], footnote_paragraph_xml(style, runs, bookmark=bookmark)))
            continue
        if paragraph.role is Role.CELL and paragraph.cell is not None:
            if body.table != paragraph.cell[0]:
                body.end_table()
                body.table = paragraph.cell[0]
            body.cells[paragraph.cell[1], paragraph.cell[2]] = paragraph_xml(style, runs, bookmark=bookmark)
            continue
        body.end_table()
        numbering = None
        if paragraph.role is Role.BULLET:
            numbering = (BULLET_LIST, 0)
        elif paragraph.role in (Role.OPERATIVE, Role.SUBITEM) and paragraph.label:
            level = 0 if paragraph.role is Role.OPERATIVE else min(max(paragraph.level, 1), len(profile.levels) - 1)
            if counter.peek_label(level) == paragraph.label:
                counter.next_label(level)
                numbering = (OPERATIVE_LIST, level)
            else:
                runs = [RunSpec(paragraph.label + " "), *runs]  # bis/ter and other manual labels
        elif paragraph.label:
            runs = [RunSpec(paragraph.label + " "), *runs]
        body.blocks.append(paragraph_xml(style, runs, bookmark=bookmark, numbering=numbering))
    body.end_table()
    if body.blocks and body.blocks[-1].startswith("<w:tbl>"):
        body.blocks.append(paragraph_xml("Normal", []))  # Word wants a paragraph between a table and the sectPr
    return "".join(body.blocks), body.notes


def _masthead(document: Document, profile: Profile, symbol: str, final: bool) -> dict[str, str]:
    """The UN masthead's fields (first page, `un-resolution`); `masthead` empty means none. A final text
    has none yet: `verify` reads a final PDF's text with only the running symbol header set aside."""
    if not profile.masthead or final:
        return {"masthead": "", "organ": "", "distribution": "", "masthead_date": "", "version_language": "",
                "original": ""}
    meta = document.meta
    distribution, date, version, original = masthead_lines(
        symbol=symbol, distribution=meta.distribution, date=meta.date,
        language=document.language, original=meta.original_language or meta.language)
    return {"masthead": "yes", "organ": meta.meeting or meta.title, "distribution": distribution,
            "masthead_date": date, "version_language": version, "original": original}


def _context(document: Document, profile: Profile) -> dict[str, str]:
    meta = document.meta
    final = document.attributes.get("stage") == "final"
    symbol = meta.symbol + (f"/Rev.{meta.revision}" if meta.revision and not final else "")
    return {
        **_masthead(document, profile, symbol, final),
        "body": BODY_MARKER,
        # A revision carries /Rev.N (D5); the final authentic text carries the plain symbol.
        "symbol": symbol,
        "title": meta.title,
        "place": meta.place,
        "date": format_date(meta.date, document.language, profile.date_style),
        "meeting": meta.meeting,
        "revision": f"Rev.{meta.revision}" if meta.revision else "",
        "language": document.language,
    }


def render_docx(document: Document, *, template: Path | None = None,
                extra_properties: dict[str, str] | None = None) -> bytes:
    """The .docx bytes of `document`, built on `template` (default `templates/conference.docx`);
    `extra_properties` are added to its custom properties (a final version's seal)."""
    profile = get_profile(document.meta.profile, document.language)
    body, notes = build_story(document, profile)
    return _package(document, profile, body, template, extra_properties, notes)


def render_side_by_side(documents: Sequence[Document], *, template: Path | None = None,
                        extra_properties: dict[str, str] | None = None) -> bytes:
    """Language versions in parallel columns (English | Russian), paragraph for paragraph by id, for the
    signing ceremony; labels are written out (Word numbering does not run across table cells)."""
    from drafting.ooxml.wml.tree import fragment_xml, make_paragraph, make_table

    primary = documents[0]
    profile = get_profile(primary.meta.profile, primary.language)
    by_id = [{p.id: p for p in d.paragraphs} for d in documents]
    rows = [[[make_paragraph("SectionHeading", [RunSpec(LANGUAGE_TITLES.get(d.language, d.language))])]
             for d in documents]]
    for paragraph in primary.paragraphs:
        row = []
        for paragraphs in by_id:
            p = paragraphs.get(paragraph.id)
            runs = [] if p is None else ([RunSpec(p.label + " ")] if p.label else []) + _runs(p.spans)
            row.append([make_paragraph(STYLE_BY_ROLE[paragraph.role], runs)])
        rows.append(row)
    table = make_table(rows, header=True)
    # Word wants a paragraph after a table before the section properties.
    return _package(primary, profile, fragment_xml([table, make_paragraph("Normal", [])]), template,
                    extra_properties)


LANGUAGE_TITLES = {"en": "English", "ru": "Русский", "fr": "Français", "es": "Español", "ar": "العربية",
                   "zh": "中文"}


def _package(document: Document, profile: Profile, body: str, template: Path | None,
             extra_properties: dict[str, str] | None, notes: Sequence[tuple[int, str]] = ()) -> bytes:
    template_path = template or default_template()
    try:
        template_bytes = template_path.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read template: {exc.strerror}", source=str(template_path)) from exc
    parts = rendered_template(template_bytes, _context(document, profile), str(template_path),
                              template_path=template_path)
    parts["word/document.xml"] = fill_body_slot(parts["word/document.xml"], body)
    if notes:
        from drafting.ooxml.opc.package import set_part  # lxml: only for a text with footnotes

        set_part(parts, FOOTNOTES_PART, footnotes_xml(notes), FOOTNOTES_CT, rel_from="word/document.xml",
                 rel_type=FOOTNOTES_REL)
    _finish_parts(parts, document, profile, extra_properties or {})
    return write_package(parts)


FRAME_CACHE = "template-frames"
FRAME_FORMAT = "3"  # bump when what a frame holds changes, so older entries are never read
_PACKAGE = Path(__file__).resolve().parents[1]
# The code a frame is made by (its hash is part of the key) and the libraries that render it.
FRAME_SOURCES = tuple(_PACKAGE / name for name in (
    "render/docx.py", "support/factories.py", "ooxml/wml/frame.py", "ooxml/wml/tree.py", "ooxml/opc/package.py",
    "ooxml/parser.py", "ooxml/wml/markup.py",
))
FRAME_LIBRARIES = ("docxtpl", "python-docx", "lxml", "Jinja2")


def rendered_template(template_bytes: bytes, context: dict[str, str], source: str, *,
                      template_path: Path | None = None) -> dict[str, bytes]:
    """The template's parts with its docxtpl tags rendered for `context`, ready for the body: the `{{ body }}`
    paragraph is a slot, the custom-properties part is registered, styles carry the document's language.

    A pure function of its inputs, so it is memoised on disk (`drafting.support.cache`): re-assembling a text whose
    metadata has not changed skips python-docx, docxtpl, Jinja2 and lxml altogether, and gives the same bytes.
    """
    key = cache.key_of(FRAME_CACHE, FRAME_FORMAT, __version__, cache.fingerprint(FRAME_SOURCES, FRAME_LIBRARIES),
                       template_bytes, *sorted(f"{k}={v}" for k, v in context.items()))
    cached = cache.load(FRAME_CACHE, key)
    if cached is not None:
        parts = _frame_parts(cached)
        if parts is not None:
            return parts
    parts = skeleton_frame(template_bytes, context, source, template_path=template_path)
    if cache.cache_dir() is not None:
        cache.store(FRAME_CACHE, key, write_package(parts))
    return parts


SKELETON_CACHE = "template-skeletons"
SKELETON_SOURCES = tuple(_PACKAGE / name for name in (
    "ooxml/wml/skeleton.py", "ooxml/wml/frame.py", "ooxml/wml/tree.py", "ooxml/wml/markup.py", "ooxml/parser.py",
    "ooxml/opc/package.py", "ooxml/opc/model.py", "support/factories.py",
))
_FIXED = frozenset({"body", "language"})  # values a skeleton holds as they are (the body slot, the styles' language)
_NOT_COMPILED = b"not compiled"


@functools.cache
def skeleton_sources() -> str:
    """The frame code's fingerprint, without library versions: what a shipped skeleton was made by (once per
    process: every language version of a text asks)."""
    return cache.fingerprint(SKELETON_SOURCES, ())


def skeleton_frame(template_bytes: bytes, context: dict[str, str], source: str, *,
                   template_path: Path | None = None) -> dict[str, bytes]:
    """The frame for `context` from the template's compiled skeleton (`drafting.ooxml.wml.skeleton`): shipped
    beside the template (`NAME.skeletons`), else kept in the cache; else docxtpl renders it (and the
    skeleton of its variant is compiled and kept for the next text)."""
    from drafting.ooxml.wml import skeleton

    tags = skeleton.template_tags(_zip_parts(template_bytes))
    if tags is None or not skeleton.fillable(context):
        return _render_frame(template_bytes, context, source)
    variant = skeleton.variant(context, tags)
    shipped = template_path.with_suffix(".skeletons") if template_path is not None else None
    if shipped is not None and shipped.is_file():
        parts = skeleton.unpack(shipped.read_bytes(), template_bytes, skeleton_sources(), variant)
        if parts is not None:
            return skeleton.fill(parts, context)
    key = cache.key_of(SKELETON_CACHE, __version__, cache.fingerprint(SKELETON_SOURCES, FRAME_LIBRARIES),
                       template_bytes, variant)
    kept = cache.load(SKELETON_CACHE, key)
    if kept == _NOT_COMPILED:
        return _render_frame(template_bytes, context, source)
    if kept is not None and (parts := _frame_parts(kept)) is not None:
        return skeleton.fill(parts, context)
    real: dict[str, dict[str, bytes]] = {}

    def render(values: dict[str, str]) -> dict[str, bytes]:
        if values == context and "real" in real:
            return real["real"]
        parts = _render_frame(template_bytes, values, source)
        if values == context:
            real["real"] = parts
        return parts

    compiled = skeleton.compile_variant(render, context, tags, _FIXED)
    if cache.cache_dir() is not None:
        cache.store(SKELETON_CACHE, key, write_package(compiled) if compiled is not None else _NOT_COMPILED)
    return render(dict(context))


SKELETON_LANGUAGES = ("en", "ru", "fr", "es", "ar", "zh")


def template_skeletons(template_path: Path) -> bytes:
    """The shipped skeletons of a template (`make template`): every language, with and without each value its
    conditions test. Refused when the template cannot be compiled (a tag beyond values and conditions)."""
    from drafting.ooxml.wml import skeleton

    template_bytes = template_path.read_bytes()
    tags = skeleton.template_tags(_zip_parts(template_bytes))
    if tags is None:
        raise DraftingInputError("its tags are more than values and conditions on them: it cannot be compiled",
                                 source=str(template_path))
    skeletons: dict[str, dict[str, bytes]] = {}
    conditions = sorted(tags.conditions)

    def render(values: dict[str, str]) -> dict[str, bytes]:
        return _render_frame(template_bytes, values, str(template_path))

    for language in SKELETON_LANGUAGES:
        for mask in range(2 ** len(conditions)):
            context = {name: f"{name} value" for name in sorted(tags.values | tags.conditions)}
            context.update({name: "" for bit, name in enumerate(conditions) if not mask & (1 << bit)})
            context.update(body=BODY_MARKER, language=language)
            compiled = skeleton.compile_variant(render, context, tags, _FIXED)
            if compiled is None:
                raise DraftingInputError(f"its {language} frame cannot be compiled (values do not stand in text)",
                                         source=str(template_path))
            skeletons[skeleton.variant(context, tags)] = compiled
    return skeleton.pack(template_bytes, skeleton_sources(), skeletons)


def _render_frame(template_bytes: bytes, context: dict[str, str], source: str) -> dict[str, bytes]:
    from drafting.ooxml.wml.frame import render_frame  # docxtpl, python-docx and lxml: only here

    return render_frame(template_bytes, context, source, body_marker=BODY_MARKER)


def _zip_parts(data: bytes) -> dict[str, bytes]:
    """The XML parts of a template the hardened reader will check when it renders (read here only for their
    tags: a template that is not a readable zip has none, and docxtpl's path refuses it properly)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = [i for i in package.infolist() if i.filename.endswith(".xml")][:500]
            if sum(i.file_size for i in infos) > cache.MAX_ENTRY_BYTES:
                return {}
            return {i.filename: package.read(i) for i in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return {}


def _frame_parts(frame: bytes) -> dict[str, bytes] | None:
    """The parts of a cached frame (or skeleton), or None when it is not one we could have written (then it is
    rendered again): a bounded zip with one body slot and a custom-properties part."""
    try:
        with zipfile.ZipFile(io.BytesIO(frame)) as package:
            infos = package.infolist()
            if len(infos) > 500 or sum(info.file_size for info in infos) > cache.MAX_ENTRY_BYTES:
                return None
            parts = {info.filename: package.read(info) for info in infos}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return None
    body = parts.get("word/document.xml", b"")
    if not has_one_body_slot(body) or not any(name.casefold() == CUSTOM_PART.casefold() for name in parts):
        return None
    return parts


def _finish_parts(parts: dict[str, bytes], document: Document, profile: Profile, extra: dict[str, str]) -> None:
    meta = document.meta
    ident = identity(document)
    moment = dt.datetime.combine(meta.date, dt.time(0, 0))
    parts["word/numbering.xml"] = numbering_xml(_list_definitions(profile))
    parts["docProps/core.xml"] = core_properties_xml(
        title=_plain_title(document), subject=meta.subject or meta.meeting, creator=f"drafting {__version__}",
        keywords="; ".join(meta.keywords), description=meta.symbol, language=document.language,
        identifier=meta.document_id, revision=str(meta.revision + 1), created=moment, modified=moment,
    )
    custom = next(name for name in parts if name.casefold() == CUSTOM_PART.casefold())  # registered by the frame
    parts[custom] = custom_properties_xml({
        PROP_DOCUMENT_ID: ident.document_id,
        PROP_REVISION: str(ident.revision),
        PROP_CONTENT_HASH: ident.content_hash,
        PROP_LANGUAGE: ident.language,
        PROP_PROFILE: meta.profile,
        PROP_SYMBOL: meta.symbol,
        PROP_META: meta_json(meta),
        **extra,
    })


def _plain_title(document: Document) -> str:
    title = next((p for p in document.paragraphs if p.role is Role.TITLE), None)
    return title.text if isinstance(title, Paragraph) else document.meta.title
