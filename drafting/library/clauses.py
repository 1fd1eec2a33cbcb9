"""The clause library: reusable paragraphs of agreed language, read from plain YAML files under `clauses/`.

A library directory holds clause files (`*.yaml`, any depth), the registry of States and organisations
(`registry.yaml`) and optional settings (`library.yaml`: extra kinds, extra accepted openers). Loading
collects every problem with its file and line; `check_library` returns them all, `load_library` refuses a
library that has errors.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from drafting.errors import DraftingInputError, raise_problems
from drafting.library.placeholders import (
    CLAUSE_ID,
    PARAM_NAME,
    Template,
    find_raw_html,
    parse_template,
)
from drafting.library.registry import REGISTRY_FILE, Registry, load_registry, registry_over_world
from drafting.library.suggest import did_you_mean
from drafting.library.yamlsrc import YList, YMap, YStr, line_of, load_yaml
from drafting.model.document import (
    Clause,
    ClauseItem,
    ClauseText,
    Parameter,
    ParamType,
    ParamValue,
    Party,
    Provenance,
    Source,
    StateRef,
    frozen_map,
)

BUILTIN_KINDS = frozenset(
    {"preambular", "operative", "membership", "closing", "subject", "chapeau", "place-date", "signature",
     "testimonium", "heading"}
)
SETTINGS_FILE = "library.yaml"
LEXICON_OF_KIND = {"membership": "operative"}
"""Kinds whose openers are checked against another kind's lexicon (a numbered membership provision)."""
LANGUAGE_CODES = frozenset({"en", "ru", "fr", "es", "ar", "zh"})
MAX_CLAUSE_FILES = 5000
_CLAUSE_FIELDS = frozenset({"id", "kind", "opening", "text", "items", "params", "tags", "provenance",
                            "translations", "items_from", "language"})
_PARAM_FIELDS = frozenset({"type", "required", "default", "form", "order", "article", "conjunction",
                           "serial_comma", "case"})
_ITEM_FIELDS = ("key", "opening", "text", "items")
_WORDING_FIELDS = ("opening", "text", "items")
_PROVENANCE_FIELDS = ("symbol", "paragraph", "note")
_PARAM_TYPES = ("text", "states", "date")
_OPTION_VALUES = {
    "form": {"short", "formal"},
    "order": {"alphabetical", "given"},
    "article": {"none", "definite"},
    "serial_comma": {"yes", "no"},
    "case": {"nominative", "genitive"},
}


class Problem(NamedTuple):
    """One finding of `drafting clauses check`, printed as `FILE:LINE: message`."""

    file: str
    line: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


@dataclass(frozen=True)
class ClauseLibrary:
    """A loaded, checked clause library with its registry; templates are parsed once at load."""

    root: str
    clauses: dict[str, Clause]
    registry: Registry
    kinds: frozenset[str]
    extra_openings: tuple[str, ...] = ()
    templates: dict[tuple[str, str, str], Template] = field(default_factory=dict)

    def get(self, clause_id: str) -> Clause | None:
        return self.clauses.get(clause_id)

    def template(self, clause_id: str, language: str, item_path: str = "") -> Template:
        """Parsed text of clause `clause_id` in `language` (item_path '' = the body, 'a' or 'a/i' = items)."""
        return self.templates[(clause_id, language, item_path)]

    def select(self, *, kind: str | None = None, tag: str | None = None) -> list[Clause]:
        found = [c for c in self.clauses.values()
                 if (kind is None or c.kind == kind) and (tag is None or tag in c.tags)]
        return sorted(found, key=lambda c: c.id)


class _Collector:
    """Gathers problems while loading so that `check` can report all of them at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, source: str, line: int, message: str) -> None:
        self.problems.append(Problem(source, line, message))

    def warning(self, source: str, line: int, message: str) -> None:
        self.problems.append(Problem(source, line, message, "warning"))

    def input_error(self, exc: DraftingInputError, source: str) -> None:
        self.error(exc.source or source, exc.line or 0, exc.message)


def _hint(name: str, known: Collection[str]) -> str:
    """' (did you mean …?)', else the known names."""
    return did_you_mean(name, sorted(known)) or f" (known: {', '.join(sorted(known))})"


def _clause_files(root: Path) -> Iterator[Path]:
    count = 0
    for path in sorted(root.rglob("*.yaml")):
        if path.name in (REGISTRY_FILE, SETTINGS_FILE) and path.parent == root:
            continue
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        count += 1
        if count > MAX_CLAUSE_FILES:
            raise DraftingInputError(f"more than {MAX_CLAUSE_FILES} clause files", source=str(root))
        yield path


def _scan(root: Path | Sequence[Path], *, strict: bool, warnings: bool = True,
          overrides: Collection[Path] = ()) -> tuple[ClauseLibrary, list[Problem]]:
    """Read the libraries `root` (one directory, or several searched in order) into one.

    A clause id defined in two libraries is an error naming both files, unless the later library is one of
    `overrides`: then its clause replaces the earlier one. Registries and settings are merged (the first
    library's registry entry wins for a code in several), the registries over the world's States."""
    roots = [root] if isinstance(root, Path) else list(root)
    out = _Collector()
    parties: dict[str, Party] = {}
    kinds: set[str] = set()
    extra_openings: list[str] = []
    for directory in roots:
        if not directory.is_dir():
            raise DraftingInputError("clause library directory not found", source=str(directory))
        try:
            registry_part = load_registry(directory / REGISTRY_FILE, world=False)
        except DraftingInputError as exc:
            out.input_error(exc, str(directory / REGISTRY_FILE))
            registry_part = Registry({}, str(directory / REGISTRY_FILE))
        for code, party in registry_part.parties.items():
            parties.setdefault(code, party)
        more_kinds, more_openings = _settings(directory / SETTINGS_FILE, out)
        kinds.update(more_kinds)
        extra_openings.extend(more_openings)
    registry = registry_over_world(parties, str(roots[0] / REGISTRY_FILE))
    clauses: dict[str, Clause] = {}
    templates: dict[tuple[str, str, str], Template] = {}
    seen_ids: dict[str, tuple[Source, Path]] = {}
    overriding = {directory.resolve() for directory in overrides}
    for directory, path in ((d, p) for d in roots for p in _clause_files(d)):
        source = str(path)
        try:
            data = load_yaml(path.read_bytes(), source)
        except DraftingInputError as exc:
            out.input_error(exc, source)
            continue
        except OSError as exc:
            out.error(source, 0, f"cannot read file: {exc.strerror}")
            continue
        if data is None:
            continue
        if not isinstance(data, YList):
            out.error(source, line_of(data, 1), "a clause file is a list of clauses")
            continue
        for entry in data:
            raw_id = entry.get("id") if isinstance(entry, YMap) else None
            if isinstance(raw_id, YStr) and str(raw_id) in seen_ids:
                first, first_root = seen_ids[str(raw_id)]
                if first_root == directory or directory.resolve() not in overriding:
                    other = "" if first_root == directory else (
                        "; say which library wins with `clauses: [..., {path: DIR, override: yes}]` in the spec")
                    out.error(source, entry.line, f"duplicate clause id {str(raw_id)!r}: defined in {source}:"
                                                  f"{entry.line} and in {first}{other}")
                    continue
                # The overriding library's clause replaces the earlier one (and its parsed texts).
                clauses.pop(str(raw_id), None)
                for key in [k for k in templates if k[0] == str(raw_id)]:
                    del templates[key]
            if isinstance(raw_id, YStr):
                seen_ids[str(raw_id)] = (Source(source, entry.line), directory)
            clause = _clause(entry, source, frozenset(kinds), out)
            if clause is None:
                continue
            parsed = _parse_texts(clause, out)
            if parsed is None:
                continue
            clauses[clause.id] = clause
            templates.update(parsed)
    library = ClauseLibrary(str(roots[0]), clauses, registry, frozenset(kinds), tuple(extra_openings), templates)
    _check_semantics(library, out, strict=strict, warnings=warnings or strict)
    return library, sorted(out.problems, key=lambda p: (p.file, p.line, p.message))


def check_library(root: Path | Sequence[Path], *, strict: bool = False,
                  overrides: Collection[Path] = ()) -> list[Problem]:
    """Every problem in the library at `root` (or the libraries, checked together); warnings become errors
    with `strict`."""
    _, problems = _scan(root, strict=strict, overrides=overrides)
    return problems


def load_library(root: Path | Sequence[Path], *, strict: bool = False,
                 overrides: Collection[Path] = ()) -> ClauseLibrary:
    """Load the library at `root` (or the libraries, searched in order), refusing it if it has any error:
    every error is reported (up to a limit), each with its file and line.

    Warnings are not computed (they never refuse a library; `drafting clauses check` reports them)."""
    library, problems = _scan(root, strict=strict, warnings=False, overrides=overrides)
    raise_problems([DraftingInputError(p.message, source=p.file, line=p.line)
                    for p in problems if p.severity == "error"])
    return library


# -- settings ---------------------------------------------------------------------------------------------


def _settings(path: Path, out: _Collector) -> tuple[frozenset[str], tuple[str, ...]]:
    if not path.is_file():
        return BUILTIN_KINDS, ()
    source = str(path)
    try:
        data = load_yaml(path.read_bytes(), source)
    except DraftingInputError as exc:
        out.input_error(exc, source)
        return BUILTIN_KINDS, ()
    if data is None:
        return BUILTIN_KINDS, ()
    if not isinstance(data, YMap):
        out.error(source, line_of(data, 1), "library settings must be a mapping")
        return BUILTIN_KINDS, ()
    kinds = set(BUILTIN_KINDS)
    openings: list[str] = []
    for key, value in data.items():
        if key not in ("kinds", "openings"):
            out.error(source, data.key_line(key), f"unknown setting {key!r} (expected kinds, openings)")
            continue
        if not isinstance(value, YList) or not all(isinstance(v, YStr) for v in value):
            out.error(source, data.key_line(key), f"{key} must be a list of text")
            continue
        if key == "kinds":
            kinds.update(str(v) for v in value)
        else:
            openings.extend(str(v) for v in value)
    return frozenset(kinds), tuple(openings)


# -- one clause ---------------------------------------------------------------------------------------------


def _text_field(entry: YMap, key: str, source: str, out: _Collector) -> str | None:
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, YStr):
        out.error(source, entry.key_line(key), f"{key!r} must be text")
        return None
    return " ".join(str(value).split()) if key == "opening" else str(value).strip()


def _items(value: object, source: str, out: _Collector, depth: int = 0) -> tuple[ClauseItem, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, YList):
        out.error(source, line_of(value), "items must be a list")
        return None
    if depth > 2:
        out.error(source, value.line, "sub-items nest at most three levels ((a), (i), a.)")
        return None
    items: list[ClauseItem] = []
    seen: set[str] = set()
    for index, raw in enumerate(value):
        if isinstance(raw, YStr):
            raw_map = YMap({"text": raw})
            raw_map.line = raw.line
            raw_map.key_lines = {"text": raw.line}
            raw = raw_map
        if not isinstance(raw, YMap):
            out.error(source, line_of(raw, value.line), "each item is text or a mapping with key/opening/text")
            return None
        for key in raw:
            if key not in ("key", "opening", "text", "items"):
                out.error(source, raw.key_line(key), f"unknown item field {key!r}{_hint(key, _ITEM_FIELDS)}")
        key_value = raw.get("key")
        item_key = str(key_value) if isinstance(key_value, YStr) else _letter(index)
        if not PARAM_NAME.match(item_key):
            out.error(source, raw.line, f"item key {item_key!r} must be lowercase letters, digits or _")
            return None
        if item_key in seen:
            out.error(source, raw.line, f"duplicate item key {item_key!r}")
            return None
        seen.add(item_key)
        opening = _text_field(raw, "opening", source, out)
        text = _text_field(raw, "text", source, out)
        sub = _items(raw.get("items"), source, out, depth + 1)
        if opening is None or text is None or sub is None:
            return None
        if not text and not opening:
            out.error(source, raw.line, "item has no text")
            return None
        items.append(ClauseItem(item_key, opening, text, sub, Source(source, line_of(raw.get("text"), raw.line))))
    return tuple(items)


def _letter(index: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return letters[index] if index < 26 else letters[index // 26 - 1] + letters[index % 26]


def _wording(entry: YMap, source: str, out: _Collector) -> ClauseText | None:
    opening = _text_field(entry, "opening", source, out)
    text = _text_field(entry, "text", source, out)
    items = _items(entry.get("items"), source, out)
    if opening is None or text is None or items is None:
        return None
    if not text and not items and not opening:
        out.error(source, entry.line, "clause has no text")
        return None
    line = line_of(entry.get("text"), entry.line)
    return ClauseText(opening, text, items, Source(source, line))


def _parameters(value: object, source: str, out: _Collector) -> tuple[Parameter, ...] | None:
    if value is None:
        return ()
    if not isinstance(value, YMap):
        out.error(source, line_of(value), "params must map parameter names to settings")
        return None
    params: list[Parameter] = []
    for name, spec in value.items():
        line = value.key_line(name)
        if not PARAM_NAME.match(name):
            out.error(source, line, f"bad parameter name {name!r} (lowercase letters, digits, _)")
            continue
        if spec is None or isinstance(spec, YStr):
            # Shorthand: `name:` (required) or `name: default text`.
            shorthand = str(spec) if spec is not None else None
            params.append(Parameter(name, ParamType.TEXT, shorthand is None, shorthand, frozen_map(),
                                    Source(source, line)))
            continue
        if not isinstance(spec, YMap):
            out.error(source, line, f"parameter {name!r} must be a mapping")
            continue
        for key in spec:
            if key not in _PARAM_FIELDS:
                out.error(source, spec.key_line(key), f"unknown parameter setting {key!r}{_hint(key, _PARAM_FIELDS)}")
        type_raw = str(spec.get("type") or "text")
        try:
            ptype = ParamType(type_raw)
        except ValueError:
            out.error(source, spec.key_line("type"),
                      f"unknown parameter type {type_raw!r}{_hint(type_raw, _PARAM_TYPES)}")
            continue
        options: dict[str, str] = {}
        for key, allowed in _OPTION_VALUES.items():
            raw = spec.get(key)
            if raw is not None:
                if str(raw) not in allowed:
                    hint = did_you_mean(str(raw), sorted(allowed)).replace(" (", "; ").rstrip(")")
                    out.error(source, spec.key_line(key), f"{key} must be one of {', '.join(sorted(allowed))}{hint}")
                    continue
                options[key] = str(raw)
        if spec.get("conjunction") is not None:
            options["conjunction"] = str(spec["conjunction"])
        default_raw = spec.get("default")
        default: ParamValue | None
        if default_raw is None:
            default = None
        elif ptype is ParamType.STATES:
            refs = state_refs(default_raw, source, out)
            if refs is None:
                continue
            default = refs
        elif isinstance(default_raw, YStr):
            default = str(default_raw)
        elif isinstance(default_raw, YMap) and all(k in LANGUAGE_CODES and isinstance(v, YStr)
                                                   for k, v in default_raw.items()):
            default = frozen_map({str(k): str(v) for k, v in default_raw.items()})
        else:
            out.error(source, spec.key_line("default"), "default must be text, or text per language")
            continue
        required_raw = str(spec.get("required") or ("no" if default is not None else "yes"))
        if required_raw not in ("yes", "no", "true", "false"):
            out.error(source, spec.key_line("required"), "required must be yes or no")
            continue
        required = required_raw in ("yes", "true")
        if required and default is not None:
            out.error(source, line, f"parameter {name!r} is required and has a default")
            continue
        params.append(Parameter(name, ptype, required, default, frozen_map(options), Source(source, line)))
    return tuple(params)


def state_refs(value: object, source: str, out: _Collector | None = None, *,
               language: str = "") -> tuple[StateRef, ...] | None:
    """Read a list of party codes; an entry may be `{code: AFG, as: "the Islamic Republic of Afghanistan"}`."""

    def fail(line: int, message: str) -> None:
        if out is None:
            raise DraftingInputError(message, source=source, line=line)
        out.error(source, line, message)

    if isinstance(value, YStr):
        value_list = YList([value])
        value_list.line = value.line
        value = value_list
    if not isinstance(value, YList):
        fail(line_of(value), "expected a list of State or organisation codes")
        return None
    refs: list[StateRef] = []
    for raw in value:
        if isinstance(raw, YStr):
            refs.append(StateRef(str(raw).strip().upper()))
        elif isinstance(raw, YMap) and isinstance(raw.get("code"), YStr):
            label = raw.get("as")
            extra = set(raw) - {"code", "as"}
            if extra:
                fail(raw.line, f"unknown field {sorted(extra)[0]!r} in party entry (code, as)")
                return None
            refs.append(StateRef(str(raw["code"]).strip().upper(), str(label) if isinstance(label, YStr) else None,
                                 language))
        else:
            fail(line_of(raw, value.line), "each entry is a code or {code: …, as: …}")
            return None
    return tuple(refs)


def _clause(entry: object, source: str, kinds: frozenset[str], out: _Collector) -> Clause | None:
    if not isinstance(entry, YMap):
        out.error(source, line_of(entry, 1), "each clause is a mapping with id, kind and text")
        return None
    ok = True
    for key in entry:
        if key not in _CLAUSE_FIELDS:
            out.error(source, entry.key_line(key), f"unknown clause field {key!r}{_hint(key, _CLAUSE_FIELDS)}")
            ok = False
    clause_id = entry.get("id")
    if not isinstance(clause_id, YStr) or not CLAUSE_ID.match(str(clause_id)):
        out.error(source, line_of(clause_id, entry.line),
                  "clause id is required: lowercase letters, digits, '.', '-', '_' (at most 100)")
        return None
    kind = entry.get("kind")
    if not isinstance(kind, YStr):
        out.error(source, entry.line, f"clause {clause_id}: kind is required")
        return None
    if str(kind) not in kinds:
        hint = did_you_mean(str(kind), sorted(kinds)) or f" (known: {', '.join(sorted(kinds))})"
        out.error(source, kind.line, f"unknown kind {str(kind)!r}{hint}")
        ok = False
    language = str(entry.get("language") or "en")
    if language not in LANGUAGE_CODES:
        out.error(source, entry.key_line("language"), f"unknown language code {language!r}")
        ok = False
    primary = _wording(entry, source, out)
    params = _parameters(entry.get("params"), source, out)
    texts: dict[str, ClauseText] = {}
    if primary is not None:
        texts[language] = primary
    translations = entry.get("translations")
    if translations is not None:
        if not isinstance(translations, YMap):
            out.error(source, entry.key_line("translations"), "translations must map language codes to wordings")
            ok = False
        else:
            for lang, wording in translations.items():
                if lang not in LANGUAGE_CODES or lang == language:
                    out.error(source, translations.key_line(lang), f"bad translation language {lang!r}")
                    ok = False
                    continue
                if not isinstance(wording, YMap):
                    out.error(source, translations.key_line(lang), f"translation {lang} must have opening/text/items")
                    ok = False
                    continue
                for key in wording:
                    if key not in ("opening", "text", "items"):
                        out.error(source, wording.key_line(key),
                                  f"unknown translation field {key!r}{_hint(key, _WORDING_FIELDS)}")
                        ok = False
                text = _wording(wording, source, out)
                if text is None:
                    ok = False
                else:
                    texts[lang] = text
    tags_raw = entry.get("tags")
    tags: tuple[str, ...] = ()
    if tags_raw is not None:
        if not isinstance(tags_raw, YList) or not all(isinstance(t, YStr) for t in tags_raw):
            out.error(source, entry.key_line("tags"), "tags must be a list of words")
            ok = False
        else:
            tags = tuple(str(t) for t in tags_raw)
    provenance = _provenance(entry.get("provenance"), source, out)
    items_from_raw = entry.get("items_from")
    items_from = str(items_from_raw) if isinstance(items_from_raw, YStr) else None
    if primary is None or params is None or not ok or isinstance(provenance, bool):
        return None
    return Clause(
        id=str(clause_id), kind=str(kind), language=language, texts=frozen_map(texts), params=params,
        tags=tags, provenance=provenance, items_from=items_from, source=Source(source, entry.line),
    )


def _provenance(value: object, source: str, out: _Collector) -> Provenance | bool | None:
    if value is None:
        return None
    if not isinstance(value, YMap) or not isinstance(value.get("symbol"), YStr):
        out.error(source, line_of(value), "provenance needs at least a symbol (and paragraph, note)")
        return False
    for key in value:
        if key not in ("symbol", "paragraph", "note"):
            out.error(source, value.key_line(key), f"unknown provenance field {key!r}{_hint(key, _PROVENANCE_FIELDS)}")
            return False
    return Provenance(str(value["symbol"]), str(value.get("paragraph") or ""), str(value.get("note") or ""))


def _walk_items(items: tuple[ClauseItem, ...], prefix: str = "") -> Iterator[tuple[str, ClauseItem]]:
    for item in items:
        path = f"{prefix}/{item.key}" if prefix else item.key
        yield path, item
        yield from _walk_items(item.items, path)


def _parse_texts(clause: Clause, out: _Collector) -> dict[tuple[str, str, str], Template] | None:
    """Parse every text of `clause` (body and items, every language); None if any is refused."""
    parsed: dict[tuple[str, str, str], Template] = {}
    ok = True
    for lang, wording in clause.texts.items():
        entries: list[tuple[str, str, Source]] = [("", wording.text, wording.source)]
        entries += [(path, item.text, item.source) for path, item in _walk_items(wording.items)]
        for path, text, src in entries:
            html = find_raw_html(text) or find_raw_html(wording.opening)
            if html:
                out.error(src.file, src.line, f"raw HTML is not allowed in clause text: {html[:40]!r}")
                ok = False
                continue
            try:
                parsed[(clause.id, lang, path)] = parse_template(text, source=src.file, line=src.line)
            except DraftingInputError as exc:
                out.input_error(exc, src.file)
                ok = False
    return parsed if ok else None


# -- checks across clauses -------------------------------------------------------------------------------


def _check_semantics(library: ClauseLibrary, out: _Collector, *, strict: bool, warnings: bool = True) -> None:
    for clause in library.clauses.values():
        declared = {p.name: p for p in clause.params}
        used: set[str] = set()
        for (cid, lang, path), template in library.templates.items():
            if cid != clause.id:
                continue
            src = clause.texts[lang].source
            for name in template.names:
                used.add(name)
                if name not in declared:
                    out.error(src.file, _placeholder_line(template, name, src.line),
                              f"undefined placeholder {{{{ {name} }}}} in clause {clause.id}"
                              + (f" ({lang})" if lang != clause.language else ""))
            for inc in template.includes:
                target = library.get(inc.clause_id)
                if target is None:
                    out.error(src.file, inc.line, f"include of unknown clause {inc.clause_id!r}")
                    continue
                for param in target.params:
                    if param.required and param.name not in declared:
                        out.error(src.file, inc.line,
                                  f"missing parameter {param.name!r}: included clause {target.id} requires it")
                used.update(p.name for p in target.params if p.name in declared)
            if lang != clause.language and path == "":
                primary = library.templates.get((clause.id, clause.language, ""))
                if primary is not None:
                    for name in set(primary.names) - set(template.names):
                        out.error(src.file, src.line,
                                  f"translation {lang} of {clause.id} does not use {{{{ {name} }}}}")
        if clause.items_from:
            used.add(clause.items_from)
            listed = declared.get(clause.items_from)
            if listed is None or listed.type is not ParamType.STATES:
                out.error(clause.source.file, clause.source.line,
                          f"items_from must name a parameter of type states, not {clause.items_from!r}")
        for name, param in declared.items():
            if name not in used:
                out.error(param.source.file, param.source.line,
                          f"unknown parameter {name!r}: declared but never used in clause {clause.id}")
        if warnings:
            _check_openings(library, clause, out, strict=strict)
    if warnings:
        _check_registry_languages(library, out)
    _check_cycles(library, out)


def _check_registry_languages(library: ClauseLibrary, out: _Collector) -> None:
    """A party without a name in a language the clauses are translated into: a text in that language that
    names it is refused at assembly, so say so while the library is checked."""
    languages = sorted({lang for clause in library.clauses.values() for lang in clause.texts} - {"en"})
    for party in sorted(library.registry.parties.values(), key=lambda p: (p.source.file, p.source.line)):
        missing = [lang for lang in languages if lang not in party.names]
        if missing:
            out.warning(party.source.file, party.source.line,
                        f"{party.code} has no {', '.join(missing)} name, though clauses are translated into "
                        f"{', '.join(missing)}: a text in that language naming it will be refused")


def _check_openings(library: ClauseLibrary, clause: Clause, out: _Collector, *, strict: bool) -> None:
    """An opening phrase outside the standard lexicon: a warning, or an error with `strict`."""
    from drafting.library.lexicon import is_standard_opening, kinds_with_lexicon

    lexicon = LEXICON_OF_KIND.get(clause.kind, clause.kind)
    wording = clause.texts.get("en")
    if wording is None or lexicon not in kinds_with_lexicon():
        return
    if wording.opening and not is_standard_opening(lexicon, wording.opening, library.extra_openings):
        message = f"opening phrase {wording.opening!r} is not in the standard {lexicon} lexicon"
        if strict:
            out.error(clause.source.file, clause.source.line, message)
        else:
            out.warning(clause.source.file, clause.source.line, message)


def _placeholder_line(template: Template, name: str, default: int) -> int:
    from drafting.library.placeholders import Placeholder

    for piece in template.pieces:
        if isinstance(piece, Placeholder) and piece.name == name:
            return piece.line
    return default


def _check_cycles(library: ClauseLibrary, out: _Collector) -> None:
    graph: dict[str, list[tuple[str, int, str]]] = {}
    for (cid, lang, _path), template in library.templates.items():
        src = library.clauses[cid].texts[lang].source.file
        for inc in template.includes:
            graph.setdefault(cid, []).append((inc.clause_id, inc.line, src))
    reported: set[frozenset[str]] = set()
    state: dict[str, int] = {}  # 0 unseen, 1 on stack, 2 done
    for start in sorted(graph):
        if state.get(start):
            continue
        # Iterative DFS so a long include chain cannot exhaust the Python stack.
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = [start]
        state[start] = 1
        while stack:
            node, index = stack[-1]
            edges = graph.get(node, [])
            if index >= len(edges):
                stack.pop()
                path.pop()
                state[node] = 2
                continue
            stack[-1] = (node, index + 1)
            target, line, src = edges[index]
            if state.get(target) == 1:
                cycle = [*path[path.index(target):], target]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    out.error(src, line, "include cycle: " + " -> ".join(cycle))
            elif not state.get(target) and target in library.clauses:
                state[target] = 1
                stack.append((target, 0))
                path.append(target)
