"""Registry of States and organisations that membership provisions, participant lists, signature blocks and
the negotiation's delegations draw on: ISO 3166 alpha-3 code, short name, formal name, per language (one name
table per language; names are never translated word for word, un-conventions §4.2).

Every registry knows the UN Member States and observer States (`world.py`: pycountry's ISO 3166 data and
translations); `registry.yaml` adds organisations and overrides a State's names where UN usage differs.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from drafting.errors import DraftingInputError, safe_display
from drafting.model.document import Party, PartyName, Source, StateRef, frozen_map

if TYPE_CHECKING:  # the YAML reader is imported when a registry file is read, not before
    from drafting.library.yamlsrc import YMap

REGISTRY_FILE = "registry.yaml"
UNLISTED_HINT = ": not in the registry (--unlisted admits an observer or organisation the registry lacks)"
_KINDS = {"states": "state", "organizations": "organization"}


@dataclass(frozen=True, slots=True)
class Registry:
    """All known parties, by code."""

    parties: Mapping[str, Party]
    source: str = ""
    # Folded names (short, formal, "the " + formal, in every language, and the aliases) -> code; built once,
    # at the first look-up by name (a registry read lazily is not read just to build it).
    _index: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def _names_index(self) -> dict[str, str]:
        if self._index is None:
            index: dict[str, str] = {}
            for party in self.parties.values():
                for name in _names_of(party):
                    index.setdefault(_fold(name), party.code)  # the first party listed wins a shared name
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

    def aliases(self, target: str = "code") -> dict[str, str]:
        """Every code and name (short and formal, every language, and the aliases) mapped to its code (or,
        with `target="name"`, to its English short name): what 'did you mean' searches, so that
        `UZBEKISTAN` suggests UZB and `Kazakstan` Kazakhstan."""
        out: dict[str, str] = {}
        for party in self.parties.values():
            shown = party.code if target == "code" else party.name("en").short
            out[party.code] = shown
            for name in _names_of(party, article=False):
                out.setdefault(name, shown)
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
        """Look a party up by code or by any of its names or aliases in any language (case, accents, spacing
        and punctuation ignored: `turkiye`, `Cote d'Ivoire`, `guinea bissau`)."""
        key = _fold(name)
        if not key:
            return None
        direct = self.get(name.strip())
        if direct is not None:
            return direct
        code = self._names_index().get(key)
        return None if code is None else self.parties[code]

    def resolve(self, name: str, *, also: Iterable[str] = ()) -> Party:
        """The party the delegation `name` names (see `find`), or `unknown_delegation`."""
        party = self.find(name)
        if party is None:
            raise self.unknown_delegation(name, also=also)
        return party

    def unknown_delegation(self, name: str, *, also: Iterable[str] = ()) -> DraftingInputError:
        """The one-line refusal of a delegation name the registry does not know: with the closest names (`also`:
        more to suggest, such as those a negotiation admitted outside the registry), or how to admit it."""
        from drafting.library.suggest import did_you_mean

        candidates = self.aliases("name")
        for extra in also:
            candidates.setdefault(extra, extra)
        hint = did_you_mean(name, candidates, quote=False) or UNLISTED_HINT
        return DraftingInputError(f"unknown delegation {safe_display(name.strip())!r}{hint}")


def _fold(text: str) -> str:
    """A name as looked up: its letters and digits, accents, case and width folded ("Ｔｕｒｋｉｙｅ" = "turkiye")."""
    from drafting.library.suggest import fold

    return fold(text)


def _names_of(party: Party, *, article: bool = True) -> Iterator[str]:
    """Every name `party` is known by: short and formal in each language (and "the " + the English formal
    name), then its aliases."""
    for language, names in party.names.items():
        yield names.short
        if names.formal != names.short:
            yield names.formal
        if article and language == "en":
            yield "the " + names.formal
    yield from party.aliases


class _PartiesOnDemand(Mapping[str, Party]):
    """The parties of a registry file (over the world's States), read at first use: most negotiation commands
    (status, log, decide, mark) never look a party up, and reading the file means importing the YAML parser
    and reading pycountry's data."""

    def __init__(self, path: Path, world: bool) -> None:
        self._path = path
        self._world = world
        self._parties: dict[str, Party] | None = None

    def _loaded(self) -> dict[str, Party]:
        if self._parties is None:
            self._parties = _with_world(_read_parties(self._path), self._world)
        return self._parties

    def __getitem__(self, code: str) -> Party:
        return self._loaded()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def load_registry(path: Path, *, on_demand: bool = False, world: bool = True) -> Registry:
    """Read `path` (clauses/registry.yaml) over the world's States (`world.py`; without `world`, the file's
    entries alone); a missing file gives the world's States alone. With `on_demand`, the file is read when a
    party is first asked for (its errors are raised then)."""
    if on_demand:
        return Registry(_PartiesOnDemand(path, world), str(path))
    return Registry(_with_world(_read_parties(path), world), str(path))


def registry_over_world(parties: Mapping[str, Party], source: str) -> Registry:
    """A registry of `parties` (several libraries' entries, merged) over the world's States."""
    return Registry(_with_world(parties, True), source)


def _with_world(parties: Mapping[str, Party], world: bool) -> dict[str, Party]:
    if not world:
        return dict(parties)
    from drafting.library.world import with_world

    return with_world(parties)


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
    known = {"code", "short", "formal", "article", "names", "note", "aliases"}
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
    return Party(code=code, kind=kind, names=frozen_map(names), source=Source(source, entry.line),
                 aliases=_aliases(entry, source))


def _aliases(entry: YMap, source: str) -> tuple[str, ...]:
    """`aliases: [Turkey, Republic of Turkey]`: other names the party is known by (looked up, never printed)."""
    from drafting.library.yamlsrc import YList, YStr

    value = entry.get("aliases")
    if value is None:
        return ()
    if not isinstance(value, YList) or not all(isinstance(v, YStr) and v.strip() for v in value):
        raise DraftingInputError("aliases must be a list of names", source=source, line=entry.key_line("aliases"))
    return tuple(" ".join(str(v).split()) for v in value)


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
