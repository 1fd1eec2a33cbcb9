"""Conference document specs: the YAML file a secretariat drafter writes to assemble an outcome text.

```yaml
document: {id, name, title, issuing, meeting, place, country, date, participants, observers, symbol,
           language, languages, profile, subject, keywords, synthetic}
clauses: ../../clauses            # clause library, relative to the spec
preamble: {heading, subject: ENTRY, paragraphs: [ENTRY…]}
operative: {chapeau: ENTRY, paragraphs: [ENTRY…]}
membership: [ENTRY…]
closing: [ENTRY…]
place_date: yes
signatures: {form: blocks|participants|none, signatories: [KAZ, …]}
```
An ENTRY is a clause id, `{clause: ID, id: PARA_ID, params: {…}}`, or a one-off paragraph
`{id: PARA_ID, opening: …, text: …, items: […], translations: {ru: {…}}}`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path

from drafting.errors import DraftingInputError
from drafting.library.clauses import LANGUAGE_CODES, _Collector, _items, _wording, state_refs
from drafting.library.placeholders import CLAUSE_ID
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
_TOP = {"document", "clauses", "preamble", "operative", "membership", "closing", "place_date", "signatures"}
_META = {"id", "name", "title", "issuing", "meeting", "place", "country", "date", "participants", "observers",
         "symbol", "language", "languages", "profile", "subject", "keywords", "synthetic", "revision", "translations"}
_ENTRY = {"clause", "id", "params", "numbered", "opening", "text", "items", "translations"}


def load_spec(path: Path) -> DocumentSpec:
    """Read and validate the spec at `path`; clause references are resolved later, at assembly."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DraftingInputError(f"cannot read spec: {exc.strerror}", source=source) from exc
    return parse_spec(data, source, base_dir=path.parent)


def parse_spec(data: bytes, source: str, *, base_dir: Path) -> DocumentSpec:
    root = load_yaml(data, source)
    if not isinstance(root, YMap):
        raise DraftingInputError("a spec is a mapping with document, preamble, operative …", source=source,
                                 line=line_of(root, 1))
    for key in root:
        if key not in _TOP:
            raise DraftingInputError(f"unknown section {key!r} (known: {', '.join(sorted(_TOP))})",
                                     source=source, line=root.key_line(key))
    document = root.get("document")
    if not isinstance(document, YMap):
        raise DraftingInputError("missing 'document' metadata", source=source, line=root.line)
    meta = _meta(document, source)
    clause_dirs = _clause_dirs(root.get("clauses"), source, base_dir)
    preamble = _section_map(root.get("preamble"), "preamble", {"heading", "subject", "paragraphs"}, source)
    operative = _section_map(root.get("operative"), "operative", {"chapeau", "paragraphs"}, source)
    heading = preamble.get("heading")
    if isinstance(heading, YMap):
        # {en: Preamble, ru: Преамбула}: the spec's language is the heading, the others are translations.
        translations = {str(k): str(v) for k, v in heading.items() if k != meta.language}
        heading = heading.get(meta.language)
        localized = {lang: dict(values) for lang, values in meta.localized.items()}
        for lang, text in translations.items():
            localized.setdefault(lang, {})["preamble_heading"] = " ".join(text.split())
        from dataclasses import replace as _replace

        meta = _replace(meta, localized=frozen_map({k: frozen_map(v) for k, v in localized.items()}))
    if heading is not None and not isinstance(heading, YStr):
        raise DraftingInputError("preamble heading must be text (or a map of languages to text)", source=source,
                                 line=preamble.key_line("heading"))
    entries = _EntryReader(source, meta.language)
    subject = entries.optional(preamble.get("subject"), "subject")
    chapeau = entries.optional(operative.get("chapeau"), "chapeau")
    pre = entries.many(preamble.get("paragraphs"), "preamble")
    ops = entries.many(operative.get("paragraphs"), "operative")
    membership = entries.many(root.get("membership"), "membership")
    closing = entries.many(root.get("closing"), "closing")
    place_date = _yes_no(root.get("place_date"), default=True, source=source, line=root.key_line("place_date"))
    meta = _signatures(root.get("signatures"), meta, source)
    return DocumentSpec(
        meta=meta, preamble_heading=str(heading or ""), subject=subject, preamble=pre, chapeau=chapeau,
        operative=ops, membership=membership, closing=closing, place_date=place_date,
        clause_dirs=clause_dirs, source=Source(source, 1),
    )


def _section_map(value: object, name: str, keys: set[str], source: str) -> YMap:
    if value is None:
        empty = YMap()
        empty.line = 0
        empty.key_lines = {}
        return empty
    if not isinstance(value, YMap):
        raise DraftingInputError(f"{name} must be a mapping with {', '.join(sorted(keys))}", source=source,
                                 line=line_of(value))
    for key in value:
        if key not in keys:
            raise DraftingInputError(f"unknown field {key!r} in {name}", source=source, line=value.key_line(key))
    return value


def _yes_no(value: object, *, default: bool, source: str, line: int) -> bool:
    if value is None:
        return default
    text = str(value).lower()
    if text in ("yes", "true", "on"):
        return True
    if text in ("no", "false", "off"):
        return False
    raise DraftingInputError("expected yes or no", source=source, line=line_of(value, line))


def _req_text(meta: YMap, key: str, source: str, *, required: bool = True) -> str:
    value = meta.get(key)
    if value is None:
        if required:
            raise DraftingInputError(f"document.{key} is required", source=source, line=meta.line)
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


def _meta(meta: YMap, source: str) -> Meta:
    for key in meta:
        if key not in _META:
            raise DraftingInputError(f"unknown document field {key!r}", source=source, line=meta.key_line(key))
    doc_id = _req_text(meta, "id", source)
    if not NAME.match(doc_id):
        raise DraftingInputError("document.id must be letters, digits, '.', '-', '_'", source=source,
                                 line=meta.key_line("id"))
    name = _req_text(meta, "name", source, required=False) or doc_id
    if not NAME.match(name):
        raise DraftingInputError("document.name must be a plain file name (letters, digits, '.', '-', '_')",
                                 source=source, line=meta.key_line("name"))
    date_raw = _req_text(meta, "date", source)
    try:
        date = dt.date.fromisoformat(date_raw)
    except ValueError as exc:
        raise DraftingInputError(f"document.date {date_raw!r} is not an ISO date (YYYY-MM-DD)", source=source,
                                 line=meta.key_line("date")) from exc
    language = _req_text(meta, "language", source, required=False) or "en"
    languages_raw = meta.get("languages")
    if languages_raw is None:
        languages: tuple[str, ...] = (language,)
    elif isinstance(languages_raw, YList) and all(isinstance(v, YStr) for v in languages_raw):
        languages = tuple(str(v) for v in languages_raw)
    else:
        raise DraftingInputError("document.languages must be a list of language codes", source=source,
                                 line=meta.key_line("languages"))
    for lang in (language, *languages):
        if lang not in LANGUAGE_CODES:
            raise DraftingInputError(f"unknown language code {lang!r}", source=source, line=meta.key_line("language"))
    if language not in languages:
        languages = (language, *languages)
    profile = _req_text(meta, "profile", source, required=False) or "un-resolution"
    if profile not in PROFILES:
        raise DraftingInputError(f"unknown style profile {profile!r} (known: {', '.join(PROFILES)})",
                                 source=source, line=meta.key_line("profile"))
    keywords_raw = meta.get("keywords")
    keywords: tuple[str, ...] = ()
    if isinstance(keywords_raw, YList):
        keywords = tuple(str(k) for k in keywords_raw)
    elif keywords_raw is not None:
        raise DraftingInputError("document.keywords must be a list", source=source, line=meta.key_line("keywords"))
    localized = _localized(meta.get("translations"), source, meta.key_line("translations"))
    revision_raw = _req_text(meta, "revision", source, required=False) or "0"
    if not revision_raw.isdigit():
        raise DraftingInputError("document.revision must be a number", source=source, line=meta.key_line("revision"))
    return Meta(
        document_id=doc_id, name=name, title=_req_text(meta, "title", source),
        issuing=_req_text(meta, "issuing", source, required=False),
        meeting=_req_text(meta, "meeting", source, required=False),
        place=_req_text(meta, "place", source), country=_req_text(meta, "country", source, required=False),
        date=date, participants=_codes(meta, "participants", source), observers=_codes(meta, "observers", source),
        symbol=_req_text(meta, "symbol", source, required=False), language=language, languages=languages,
        profile=profile, subject=_req_text(meta, "subject", source, required=False), keywords=keywords,
        revision=int(revision_raw),
        synthetic=_yes_no(meta.get("synthetic"), default=False, source=source, line=meta.key_line("synthetic")),
        localized=localized,
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
                raise DraftingInputError(f"document.translations.{lang}.{key}: not a translatable text field",
                                         source=source, line=fields.key_line(key))
            values[key] = " ".join(str(text).split())
        out[str(lang)] = frozen_map(values)
    return frozen_map(out)


def _signatures(value: object, meta: Meta, source: str) -> Meta:
    if value is None:
        return meta
    if not isinstance(value, YMap):
        raise DraftingInputError("signatures must be a mapping with form and signatories", source=source,
                                 line=line_of(value))
    form = str(value.get("form") or "blocks")
    if form not in ("blocks", "participants", "none"):
        raise DraftingInputError("signatures.form must be blocks, participants or none", source=source,
                                 line=value.key_line("form"))
    refs = state_refs(value.get("signatories") or YList(), source) if value.get("signatories") else ()
    from dataclasses import replace

    return replace(meta, signature_form=form, signatories=tuple(r.code for r in refs or ()))


def _clause_dirs(value: object, source: str, base_dir: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, YStr) else value
    if not isinstance(items, YList | list) or not all(isinstance(v, YStr) for v in items):
        raise DraftingInputError("clauses must be a directory or a list of directories", source=source,
                                 line=line_of(value))
    dirs = []
    for item in items:
        path = (base_dir / str(item)).resolve()
        if not path.is_dir():
            raise DraftingInputError(f"clause library {str(item)!r} not found", source=source, line=line_of(item))
        dirs.append(str(path))
    return tuple(dirs)


class _EntryReader:
    """Reads paragraph entries, checking paragraph ids are well formed and unique across the spec."""

    def __init__(self, source: str, language: str) -> None:
        self.source = source
        self.language = language
        self.seen: dict[str, int] = {}

    def optional(self, value: object, default_id: str) -> EntrySpec | None:
        return None if value is None else self.entry(value, default_id)

    def many(self, value: object, section: str) -> tuple[EntrySpec, ...]:
        if value is None:
            return ()
        if not isinstance(value, YList):
            raise DraftingInputError(f"{section} paragraphs must be a list", source=self.source, line=line_of(value))
        return tuple(self.entry(item, None) for item in value)

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
                raise DraftingInputError(f"unknown paragraph field {key!r}", source=src, line=value.key_line(key))
        clause = value.get("clause")
        inline: dict[str, ClauseText] = {}
        if clause is not None:
            if not isinstance(clause, YStr) or not CLAUSE_ID.match(str(clause)):
                raise DraftingInputError("clause must be a clause id", source=src, line=value.key_line("clause"))
            for key in ("text", "opening", "items", "translations"):
                if key in value:
                    raise DraftingInputError(f"{key!r} cannot be combined with a clause reference", source=src,
                                             line=value.key_line(key))
        else:
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
            source=Source(src, value.line),
        )

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
        errors = [p for p in out.problems if p.severity == "error"]
        if errors:
            raise DraftingInputError(errors[0].message, source=errors[0].file, line=errors[0].line)
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
