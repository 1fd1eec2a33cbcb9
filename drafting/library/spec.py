"""Conference document specs: the YAML file a secretariat drafter writes to assemble an outcome text.

Every key a spec may hold is listed once, in `SCHEMA` (type, default, example, meaning): the loader checks
specs against it, and `docs/spec-reference.md` is generated from it (`python -m drafting.library.spec`).
An ENTRY is a clause id, `{clause: ID, id: PARA_ID, params: {…}}`, or a one-off paragraph
`{id: PARA_ID, opening: …, text: …, items: […], translations: {ru: {…}}}`. Every problem of a spec is
reported at once (`DraftingProblems`), each with its line; a misspelt name comes with the closest known ones.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import NamedTuple, TypeVar

from drafting.errors import DraftingInputError, DraftingProblems, raise_problems
from drafting.library.clauses import LANGUAGE_CODES, _Collector, _items, _wording, state_refs
from drafting.library.dates import parse_date
from drafting.library.placeholders import CLAUSE_ID
from drafting.library.suggest import did_you_mean
from drafting.library.yamlsrc import YList, YMap, YStr, line_of, load_yaml
from drafting.model.document import (
    ClauseText,
    DocumentSpec,
    EntrySpec,
    Meta,
    ParamValue,
    Source,
    frozen_map,
)

PARAGRAPH_ID = re.compile(r"^[a-z][a-z0-9_]{0,35}\Z")
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\Z")
PROFILES = ("as-issued", "un-resolution")
DISTRIBUTIONS = ("general", "limited")
_T = TypeVar("_T")


class Key(NamedTuple):
    """One key of the spec format: where it sits, what it holds, its default, an example and its meaning."""

    path: str
    type: str
    default: str
    example: str
    doc: str


REQUIRED = "required"
SCHEMA: tuple[Key, ...] = (
    Key("document", "mapping", REQUIRED, "document: {id: …, title: …, place: …, date: …}",
        "The document's metadata: identity, meeting, place and date, parties, symbol, languages, style."),
    Key("document.id", "name", REQUIRED, "id: mc2-declaration",
        "Stable identity of the text; letters, digits, '.', '-', '_'. Carried in the .docx and the record."),
    Key("document.name", "name", "the id", "name: declaration", "File name stem of the outputs."),
    Key("document.title", "text", REQUIRED, "title: Declaration of the Second Ministerial Conference",
        "The title; Markdown emphasis allowed."),
    Key("document.issuing", "text", "none", "issuing: Adopted at Almaty on 5 June 2025",
        "The issuing line under the title."),
    Key("document.meeting", "text", "none", "meeting: Second Ministerial Conference", "The meeting's name."),
    Key("document.place", "text", REQUIRED, "place: Almaty", "Where the text is adopted (place/date line)."),
    Key("document.country", "text", "none", "country: Kazakhstan", "The host country."),
    Key("document.date", "date YYYY-MM-DD", REQUIRED, "date: 2025-06-05",
        "Date of adoption; checked as a date (there is no 31 November)."),
    Key("document.participants", "list of codes", "[]", "participants: [KAZ, KGZ, TJK]",
        "Participating States and organisations, by registry code (ISO 3166 alpha-3 for States); an unknown "
        "code is refused by assemble and lint at its line, with the closest codes."),
    Key("document.observers", "list of codes", "[]", "observers: [IRN, PAK]",
        "Observers, by registry code (checked as participants are)."),
    Key("document.symbol", "text", "none", "symbol: AP/MC.2/2025/L.1",
        "Document symbol of the draft (D1–D8); every language version carries it."),
    Key("document.final_symbol", "text", "none", "final_symbol: AP/MC.2/2025/1",
        "The symbol of the final text; `finalize --symbol` overrides it."),
    Key("document.distribution", "general | limited", "limited if the symbol has an L. part, else general",
        "distribution: limited", "The masthead's distribution line (un-resolution profile)."),
    Key("document.language", "language code", "en", "language: en",
        "The language the spec is written in: the masthead's 'Original:'."),
    Key("document.languages", "list of language codes", "[language]", "languages: [en, ru]",
        "Every language version to build; `assemble --language` picks some."),
    Key("document.profile", "as-issued | un-resolution", "un-resolution", "profile: un-resolution",
        "Style profile: labels, punctuation, italics, masthead."),
    Key("document.subject", "text", "none", "subject: Almaty Process", "Subject (document properties)."),
    Key("document.keywords", "list of text", "[]", "keywords: [migration, protection]",
        "Keywords (document properties)."),
    Key("document.synthetic", "yes | no", "no", "synthetic: yes",
        "Marks a text made for tests or demonstration, not an issued one."),
    Key("document.revision", "number", "0", "revision: 1", "Revision number (Rev.1 …); set by `revise`."),
    Key("document.translations", "mapping language → fields", "{}",
        "translations: {ru: {title: …, place: Алматы}}",
        "title, issuing, meeting, place, country, subject in the other languages."),
    Key("clauses", "directory or list", "the project's clauses/", "clauses: [../../clauses, clauses]",
        "Clause libraries, relative to the spec, searched in order. A clause id in two libraries is an error "
        "unless the later library is marked `{path: …, override: yes}`."),
    Key("clauses[].path", "directory", REQUIRED, "- {path: clauses, override: yes}",
        "A clause library directory (in the mapping form of a `clauses` entry)."),
    Key("clauses[].override", "yes | no", "no", "override: yes",
        "This library's clauses replace those with the same id in the libraries before it."),
    Key("preamble", "mapping", "none", "preamble: {subject: …, paragraphs: […]}", "The preamble."),
    Key("preamble.heading", "text or text per language", "none", "heading: {en: Preamble, ru: Преамбула}",
        "A heading over the preamble (as-issued profile)."),
    Key("preamble.subject", "ENTRY", "none", "subject: subject.ministers",
        "The subject paragraph (\"We, the Ministers …\" or \"The General Assembly,\")."),
    Key("preamble.paragraphs", "list of ENTRY", "[]", "paragraphs: [preambular.recalling-declaration]",
        "Preambular paragraphs, in order."),
    Key("operative", "mapping", "none", "operative: {chapeau: …, paragraphs: […]}", "The operative part."),
    Key("operative.chapeau", "ENTRY", "none", "chapeau: chapeau.agree-recommendations",
        "The lead-in before the operative paragraphs (\"We agree upon the following:\")."),
    Key("operative.paragraphs", "list of ENTRY", "[]", "paragraphs: [operative.endorse-draft]",
        "Operative paragraphs, numbered 1, 2, … in the un-resolution profile."),
    Key("membership", "list of ENTRY", "[]", "membership: [{clause: membership.initial-members, params: …}]",
        "Membership provisions: numbered operative paragraphs in the un-resolution profile, with the member "
        "list in the text."),
    Key("closing", "list of ENTRY", "[]", "closing: [closing.thanks-host]", "Closing paragraphs."),
    Key("place_date", "yes | no", "yes", "place_date: no", "The closing place and date line."),
    Key("signatures", "mapping", "none", "signatures: {form: blocks, signatories: [KAZ, KGZ]}",
        "Signature blocks for the final text."),
    Key("signatures.form", "blocks | participants | none", "blocks", "form: blocks",
        "Blocks per signatory, a list of participants, or none."),
    Key("signatures.signatories", "list of codes", "[]", "signatories: [KAZ, KGZ]",
        "Who signs, by registry code (checked as participants are)."),
    Key("ENTRY.clause", "clause id", "none", "clause: operative.secretariat-seat",
        "The clause to use (a bare clause id is shorthand for an entry with only this key)."),
    Key("ENTRY.id", "paragraph id", "the clause id's last part", "id: secretariat_seat",
        "Stable paragraph id: a lowercase letter, then letters, digits, _ (at most 36)."),
    Key("ENTRY.params", "mapping", "{}", "params: {seat: Almaty, members: [KAZ, KGZ]}",
        "Parameter values: text, text per language ({en: …, ru: …}) or a list of codes."),
    Key("ENTRY.numbered", "yes | no", "by role", "numbered: no", "Whether the paragraph takes a number."),
    Key("ENTRY.opening", "text", "none", "opening: Welcomes", "A one-off paragraph's opening phrase (italic)."),
    Key("ENTRY.text", "Markdown text", "none", "text: the offer of the Government of Kazakhstan;",
        "A one-off paragraph's text."),
    Key("ENTRY.items", "list", "[]", "items: [first item, {opening: To, text: second item}]",
        "Sub-items (a), (b) …; each text or {key, opening, text, items}."),
    Key("ENTRY.translations", "mapping language → wording", "{}", "translations: {ru: {text: …}}",
        "A one-off paragraph's other languages (opening, text, items)."),
    Key("ENTRY.table", "list of rows", "none", "table: [[State, Contribution], [Kazakhstan, '100']]",
        "A table instead of a paragraph: rows of cells (Markdown), the first the header row; each cell is a "
        "paragraph of the negotiation (id ENTRY_r2c1). A footnote is `^[its text]` in any paragraph's text."),
)


def keys_under(parent: str) -> set[str]:
    """The keys directly under `parent` ('' for the top level) in `SCHEMA`."""
    depth = parent.count(".") + 1 if parent else 0
    out = set()
    for key in SCHEMA:
        parts = key.path.split(".")
        if parent and not key.path.startswith(parent + "."):
            continue
        if not parent and (key.path.startswith("ENTRY.") or "[]" in key.path):
            continue
        if len(parts) == depth + 1:
            out.add(parts[-1])
    return out


_TOP = keys_under("")
_META = keys_under("document")
_ENTRY = keys_under("ENTRY")
_LIBRARY = {key.path.removeprefix("clauses[].") for key in SCHEMA if key.path.startswith("clauses[].")}


class _Problems:
    """Every problem of one spec, so that all are reported together."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[DraftingInputError] = []

    def add(self, message: str, line: int | None) -> None:
        self.found.append(DraftingInputError(message, source=self.source, line=line))

    def attempt(self, read: Callable[[], _T], fallback: _T) -> _T:
        """`read()`, or `fallback` with its problem recorded."""
        try:
            return read()
        except DraftingProblems as exc:
            self.found.extend(exc.problems)
        except DraftingInputError as exc:
            self.found.append(exc.located(self.source))
        return fallback

    def unknown(self, what: str, key: str, known: set[str] | tuple[str, ...], line: int) -> None:
        hint = did_you_mean(key, known) or f" (known: {', '.join(sorted(known))})"
        self.add(f"unknown {what} {key!r}{hint}", line)


def load_spec(path: Path) -> DocumentSpec:
    """Read and validate the spec at `path`; clause references are resolved later, at assembly."""
    spec, problems = read_spec(path)
    raise_problems(problems)
    assert spec is not None
    return spec


def read_spec(path: Path) -> tuple[DocumentSpec | None, list[DraftingInputError]]:
    """The spec at `path` as far as it can be read, and every problem found (empty: the spec is good).

    With problems, the spec (when there is one) has them left out, so that assembly can look for more."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [DraftingInputError(f"cannot read spec: {exc.strerror}", source=source)]
    return _parse(data, source, base_dir=path.parent)


def parse_spec(data: bytes, source: str, *, base_dir: Path) -> DocumentSpec:
    spec, problems = _parse(data, source, base_dir=base_dir)
    raise_problems(problems)
    assert spec is not None
    return spec


def _parse(data: bytes, source: str, *, base_dir: Path) -> tuple[DocumentSpec | None, list[DraftingInputError]]:
    try:
        root = load_yaml(data, source)
    except DraftingInputError as exc:
        return None, [exc]
    if not isinstance(root, YMap):
        return None, [DraftingInputError("a spec is a mapping with document, preamble, operative …", source=source,
                                         line=line_of(root, 1))]
    problems = _Problems(source)
    for key in root:
        if key not in _TOP:
            problems.unknown("section", key, _TOP, root.key_line(key))
    document = root.get("document")
    if not isinstance(document, YMap):
        problems.add("missing 'document' metadata (document: {id: …, title: …, place: …, date: …})", root.line)
        return None, problems.found
    meta = _meta(document, problems)
    no_dirs: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    clause_dirs, overrides = problems.attempt(lambda: _clause_dirs(root.get("clauses"), source, base_dir), no_dirs)
    preamble = _section_map(root.get("preamble"), "preamble", problems)
    operative = _section_map(root.get("operative"), "operative", problems)
    heading = preamble.get("heading")
    if isinstance(heading, YMap):
        # {en: Preamble, ru: Преамбула}: the spec's language is the heading, the others are translations.
        translations = {str(k): str(v) for k, v in heading.items() if k != meta.language}
        heading = heading.get(meta.language)
        localized = {lang: dict(values) for lang, values in meta.localized.items()}
        for lang, text in translations.items():
            localized.setdefault(lang, {})["preamble_heading"] = " ".join(text.split())
        meta = replace(meta, localized=frozen_map({k: frozen_map(v) for k, v in localized.items()}))
    if heading is not None and not isinstance(heading, YStr):
        problems.add("preamble heading must be text (or a map of languages to text)", preamble.key_line("heading"))
        heading = None
    entries = _EntryReader(source, meta.language, problems)
    subject = entries.optional(preamble.get("subject"), "subject")
    chapeau = entries.optional(operative.get("chapeau"), "chapeau")
    pre = entries.many(preamble.get("paragraphs"), "preamble")
    ops = entries.many(operative.get("paragraphs"), "operative")
    membership = entries.many(root.get("membership"), "membership")
    closing = entries.many(root.get("closing"), "closing")
    place_date = problems.attempt(
        lambda: _yes_no(root.get("place_date"), default=True, source=source, line=root.key_line("place_date")), True)
    meta = problems.attempt(lambda: _signatures(root.get("signatures"), meta, source, problems), meta)
    spec = DocumentSpec(
        meta=meta, preamble_heading=str(heading or ""), subject=subject, preamble=pre, chapeau=chapeau,
        operative=ops, membership=membership, closing=closing, place_date=place_date,
        clause_dirs=clause_dirs, source=Source(source, 1), clause_overrides=overrides,
        listed_parties=_listed_parties(document, root.get("signatures")),
    )
    return spec, problems.found


def _listed_parties(document: YMap, signatures: object) -> tuple[tuple[str, str, int], ...]:
    """(where, code, line) of every party the metadata lists, for assembly to look up in the registry (a
    malformed list is reported by the reader of that list)."""
    lists = (("document.participants", document.get("participants")), ("document.observers", document.get("observers")),
             ("signatures.signatories", signatures.get("signatories") if isinstance(signatures, YMap) else None))
    out = []
    for where, value in lists:
        for raw in [value] if isinstance(value, YStr) else value if isinstance(value, YList) else []:
            code = raw.get("code") if isinstance(raw, YMap) else raw
            if isinstance(code, YStr):
                out.append((where, str(code).strip().upper(), line_of(code, line_of(raw))))
    return tuple(out)


def _section_map(value: object, name: str, problems: _Problems) -> YMap:
    empty = YMap()
    empty.line = 0
    empty.key_lines = {}
    if value is None:
        return empty
    keys = keys_under(name)
    if not isinstance(value, YMap):
        problems.add(f"{name} must be a mapping with {', '.join(sorted(keys))}", line_of(value))
        return empty
    for key in value:
        if key not in keys:
            problems.unknown(f"field in {name}:", key, keys, value.key_line(key))
    return value


def _yes_no(value: object, *, default: bool, source: str, line: int) -> bool:
    if value is None:
        return default
    text = str(value).lower()
    if text in ("yes", "true", "on"):
        return True
    if text in ("no", "false", "off"):
        return False
    raise DraftingInputError(f"expected yes or no, not {str(value)!r}", source=source, line=line_of(value, line))


def _req_text(meta: YMap, key: str, source: str, *, required: bool = True) -> str:
    value = meta.get(key)
    if value is None:
        if required:
            example = next(k.example for k in SCHEMA if k.path == f"document.{key}")
            raise DraftingInputError(f"document.{key} is required (e.g. {example})", source=source, line=meta.line)
        return ""
    if not isinstance(value, YStr):
        raise DraftingInputError(f"document.{key} must be text", source=source, line=meta.key_line(key))
    return " ".join(str(value).split())


def _codes(meta: YMap, key: str, source: str) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    refs = state_refs(value, source)
    return tuple(ref.code for ref in refs or ())


def _meta(meta: YMap, problems: _Problems) -> Meta:
    source = problems.source

    def text(key: str, *, required: bool = False) -> str:
        return problems.attempt(lambda: _req_text(meta, key, source, required=required), "")

    for key in meta:
        if key not in _META:
            problems.unknown("document field", key, _META, meta.key_line(key))
    doc_id = text("id", required=True)
    if doc_id and not NAME.match(doc_id):
        problems.add("document.id must be letters, digits, '.', '-', '_'", meta.key_line("id"))
    name = text("name") or doc_id or "document"
    if not NAME.match(name):
        problems.add("document.name must be a plain file name (letters, digits, '.', '-', '_')",
                     meta.key_line("name"))
    date_raw = text("date", required=True)
    date = parse_date("2000-01-01")
    if date_raw:
        try:
            date = parse_date(date_raw)
        except ValueError as exc:
            problems.add(f"document.date {exc}", meta.key_line("date"))
    language = text("language") or "en"
    if language not in LANGUAGE_CODES:
        problems.unknown("language code", language, tuple(sorted(LANGUAGE_CODES)), meta.key_line("language"))
        language = "en"
    languages_raw = meta.get("languages")
    languages: tuple[str, ...] = (language,)
    if isinstance(languages_raw, YList) and all(isinstance(v, YStr) for v in languages_raw):
        languages = ()
        for lang in languages_raw:
            if str(lang) in LANGUAGE_CODES:
                languages += (str(lang),)
            else:
                problems.unknown("language code", str(lang), tuple(sorted(LANGUAGE_CODES)), line_of(lang))
    elif languages_raw is not None:
        problems.add("document.languages must be a list of language codes (e.g. [en, ru])",
                     meta.key_line("languages"))
    if language not in languages:
        languages = (language, *languages)
    profile = text("profile") or "un-resolution"
    if profile not in PROFILES:
        problems.unknown("style profile", profile, PROFILES, meta.key_line("profile"))
        profile = "un-resolution"
    distribution = text("distribution").lower()
    if distribution and distribution not in DISTRIBUTIONS:
        problems.unknown("distribution", distribution, DISTRIBUTIONS, meta.key_line("distribution"))
        distribution = ""
    keywords_raw = meta.get("keywords")
    keywords: tuple[str, ...] = ()
    if isinstance(keywords_raw, YList):
        keywords = tuple(str(k) for k in keywords_raw)
    elif keywords_raw is not None:
        problems.add("document.keywords must be a list", meta.key_line("keywords"))
    localized = problems.attempt(
        lambda: _localized(meta.get("translations"), source, meta.key_line("translations")), frozen_map())
    revision_raw = text("revision") or "0"
    if not revision_raw.isdigit():
        problems.add("document.revision must be a number", meta.key_line("revision"))
        revision_raw = "0"
    return Meta(
        document_id=doc_id, name=name, title=text("title", required=True), issuing=text("issuing"),
        meeting=text("meeting"), place=text("place", required=True), country=text("country"),
        date=date, participants=problems.attempt(lambda: _codes(meta, "participants", source), ()),
        observers=problems.attempt(lambda: _codes(meta, "observers", source), ()),
        symbol=text("symbol"), language=language, languages=languages,
        profile=profile, subject=text("subject"), keywords=keywords,
        revision=int(revision_raw),
        synthetic=problems.attempt(
            lambda: _yes_no(meta.get("synthetic"), default=False, source=source, line=meta.key_line("synthetic")),
            False),
        localized=localized, distribution=distribution, final_symbol=text("final_symbol"),
    )


def _localized(value: object, source: str, line: int) -> Mapping[str, Mapping[str, str]]:
    """document.translations: {ru: {title: …, issuing: …, place: Алматы, …}}."""
    if value is None:
        return frozen_map()
    if not isinstance(value, YMap):
        raise DraftingInputError("document.translations must map languages to fields", source=source, line=line)
    out = {}
    for lang, fields in value.items():
        if lang not in LANGUAGE_CODES or not isinstance(fields, YMap):
            raise DraftingInputError(f"bad translation {lang!r} (a language code with title, issuing, …)",
                                     source=source, line=value.key_line(lang))
        values = {}
        for key, text in fields.items():
            if key not in Meta.LOCALIZABLE or not isinstance(text, YStr):
                hint = did_you_mean(key, Meta.LOCALIZABLE)
                raise DraftingInputError(f"document.translations.{lang}.{key}: not a translatable text field{hint}",
                                         source=source, line=fields.key_line(key))
            values[key] = " ".join(str(text).split())
        out[str(lang)] = frozen_map(values)
    return frozen_map(out)


def _signatures(value: object, meta: Meta, source: str, problems: _Problems) -> Meta:
    if value is None:
        return meta
    if not isinstance(value, YMap):
        raise DraftingInputError("signatures must be a mapping with form and signatories", source=source,
                                 line=line_of(value))
    for key in value:
        if key not in keys_under("signatures"):
            problems.unknown("field in signatures:", key, keys_under("signatures"), value.key_line(key))
    form = str(value.get("form") or "blocks")
    forms = ("blocks", "participants", "none")
    if form not in forms:
        problems.unknown("signatures.form", form, forms, value.key_line("form"))
        form = "blocks"
    refs = state_refs(value.get("signatories") or YList(), source) if value.get("signatories") else ()
    return replace(meta, signature_form=form, signatories=tuple(r.code for r in refs or ()))


def _clause_dirs(value: object, source: str, base_dir: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The clause libraries (absolute paths, in search order) and those of them marked `override`."""
    if value is None:
        return (), ()
    items = [value] if isinstance(value, YStr | YMap) else value
    if not isinstance(items, YList | list):
        raise DraftingInputError("clauses must be a directory or a list of directories", source=source,
                                 line=line_of(value))
    dirs: list[str] = []
    overrides: list[str] = []
    problems: list[DraftingInputError] = []
    for item in items:
        override = False
        where = item
        if isinstance(item, YMap):
            unknown = [k for k in item if k not in _LIBRARY]
            if unknown or not isinstance(item.get("path"), YStr):
                hint = did_you_mean(unknown[0], _LIBRARY) if unknown else ""
                problems.append(DraftingInputError(
                    f"a clause library is a directory or {{path: DIR, override: yes}}{hint}", source=source,
                    line=line_of(item)))
                continue
            where = item["path"]
            override = _yes_no(item.get("override"), default=False, source=source, line=item.line)
        elif not isinstance(item, YStr):
            problems.append(DraftingInputError("clauses must be a directory or a list of directories",
                                               source=source, line=line_of(item, line_of(value))))
            continue
        path = (base_dir / str(where)).resolve()
        if not path.is_dir():
            problems.append(DraftingInputError(f"clause library {str(where)!r} not found (relative to the spec)",
                                               source=source, line=line_of(where)))
            continue
        if str(path) in dirs:
            problems.append(DraftingInputError(f"clause library {str(where)!r} is listed twice", source=source,
                                               line=line_of(where)))
            continue
        dirs.append(str(path))
        if override:
            overrides.append(str(path))
    raise_problems(problems)
    return tuple(dirs), tuple(overrides)


class _EntryReader:
    """Reads paragraph entries, checking paragraph ids are well formed and unique across the spec."""

    def __init__(self, source: str, language: str, problems: _Problems) -> None:
        self.source = source
        self.language = language
        self.problems = problems
        self.seen: dict[str, int] = {}

    def optional(self, value: object, default_id: str) -> EntrySpec | None:
        if value is None:
            return None
        return self.problems.attempt(lambda: self.entry(value, default_id), None)

    def many(self, value: object, section: str) -> tuple[EntrySpec, ...]:
        if value is None:
            return ()
        if not isinstance(value, YList):
            self.problems.add(f"{section} paragraphs must be a list", line_of(value))
            return ()
        read: list[EntrySpec] = []
        for item in value:
            entry = self.problems.attempt(partial(self.entry, item, None), None)
            if entry is not None:
                read.append(entry)
        return tuple(read)

    def entry(self, value: object, default_id: str | None) -> EntrySpec:
        src = self.source
        if isinstance(value, YStr):
            as_map = YMap({"clause": value})
            as_map.line = value.line
            as_map.key_lines = {"clause": value.line}
            value = as_map
        if not isinstance(value, YMap):
            raise DraftingInputError("a paragraph entry is a clause id or a mapping", source=src, line=line_of(value))
        for key in value:
            if key not in _ENTRY:
                hint = did_you_mean(key, _ENTRY) or f" (known: {', '.join(sorted(_ENTRY))})"
                raise DraftingInputError(f"unknown paragraph field {key!r}{hint}", source=src,
                                         line=value.key_line(key))
        clause = value.get("clause")
        inline: dict[str, ClauseText] = {}
        rows: tuple[tuple[str, ...], ...] = ()
        if "table" in value:
            for key in ("clause", "text", "opening", "items", "params"):
                if key in value:
                    raise DraftingInputError(f"{key!r} cannot be combined with a table", source=src,
                                             line=value.key_line(key))
            rows = self._rows(value.get("table"))
        elif clause is not None:
            if not isinstance(clause, YStr) or not CLAUSE_ID.match(str(clause)):
                raise DraftingInputError("clause must be a clause id (lowercase letters, digits, '.', '-', '_')",
                                         source=src, line=value.key_line("clause"))
            for key in ("text", "opening", "items", "translations"):
                if key in value:
                    raise DraftingInputError(f"{key!r} cannot be combined with a clause reference", source=src,
                                             line=value.key_line(key))
        if clause is None and not rows:
            inline = self._inline(value)
        para_id = value.get("id")
        if para_id is None:
            if default_id is not None:
                para_id_text = default_id
            elif clause is not None:
                para_id_text = _default_id(str(clause))
            else:
                raise DraftingInputError("a one-off paragraph needs an id", source=src, line=value.line)
        else:
            para_id_text = str(para_id)
        if not PARAGRAPH_ID.match(para_id_text):
            raise DraftingInputError(
                f"paragraph id {para_id_text!r} must be 1-36 characters: a lowercase letter, then letters, digits, _",
                source=src, line=line_of(para_id, value.line),
            )
        if para_id_text in self.seen:
            raise DraftingInputError(
                f"duplicate paragraph id {para_id_text!r} (first at line {self.seen[para_id_text]}); give one an id",
                source=src, line=line_of(para_id, value.line),
            )
        self.seen[para_id_text] = value.line
        numbered_raw = value.get("numbered")
        numbered = None if numbered_raw is None else _yes_no(numbered_raw, default=True, source=src, line=value.line)
        return EntrySpec(
            id=para_id_text, clause=str(clause) if clause is not None else None,
            params=frozen_map(self._params(value.get("params"))), inline=frozen_map(inline), numbered=numbered,
            source=Source(src, value.line), rows=rows,
        )

    def _rows(self, value: object) -> tuple[tuple[str, ...], ...]:
        """A table's rows: a non-empty list of equally long, non-empty lists of text cells."""
        line = line_of(value)
        if not isinstance(value, YList) or not value or not all(isinstance(row, YList) and row for row in value):
            raise DraftingInputError("table must be a list of rows, each a list of cells", source=self.source,
                                     line=line)
        width = len(value[0])
        rows = []
        for row in value:
            if len(row) != width:
                raise DraftingInputError(f"table rows must have the same number of cells ({width} in the first "
                                         f"row, {len(row)} here)", source=self.source, line=line_of(row, line))
            if not all(isinstance(cell, YStr) for cell in row):
                raise DraftingInputError("a table cell must be text", source=self.source, line=line_of(row, line))
            rows.append(tuple(str(cell) for cell in row))
        return tuple(rows)

    def _inline(self, value: YMap) -> dict[str, ClauseText]:
        out = _Collector()
        wording = _wording(value, self.source, out)
        texts: dict[str, ClauseText] = {}
        if wording is not None:
            texts[self.language] = wording
        translations = value.get("translations")
        if isinstance(translations, YMap):
            for lang, tr in translations.items():
                if lang not in LANGUAGE_CODES or not isinstance(tr, YMap):
                    out.error(self.source, translations.key_line(lang), f"bad translation {lang!r}")
                    continue
                text = _wording(tr, self.source, out)
                if text is not None:
                    texts[lang] = text
        elif translations is not None:
            out.error(self.source, value.key_line("translations"), "translations must map languages to wordings")
        if value.get("items") is not None and wording is not None:
            _items(value.get("items"), self.source, out)
        errors = [DraftingInputError(p.message, source=p.file, line=p.line)
                  for p in out.problems if p.severity == "error"]
        raise_problems(errors)
        return texts

    def _params(self, value: object) -> dict[str, ParamValue]:
        if value is None:
            return {}
        if not isinstance(value, YMap):
            raise DraftingInputError("params must map parameter names to values", source=self.source,
                                     line=line_of(value))
        params: dict[str, ParamValue] = {}
        for name, raw in value.items():
            if isinstance(raw, YStr):
                params[name] = str(raw)
            elif isinstance(raw, YList):
                refs = state_refs(raw, self.source, language=self.language)
                params[name] = refs or ()
            elif isinstance(raw, YMap):
                # Text per language: {en: Almaty, ru: Алматы}.
                if not all(k in LANGUAGE_CODES and isinstance(v, YStr) for k, v in raw.items()):
                    raise DraftingInputError(f"parameter {name!r}: a map must give text per language code",
                                             source=self.source, line=value.key_line(name))
                params[name] = frozen_map({str(k): str(v) for k, v in raw.items()})
            elif raw is None:
                params[name] = ""
            else:
                raise DraftingInputError(f"parameter {name!r} must be text or a list of codes", source=self.source,
                                         line=value.key_line(name))
        return params


def _default_id(clause_id: str) -> str:
    """A paragraph id from the last segment of a clause id: 'almaty.pp.forum-needed' -> 'forum_needed'."""
    last = re.split(r"[.]", clause_id)[-1]
    cleaned = re.sub(r"[^a-z0-9_]", "_", last.lower()).strip("_")[:36]
    if not cleaned or not cleaned[0].isalpha():
        cleaned = ("p_" + cleaned)[:36]
    return cleaned


# -- the reference (docs/spec-reference.md) ----------------------------------------------------------------


def reference_markdown() -> str:
    """docs/spec-reference.md: every key of `SCHEMA` with its type, default, example and meaning."""
    lines = [
        "# Spec reference",
        "",
        "<!-- Generated from drafting/library/spec.py (SCHEMA) by `python -m drafting.library.spec`; "
        "a test fails when this file and the loader disagree. -->",
        "",
        "A spec is a YAML file (UTF-8; plain scalars are text: no anchors, aliases or tags). Every key the "
        "loader accepts is below; an unknown key is an error that names the closest known one. `ENTRY` is a "
        "paragraph entry: a clause id, or a mapping with the `ENTRY.` keys. See `docs/guide.md` for a whole "
        "spec and `docs/clauses.md` for the clause format.",
        "",
        "| Key | Type | Default | Example | Meaning |",
        "|---|---|---|---|---|",
    ]
    for key in SCHEMA:
        cells = (f"`{key.path}`", key.type, key.default, f"`{key.example}`", key.doc)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - the generator of docs/spec-reference.md
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else None
    if target is None:
        sys.stdout.write(reference_markdown())
    else:
        target.write_text(reference_markdown(), encoding="utf-8")
