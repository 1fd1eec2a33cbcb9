"""Registry of States and organisations that membership provisions, participant lists and signature blocks
draw on: ISO 3166 alpha-3 code, short name, formal name, per language (one name table per language; names
are never translated word for word, un-conventions §4.2).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from drafting.errors import DraftingInputError
from drafting.model.document import Party, PartyName, Source, StateRef, frozen_map

if TYPE_CHECKING:  # the YAML reader is imported when a registry file is read, not before
    from drafting.library.yamlsrc import YMap

REGISTRY_FILE = "registry.yaml"
_KINDS = {"states": "state", "organizations": "organization"}


@dataclass(frozen=True, slots=True)
class Registry:
    """All known parties, by code."""

    parties: Mapping[str, Party]
    source: str = ""
    # Folded names (short, formal, "the " + formal, in every language) -> code; built once, at the first
    # look-up by name (a registry read lazily is not read just to build it).
    _index: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def _names_index(self) -> dict[str, str]:
        if self._index is None:
            index: dict[str, str] = {}
            for party in self.parties.values():
                for names in party.names.values():
                    for name in (names.short, names.formal, "the " + names.formal):
                        index.setdefault(_fold(name), party.code)  # the first party wins, as the scan did
            object.__setattr__(self, "_index", index)
            return index
        return self._index

    def get(self, code: str) -> Party | None:
        return self.parties.get(code.upper())

    def require(self, code: str, *, source: str | None = None, line: int | None = None) -> Party:
        party = self.get(code)
        if party is None:
            from drafting.library.suggest import did_you_mean

            hint = did_you_mean(code, self.aliases())
            raise DraftingInputError(f"unknown State or organisation code {code!r}{hint}", source=source, line=line)
        return party

    def aliases(self) -> dict[str, str]:
        """Every code and name (short and formal, every language) mapped to its code: what 'did you mean'
        searches, so that `UZBEKISTAN` suggests UZB."""
        out: dict[str, str] = {}
        for party in self.parties.values():
            out[party.code] = party.code
            for names in party.names.values():
                out.setdefault(names.short, party.code)
                out.setdefault(names.formal, party.code)
        return out

    def names_in(self, code: str, language: str, *, source: str | None = None,
                 line: int | None = None) -> PartyName:
        """The names of `code` in `language`; a document in that language never borrows another language's
        name, so a missing one is an error pointing at the registry entry."""
        party = self.require(code, source=source, line=line)
        names = party.names.get(language)
        if names is None:
            raise DraftingInputError(
                f"{party.code} has no {language} name in the registry ({party.source}): add one under its "
                f"names", source=source, line=line,
            )
        return names

    def find(self, name: str) -> Party | None:
        """Look a party up by code or by any of its names in any language (case-insensitive)."""
        key = _fold(name)
        if not key:
            return None
        direct = self.get(name.strip())
        if direct is not None:
            return direct
        code = self._names_index().get(key)
        return None if code is None else self.parties[code]


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class _PartiesOnDemand(Mapping[str, Party]):
    """The parties of a registry file, read at first use: most negotiation commands (status, log, decide,
    mark) never look a party up, and reading the file means importing the YAML parser."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._parties: dict[str, Party] | None = None

    def _loaded(self) -> dict[str, Party]:
        if self._parties is None:
            self._parties = _read_parties(self._path)
        return self._parties

    def __getitem__(self, code: str) -> Party:
        return self._loaded()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def load_registry(path: Path, *, on_demand: bool = False) -> Registry:
    """Read `path` (clauses/registry.yaml); a missing file gives an empty registry. With `on_demand`, the
    file is read when a party is first asked for (its errors are raised then)."""
    if on_demand:
        return Registry(_PartiesOnDemand(path), str(path))
    return Registry(_read_parties(path), str(path))


def _read_parties(path: Path) -> dict[str, Party]:
    from drafting.library.yamlsrc import YList, YMap, load_yaml

    if not path.is_file():
        return {}
    source = str(path)
    data = load_yaml(path.read_bytes(), source)
    if data is None:
        return {}
    if not isinstance(data, YMap):
        raise DraftingInputError("registry must be a mapping with 'states' and 'organizations'", source=source, line=1)
    parties: dict[str, Party] = {}
    for section, entries in data.items():
        kind = _KINDS.get(section)
        if kind is None:
            raise DraftingInputError(
                f"unknown registry section {section!r} (expected states, organizations)",
                source=source, line=data.key_line(section),
            )
        if not isinstance(entries, YList):
            raise DraftingInputError(f"{section} must be a list", source=source, line=data.key_line(section))
        for entry in entries:
            party = _party(entry, kind, source)
            if party.code in parties:
                raise DraftingInputError(
                    f"duplicate code {party.code} (first at line {parties[party.code].source.line})",
                    source=source, line=party.source.line,
                )
            parties[party.code] = party
    return parties


def _text(entry: YMap, key: str, source: str, *, required: bool = True) -> str:
    from drafting.library.yamlsrc import YStr, line_of

    value = entry.get(key)
    if value is None:
        if required:
            raise DraftingInputError(f"missing {key!r}", source=source, line=entry.line)
        return ""
    if not isinstance(value, YStr) or not value.strip():
        raise DraftingInputError(f"{key!r} must be non-empty text", source=source, line=line_of(value, entry.line))
    return str(value).strip()


def _names(entry: YMap, source: str) -> PartyName:
    from drafting.library.yamlsrc import line_of

    short = _text(entry, "short", source)
    formal = _text(entry, "formal", source, required=False) or short
    article_raw = entry.get("article")
    if article_raw is None:
        article = formal != short
    elif str(article_raw) in ("yes", "true", "the"):
        article = True
    elif str(article_raw) in ("no", "false", "none"):
        article = False
    else:
        raise DraftingInputError("article must be yes or no", source=source, line=line_of(article_raw))
    return PartyName(short=short, formal=formal, article=article)


def _party(entry: object, kind: str, source: str) -> Party:
    from drafting.library.yamlsrc import YMap, line_of

    if not isinstance(entry, YMap):
        raise DraftingInputError("each registry entry must be a mapping", source=source, line=line_of(entry))
    code = _text(entry, "code", source)
    if kind == "state" and not (len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()):
        raise DraftingInputError(
            f"State code {code!r} is not an ISO 3166 alpha-3 code", source=source, line=line_of(entry["code"])
        )
    if kind == "organization" and not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        raise DraftingInputError(f"organisation code {code!r} must be letters and digits", source=source,
                                 line=line_of(entry["code"]))
    names = {"en": _names(entry, source)}
    known = {"code", "short", "formal", "article", "names", "note"}
    for key in entry:
        if key not in known:
            raise DraftingInputError(f"unknown field {key!r}", source=source, line=entry.key_line(key))
    translated = entry.get("names")
    if translated is not None:
        if not isinstance(translated, YMap):
            raise DraftingInputError("names must map language codes to names", source=source,
                                     line=line_of(translated))
        for lang, value in translated.items():
            if not isinstance(value, YMap):
                raise DraftingInputError(f"names.{lang} must have short and formal", source=source,
                                         line=translated.key_line(lang))
            names[str(lang)] = _names(value, source)
    return Party(code=code, kind=kind, names=frozen_map(names), source=Source(source, entry.line))


# -- lists of parties in running text -----------------------------------------------------------------------

CONJUNCTIONS = {"en": "and", "ru": "и", "fr": "et", "es": "y"}


def sort_key(name: str, language: str) -> tuple[str, str]:
    """Alphabetical order in `language`: accents and case folded, then the name itself to break ties."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    base = "".join(ch for ch in folded if not unicodedata.combining(ch))
    if language == "ru":
        # Cyrillic code points are already in alphabetical order except ё, which sorts with е.
        base = base.replace("ё", "е")
    return (base, name)


def party_names(
    refs: Sequence[StateRef],
    registry: Registry,
    *,
    language: str,
    form: str,
    order: str,
    definite: bool,
    case: str = "nominative",
    source: str | None = None,
    line: int | None = None,
) -> list[str]:
    """The names of `refs` as a list, in the requested form, order and grammatical case; unknown codes are
    errors. A label quoted from an original text is used in that text's language only."""
    from drafting.library.i18n import russian_genitive

    named: list[tuple[str, int]] = []
    for index, ref in enumerate(refs):
        if ref.label and ref.language in ("", language):  # a name quoted from an original text (`as:`)
            registry.require(ref.code, source=source, line=line)
            name = ref.label
        else:
            name = registry.names_in(ref.code, language, source=source, line=line).running(
                form, definite and language == "en")
            if case == "genitive" and language == "ru":
                name = russian_genitive(name)
        named.append((name, index))
    if order == "alphabetical":
        named.sort(key=lambda item: sort_key(_alpha_name(refs[item[1]], registry, language, form), language))
    return [name for name, _ in named]


def _alpha_name(ref: StateRef, registry: Registry, language: str, form: str) -> str:
    names = registry.require(ref.code).names.get(language)
    if names is None:  # only a quoted label names it in this language (checked above)
        return ref.label or ref.code
    # Alphabetical lists follow the short name even when formal names are printed (Afghanistan before Iran).
    return names.short if form == "formal" else names.running(form)


def join_names(names: Iterable[str], *, language: str, conjunction: str | None = None,
               serial_comma: bool = False) -> str:
    """'A, B and C' in `language` (serial comma optional, as in "A, B, and C")."""
    items = list(names)
    word = conjunction or CONJUNCTIONS.get(language, "and")
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {word} {items[1]}"
    comma = "," if serial_comma and language == "en" else ""  # the serial comma is an English convention
    return ", ".join(items[:-1]) + f"{comma} {word} {items[-1]}"
