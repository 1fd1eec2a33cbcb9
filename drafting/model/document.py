"""The pure data model at the centre of drafting.

Loaders (clause library, spec, .docx/.md readers) produce these frozen dataclasses; assembly, redlining,
negotiation and renderers consume them. Nothing here does I/O or knows about XML, Markdown or Word.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

# -- provenance of loaded data --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Source:
    """Where a piece of loaded data came from: `file` and 1-based `line` (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def frozen_map(items: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    """Read-only view of a fresh copy of `items`, so frozen dataclasses stay immutable all the way down."""
    return MappingProxyType(dict(items or {}))


# -- registry of states and organisations --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PartyName:
    """A party's names in one language: `short` ("Kazakhstan"), `formal` ("Republic of Kazakhstan").

    `article` says whether the formal name takes the definite article in running English text
    ("the Russian Federation" but "Turkmenistan").
    """

    short: str
    formal: str
    article: bool = False

    def running(self, form: str = "short", definite: bool = False) -> str:
        """The name as it sits inside a sentence, in `form` (short or formal)."""
        name = self.formal if form == "formal" else self.short
        if definite and form == "formal" and self.article:
            return f"the {name}"
        return name


@dataclass(frozen=True, slots=True)
class Party:
    """A State (ISO 3166 alpha-3 `code`) or an organisation (its acronym) that documents can name."""

    code: str
    kind: str  # "state" | "organization"
    names: Mapping[str, PartyName]
    source: Source
    aliases: tuple[str, ...] = ()  # other names it is known by, any language ("Turkey"): looked up, never printed

    def name(self, language: str = "en") -> PartyName:
        """Names in `language`, falling back to English (never a machine translation)."""
        return self.names.get(language) or self.names["en"]


# -- clause library ---------------------------------------------------------------------------------------


class ParamType(StrEnum):
    TEXT = "text"
    STATES = "states"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Parameter:
    """A named hole in a clause: required, or with a `default`.

    `options` tune how a `states` list reads: form (short|formal), order (alphabetical|given),
    article (none|definite), conjunction ("and"), serial_comma (yes|no).
    """

    name: str
    type: ParamType
    required: bool
    default: ParamValue | None
    options: Mapping[str, str]
    source: Source


@dataclass(frozen=True, slots=True)
class ClauseItem:
    """A sub-item of a clause ((a), (b) … or a bullet), possibly with its own sub-items."""

    key: str
    opening: str
    text: str
    items: tuple[ClauseItem, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class ClauseText:
    """A clause's wording in one language: the opening phrase, the Markdown body and the sub-items."""

    opening: str
    text: str
    items: tuple[ClauseItem, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where the language was agreed: document `symbol` and `paragraph`, with an optional `note`."""

    symbol: str
    paragraph: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Clause:
    """A reusable paragraph of agreed language.

    `texts` maps language codes to wordings; `language` names the one the clause was written in.
    `items_from` names a `states` parameter whose list becomes bulleted sub-items (member lists).
    """

    id: str
    kind: str
    language: str
    texts: Mapping[str, ClauseText]
    params: tuple[Parameter, ...]
    tags: tuple[str, ...]
    provenance: Provenance | None
    items_from: str | None
    source: Source

    @property
    def opening(self) -> str:
        return self.texts[self.language].opening

    @property
    def text(self) -> str:
        return self.texts[self.language].text

    def param(self, name: str) -> Parameter | None:
        return next((p for p in self.params if p.name == name), None)

    def wording(self, language: str) -> ClauseText | None:
        """The wording in `language`, or None when the clause has not been translated."""
        return self.texts.get(language)


# -- document spec ------------------------------------------------------------------------------------------


class Section(StrEnum):
    """The parts of a conference outcome text, in document order (rule S1)."""

    PREFACE = "preface"
    PREAMBLE = "preamble"
    OPERATIVE = "operative"
    MEMBERSHIP = "membership"
    CLOSING = "closing"
    SIGNATURES = "signatures"


@dataclass(frozen=True, slots=True)
class StateRef:
    """A party named in a spec list: registry `code`, optionally quoted `as` an original text worded it
    (`label`, valid in `language` only: other language versions use the registry's names)."""

    code: str
    label: str | None = None
    language: str = ""


ParamValue = str | tuple[StateRef, ...] | Mapping[str, str]
"""Text, a list of parties, or text per language ({"en": "Almaty", "ru": "Алматы"})."""


@dataclass(frozen=True, slots=True)
class EntrySpec:
    """One paragraph requested by a spec: a clause reference with parameter values, or a one-off text.

    `id` is the stable paragraph id; `numbered` is None to let the section decide.
    """

    id: str
    clause: str | None
    params: Mapping[str, ParamValue]
    inline: Mapping[str, ClauseText]  # language -> one-off wording; empty for clause references
    numbered: bool | None
    source: Source
    rows: tuple[tuple[str, ...], ...] = ()  # a table entry: rows of cells (Markdown), the first the header row


@dataclass(frozen=True, slots=True)
class Meta:
    """Document metadata from the spec: identity, meeting, place and date, parties, style."""

    document_id: str
    name: str
    title: str
    issuing: str
    meeting: str
    place: str
    country: str
    date: _dt.date
    participants: tuple[str, ...]
    observers: tuple[str, ...]
    symbol: str
    language: str
    languages: tuple[str, ...]
    profile: str
    subject: str = ""
    keywords: tuple[str, ...] = ()
    revision: int = 0
    synthetic: bool = False
    signatories: tuple[str, ...] = ()
    signature_form: str = "none"  # none | blocks | participants
    distribution: str = ""  # general | limited: the masthead's distribution line (un-resolution profile)
    final_symbol: str = ""  # the symbol the final text carries (the draft's L. symbol becomes it at finalize)
    original_language: str = ""  # the language the text was drafted in ("Original:"), kept in every version
    localized: Mapping[str, Mapping[str, str]] = field(default_factory=frozen_map)
    """Per-language metadata ({"ru": {"title": …, "place": "Алматы"}}); the fields above are in `language`."""

    LOCALIZABLE = ("title", "issuing", "meeting", "place", "country", "subject", "preamble_heading")

    def text(self, name: str, language: str) -> str:
        """Metadata field `name` in `language`, falling back to the spec's own language."""
        value = self.localized.get(language, {}).get(name)
        return value if value else str(getattr(self, name, "") or "")


@dataclass(frozen=True, slots=True)
class DocumentSpec:
    """A conference document as the secretariat specifies it, before assembly."""

    meta: Meta
    preamble_heading: str
    subject: EntrySpec | None
    preamble: tuple[EntrySpec, ...]
    chapeau: EntrySpec | None
    operative: tuple[EntrySpec, ...]
    membership: tuple[EntrySpec, ...]
    closing: tuple[EntrySpec, ...]
    place_date: bool
    clause_dirs: tuple[str, ...]
    source: Source
    clause_overrides: tuple[str, ...] = ()  # libraries of clause_dirs whose clauses win over earlier ones
    # (where, code, line) of each party the metadata lists ("document.participants", "KAZ", 20): the registry
    # is asked for each at assembly, so that an unknown one is refused at its line.
    listed_parties: tuple[tuple[str, str, int], ...] = ()


# -- assembled document ----------------------------------------------------------------------------------


class Role(StrEnum):
    """What a paragraph is in the conventions of the field; renderers pick styles by role."""

    TITLE = "title"
    ISSUING = "issuing"
    HEADING = "heading"
    SUBJECT = "subject"
    PREAMBULAR = "preambular"
    CHAPEAU = "chapeau"
    OPERATIVE = "operative"
    SUBITEM = "subitem"
    BULLET = "bullet"
    CONTINUATION = "continuation"
    CLOSING = "closing"
    PLACE_DATE = "place-date"
    SIGNATURE = "signature"
    TEXT = "text"
    FOOTNOTE = "footnote"
    CELL = "cell"


NUMBERED_ROLES = frozenset({Role.OPERATIVE, Role.SUBITEM, Role.BULLET})
"""Roles whose label comes from a list (Word numbering in .docx)."""

BODY_ROLES = frozenset(
    {Role.SUBJECT, Role.PREAMBULAR, Role.CHAPEAU, Role.OPERATIVE, Role.SUBITEM, Role.BULLET,
     Role.CONTINUATION, Role.CLOSING, Role.FOOTNOTE, Role.CELL}
)
"""Roles that carry negotiable text (the rest is apparatus: title, headings, place/date, signatures)."""


@dataclass(frozen=True, slots=True)
class Span:
    """A run of text with the only emphasis the conventions allow (S9, S14).

    `opening` marks the opening phrase of a paragraph ("Bearing in mind"), which Word output gives its own
    character style so a clerk can restyle every opener at once. `note` makes the span a footnote reference
    (no text of its own): the id of the `Role.FOOTNOTE` paragraph it refers to.
    """

    text: str
    italic: bool = False
    bold: bool = False
    opening: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of an assembled or negotiated document.

    `id` is stable across renumbering and revisions; `label` is the number as shown ("1.", "(a)",
    "- 1 -", "4 bis"); `level` is the depth in the operative tree; `clause` the source clause, if any;
    `proposed` marks a new paragraph still under negotiation (numbered bis, ter … after its anchor).

    A footnote is a paragraph of its own (`Role.FOOTNOTE`, label its number) right after the paragraph whose
    note span refers to it; a table cell is one too (`Role.CELL`, `cell` = table, row, column from 1), cells
    in row order. So notes and tables are negotiated, compiled and revised paragraph by paragraph like the rest.
    """

    id: str
    role: Role
    spans: tuple[Span, ...]
    label: str = ""
    level: int = 0
    clause: str | None = None
    proposed: bool = False
    cell: tuple[int, int, int] | None = None

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    @property
    def story(self) -> str:
        """Where the paragraph sits when not in the body's run of text: "footnote 2", "table 1 row 3", or ""."""
        if self.role is Role.FOOTNOTE:
            return f"footnote {self.label}" if self.label else "footnote"
        if self.role is Role.CELL and self.cell is not None:
            return f"table {self.cell[0]} row {self.cell[1]}"
        return ""


@dataclass(frozen=True, slots=True)
class Document:
    """An assembled conference document: metadata and paragraphs in order, in one language."""

    meta: Meta
    paragraphs: tuple[Paragraph, ...]
    language: str = "en"
    attributes: Mapping[str, str] = field(default_factory=frozen_map)

    def paragraph(self, paragraph_id: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.id == paragraph_id), None)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class DocumentIdentity:
    """What a .docx carries so a returned redline can be traced to exactly the text it was made from."""

    document_id: str
    revision: int
    content_hash: str
    language: str = "en"


# -- amendments ---------------------------------------------------------------------------------------------


class AmendmentKind(StrEnum):
    """What a delegation's change does to the base text."""

    INSERT = "insert"
    DELETE = "delete"
    REPLACE = "replace"
    PARAGRAPH_INSERT = "paragraph-insert"
    PARAGRAPH_DELETE = "paragraph-delete"
    MOVE = "move"
    SPLIT = "split"
    JOIN = "join"
    FORMAT = "format"


@dataclass(frozen=True, slots=True)
class Amendment:
    """One change proposed by one delegation to one paragraph of a base text.

    `paragraph` is the stable id in the base (None when it could not be placed); for a paragraph-insert it is
    the anchor the new paragraph follows. `position` is the character offset in the base paragraph's text;
    `tracked` is False for differences found by comparison (Track Changes was off). `author` is the raw
    w:author; `delegation` the name it maps to; `code` the registry code when it names a State.
    """

    id: str
    delegation: str
    paragraph: str | None
    kind: AmendmentKind
    old: str
    new: str
    position: int
    date: str | None
    tracked: bool
    author: str = ""
    code: str | None = None
    context: str = ""
    story: str = ""  # "footnote 1", "table 1 row 4": where the paragraph is, when not in the body's text
