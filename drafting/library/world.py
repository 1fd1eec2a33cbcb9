"""The States every registry knows: the UN Member States and observer States (`un-states.txt`), named from
pycountry's ISO 3166 data and its gettext translations, in every language the project writes.

A library's `registry.yaml` overrides these names where UN usage differs (see `with_world`): an entry there
replaces the names of the languages it gives and keeps pycountry's for the others. Nothing here is
translated by the project: a language pycountry has no name in stays without one (a text in it that names
the State is refused, as for any registry entry).

Built once per process, and only when a party is looked up: the quick commands never read it. What it builds
is also shipped ready (`world-states.json`, written by `make world`, kept equal to a fresh build by a test):
read in a few milliseconds instead of building in fifteen, when the installed pycountry's data and
`un-states.txt` are those it was built from (their SHA-256, `inputs_key`); built as above otherwise.
"""

from __future__ import annotations

import functools
import gettext
import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

from drafting.model.document import Party, PartyName, Source, frozen_map

STATES_FILE = Path(__file__).with_name("un-states.txt")
PREBUILT = Path(__file__).with_name("world-states.json")
PREBUILT_FORMAT = "drafting-world-states/1"
SOURCE = "pycountry (ISO 3166-1)"
# Language code -> pycountry's locale for it (English is the data itself).
LOCALES = {"en": "", "ru": "ru", "fr": "fr", "es": "es", "ar": "ar", "zh": "zh_CN"}
DOMAIN = "iso3166-1"
# English formal names that take "the" in running text even when they are the short name too ("the Russian
# Federation", "the Syrian Arab Republic"; not "Solomon Islands").
_TITLE_WORDS = frozenset({"Republic", "Federation", "Kingdom", "Emirates", "State", "States", "Union", "See",
                          "Commonwealth", "Principality", "Confederation", "Sultanate", "Duchy"})
# Articles an inverted ISO name may end with ("Congo, The Democratic Republic of the"): dropped at the front.
_LEADING_ARTICLE = re.compile(r"^(the|la|le|les|el|los|las) ", re.IGNORECASE)
_STRESS = "\u0301"  # the stress mark some Russian names carry in pycountry ("Респу́блика")


def un_states() -> dict[str, str]:
    """Alpha-3 code -> "member" or "observer", in the file's order."""
    out: dict[str, str] = {}
    status = ""
    for raw in STATES_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line in ("members:", "observers:"):
            status = "member" if line == "members:" else "observer"
        elif line:
            out.update((code, status) for code in line.split())
    return out


def _pycountry_dirs() -> tuple[Path, Path]:
    """pycountry's `databases` and `locales` folders. Found where its own DATABASE_DIR and LOCALES_DIR point,
    without importing it (its import reads the installed packages' metadata: 60 ms); imported otherwise."""
    import importlib.util

    spec = importlib.util.find_spec("pycountry")
    for root in (spec.submodule_search_locations or []) if spec is not None else []:
        databases, locales = Path(root) / "databases", Path(root) / "locales"
        if (databases / f"{DOMAIN}.json").is_file() and locales.is_dir():
            return databases, locales
    import pycountry

    return Path(pycountry.DATABASE_DIR), Path(pycountry.LOCALES_DIR)


class _Untranslated(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return ""


class _Catalogue:
    """One language's names: a translation only where pycountry has one (never the English fallback)."""

    def __init__(self, locales: Path, locale: str) -> None:
        self.translations = gettext.translation(DOMAIN, str(locales), [locale], fallback=True)
        self.translations.add_fallback(_Untranslated())

    def get(self, english: str | None) -> str | None:
        text = self.translations.gettext(english) if english else ""
        return _clean(text) if text else None


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text.replace(_STRESS, "")).split())


def uninvert(name: str) -> str:
    """An ISO list name as it reads in running text: "Korea, Republic of" -> "Republic of Korea",
    "Congo, The Democratic Republic of the" -> "Democratic Republic of the Congo" (any language: "Corée,
    République de" -> "République de Corée", "Iran, République islamique d'" -> "République islamique d'Iran").
    Arabic lists the full name after its comma ("كوريا، جمهوريّة كوريا"): that is the name."""
    head, sep, tail = name.partition("، ")
    if sep:
        return tail.strip()
    head, sep, tail = name.partition(", ")
    if not sep or not tail:
        return name
    tail = _LEADING_ARTICLE.sub("", tail.strip())
    joined = f"{tail}{head}" if tail.endswith(("'", "’")) else f"{tail} {head}"
    return joined[:1].upper() + joined[1:]


def _english_formal(official: str | None, short: str) -> tuple[str, bool]:
    """(formal name, takes "the"): pycountry writes some official names with their article ("the State of
    Palestine")."""
    if not official:
        return short, any(word in _TITLE_WORDS for word in short.split())
    if official.startswith("the "):
        return official[4:], True
    return official, official != short or any(word in _TITLE_WORDS for word in official.split())


def _party(code: str, record: Mapping[str, str], catalogues: Mapping[str, _Catalogue]) -> Party:
    iso_name = record["name"]
    official = record.get("official_name")
    common = record.get("common_name")
    short = uninvert(iso_name)
    formal, article = _english_formal(official, short)
    names = {"en": PartyName(short, formal, article)}
    aliases: list[str] = [iso_name, *([common] if common else [])]
    for language, catalogue in catalogues.items():
        translated = catalogue.get(iso_name)
        if translated is None:
            continue
        local_short = uninvert(translated)
        local_formal = catalogue.get(official.removeprefix("the ") if official else None)
        names[language] = PartyName(local_short, uninvert(local_formal) if local_formal else local_short)
        aliases += [a for a in (translated, catalogue.get(common)) if a]
    aliases = [a for a in dict.fromkeys(aliases) if all(a not in (n.short, n.formal) for n in names.values())]
    return Party(code=code, kind="state", names=frozen_map(names), source=Source(SOURCE), aliases=tuple(aliases))


@functools.cache
def world_parties() -> Mapping[str, Party]:
    """Every State of `un-states.txt`, by code, named from pycountry (read ready-built when it was built from
    the same data, built otherwise; once per process)."""
    ready = _read_prebuilt(inputs_key())
    return ready if ready is not None else build_world_parties()


def _mo_files(locales: Path) -> list[Path]:
    found = [gettext.find(DOMAIN, str(locales), [locale]) for locale in LOCALES.values() if locale]
    return [Path(path) for path in found if path]


def inputs_key() -> str:
    """What the world's States are built from: the SHA-256 of pycountry's ISO 3166-1 data and translations and
    of `un-states.txt`, with the prebuilt file's format."""
    import hashlib

    databases, locales = _pycountry_dirs()
    digest = hashlib.sha256(PREBUILT_FORMAT.encode())
    for path in (databases / f"{DOMAIN}.json", *_mo_files(locales), STATES_FILE):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def prebuilt_bytes(parties: Mapping[str, Party], key: str) -> bytes:
    """`parties` (the world's States, as `build_world_parties` makes them) in the shipped file's form."""
    states = {code: {"names": {lang: [n.short, n.formal, n.article] for lang, n in party.names.items()},
                     "aliases": list(party.aliases)} for code, party in parties.items()}
    return (json.dumps({"format": PREBUILT_FORMAT, "inputs": key, "states": states}, ensure_ascii=False,
                       indent=1) + "\n").encode("utf-8")


def _read_prebuilt(key: str) -> Mapping[str, Party] | None:
    """The shipped States, if they were built from the data whose key is `key` (None: absent, another
    build's, damaged)."""
    try:
        data = json.loads(PREBUILT.read_bytes())
        if data.get("format") != PREBUILT_FORMAT or data.get("inputs") != key:
            return None
        source = Source(SOURCE)
        return frozen_map({code: Party(code=code, kind="state", source=source, aliases=tuple(state["aliases"]),
                                       names=frozen_map({lang: PartyName(short, formal, bool(article))
                                                         for lang, (short, formal, article)
                                                         in state["names"].items()}))
                           for code, state in data["states"].items()})
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def build_world_parties() -> Mapping[str, Party]:
    """Every State of `un-states.txt`, by code, named from pycountry's data (what `world-states.json` holds)."""
    databases, locales = _pycountry_dirs()
    records = {r["alpha_3"]: r for r in json.loads((databases / f"{DOMAIN}.json").read_bytes())["3166-1"]}
    catalogues = {language: _Catalogue(locales, locale) for language, locale in LOCALES.items() if locale}
    out: dict[str, Party] = {}
    for code in un_states():
        record = records.get(code)
        if record is None:  # a code pycountry does not have: the list and the data disagree
            raise LookupError(f"{code} (in {STATES_FILE.name}) is not an ISO 3166-1 code in pycountry")
        out[code] = _party(code, record, catalogues)
    return frozen_map(out)


def with_world(own: Mapping[str, Party]) -> dict[str, Party]:
    """`own` (a library's registry entries) over the world's States: an entry for a State replaces the names
    of the languages it gives, keeps pycountry's for the others, and adds to its aliases. The library's own
    entries come first (a name two parties share finds the library's)."""
    world = world_parties()
    out: dict[str, Party] = {}
    for code, party in own.items():
        under = world.get(code)
        if under is None:
            out[code] = party
            continue
        names = {**under.names, **party.names}
        taken = {n for pair in names.values() for n in (pair.short, pair.formal)}
        aliases = tuple(a for a in dict.fromkeys((*party.aliases, *under.aliases, *_names(under)))
                        if a not in taken)
        out[code] = Party(code=code, kind=party.kind, names=frozen_map(names), source=party.source, aliases=aliases)
    for code, party in world.items():
        out.setdefault(code, party)
    return out


def _names(party: Party) -> Iterator[str]:
    """The names pycountry gives a State that an override replaced: still names it is known by."""
    for pair in party.names.values():
        yield pair.short
        yield pair.formal


if __name__ == "__main__":  # `make world`: write the shipped States
    PREBUILT.write_bytes(prebuilt_bytes(build_world_parties(), inputs_key()))
    print("wrote", PREBUILT)
