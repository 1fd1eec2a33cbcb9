"""Assembly: a document spec plus a clause library become a `Document` with stable paragraph ids.

A pipeline of named steps over one state (style lesson 6): `collect` resolves every entry to its clause,
fills parameters and parses the Markdown; `punctuate` applies the profile's end marks (S10, S12, S13);
`number` gives labels; `validate` checks ids. Each step is a plain function and can be tested alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from drafting.conventions.inline import markdown_spans, normalise_spans, note_spans
from drafting.conventions.numbering import Numberer
from drafting.conventions.profiles import Profile, get_profile
from drafting.errors import DraftingInputError, DraftingProblems, raise_problems
from drafting.library.clauses import ClauseLibrary
from drafting.library.i18n import format_date, localise_quotes
from drafting.library.placeholders import Include, Placeholder, Template, escape_markdown, parse_template
from drafting.library.registry import join_names, party_names
from drafting.library.suggest import did_you_mean
from drafting.model.document import (
    Clause,
    ClauseItem,
    ClauseText,
    Document,
    DocumentSpec,
    EntrySpec,
    Paragraph,
    Parameter,
    ParamType,
    ParamValue,
    Role,
    Section,
    Span,
    StateRef,
)

MAX_PARAGRAPH_ID = 37  # "dp_" + id must fit Word's 40-character bookmark names
MAX_INCLUDE_DEPTH = 20
_END_MARKS = ".;,:"


@dataclass
class _Block:
    """A paragraph under construction (mutable inside the pipeline only)."""

    id: str
    role: Role
    opening: str
    body: tuple[Span, ...]
    level: int = 0
    clause: str | None = None
    section: Section = Section.OPERATIVE
    items: list[_Block] = field(default_factory=list)
    label: str = ""
    notes: list[_Block] = field(default_factory=list)  # its footnotes, in the order their references stand
    cell: tuple[int, int, int] | None = None


@dataclass
class AssemblyState:
    spec: DocumentSpec
    library: ClauseLibrary
    language: str
    profile: Profile
    blocks: list[_Block] = field(default_factory=list)


Step = Callable[[AssemblyState], None]


def assemble(
    spec: DocumentSpec, library: ClauseLibrary, *, language: str | None = None, profile: str | None = None
) -> Document:
    """Assemble `spec` from `library` in `language` (default: the spec's) and `profile` (default: the spec's)."""
    lang = language or spec.meta.language
    prof = get_profile(profile or spec.meta.profile, lang)
    state = AssemblyState(spec, library, lang, prof)
    for step in PIPELINE:
        step(state)
    text = spec.meta.text
    meta = replace(spec.meta, profile=prof.name, language=lang, original_language=spec.meta.language,
                   title=text("title", lang),
                   issuing=text("issuing", lang), meeting=text("meeting", lang), place=text("place", lang),
                   country=text("country", lang), subject=text("subject", lang))
    paragraphs = tuple(_flatten(state.blocks, prof.italic_openings, lang))
    return Document(meta=meta, paragraphs=paragraphs, language=lang)


# -- step 1: collect --------------------------------------------------------------------------------------


def collect(state: AssemblyState) -> None:
    """Resolve each spec entry to text and structure, in document order (S1)."""
    spec, meta = state.spec, state.spec.meta
    resolver = _Resolver(state)
    blocks = state.blocks
    problems: list[DraftingInputError] = []

    def resolve(entry: EntrySpec, role: Role, section: Section, *, inline_members: bool = False) -> None:
        """Append the entry's block; a problem is recorded and the next entry read (all are reported)."""
        try:
            if entry.rows:
                blocks.extend(resolver.table(entry, section))
            else:
                blocks.append(resolver.block(entry, role, section, inline_members=inline_members))
        except DraftingProblems as exc:
            problems.extend(exc.problems)
        except DraftingInputError as exc:
            problems.append(exc)

    lang = state.language
    title = meta.text("title", lang)
    blocks.append(_Block("title", Role.TITLE, "", markdown_spans(title), section=Section.PREFACE))
    issuing = meta.text("issuing", lang)
    if issuing:
        blocks.append(_Block("issuing", Role.ISSUING, "", markdown_spans(issuing), section=Section.PREFACE))
    heading = meta.localized.get(lang, {}).get("preamble_heading") or spec.preamble_heading
    if spec.preamble_heading and state.profile.preamble_heading:
        blocks.append(_Block("preamble_heading", Role.HEADING, "", (Span(heading),), section=Section.PREAMBLE))
    if spec.subject is not None:
        resolve(spec.subject, Role.SUBJECT, Section.PREAMBLE)
    for entry in spec.preamble:
        resolve(entry, Role.PREAMBULAR, Section.PREAMBLE)
    if spec.chapeau is not None:
        resolve(spec.chapeau, Role.CHAPEAU, Section.OPERATIVE)
    for entry in spec.operative:
        resolve(entry, Role.OPERATIVE, Section.OPERATIVE)
    for entry in spec.membership:
        if state.profile.numbered_membership:
            # UN texts: membership provisions are operative paragraphs, the member list in the text.
            resolve(entry, Role.OPERATIVE, Section.OPERATIVE, inline_members=True)
        else:
            resolve(entry, Role.CONTINUATION, Section.MEMBERSHIP)
    for entry in spec.closing:
        resolve(entry, Role.CLOSING, Section.CLOSING)
    problems.extend(_unknown_parties(spec, state.library))
    raise_problems(problems)
    if spec.place_date:
        when = format_date(meta.date, state.language, state.profile.date_style)
        place = meta.text("place", lang)
        blocks.append(_Block("place_date", Role.PLACE_DATE, "", (Span(f"{place}, {when}"),), section=Section.CLOSING))


def _unknown_parties(spec: DocumentSpec, library: ClauseLibrary) -> list[DraftingInputError]:
    """The parties the document's metadata lists (participants, observers, signatories) that the registry does
    not know, each at its line: refused when the text is assembled, not first when it is finalized."""
    out = []
    for where, code, line in spec.listed_parties:
        try:
            library.registry.require(code, source=spec.source.file, line=line)
        except DraftingInputError as exc:
            out.append(DraftingInputError(f"{where}: {exc.message}", source=exc.source, line=exc.line))
    return out


class _Resolver:
    """Turns one `EntrySpec` into a `_Block`: clause lookup, parameter values, placeholders, Markdown."""

    def __init__(self, state: AssemblyState) -> None:
        self.state = state
        self.library = state.library
        self.language = state.language
        self.tables = 0

    def table(self, entry: EntrySpec, section: Section) -> list[_Block]:
        """A table entry's cells, one block each in row order (the table is numbered in document order)."""
        self.tables += 1
        blocks = []
        for r, row in enumerate(entry.rows, start=1):
            for c, cell in enumerate(row, start=1):
                spans, notes = note_spans(cell)
                block = _Block(_child_id(entry.id, f"r{r}c{c}", entry), Role.CELL, "", spans, section=section,
                               cell=(self.tables, r, c))
                self._attach_notes(block, notes, entry)
                blocks.append(block)
        return blocks

    def _attach_notes(self, block: _Block, notes: list[tuple[Span, ...]], entry: EntrySpec) -> None:
        """Name the note references of `block` and give it a footnote block for each."""
        if not notes:
            return
        ids = [_child_id(block.id, f"fn{n}", entry) for n in range(1, len(notes) + 1)]
        named = iter(ids)
        block.body = tuple(replace(s, note=next(named)) if s.note else s for s in block.body)
        block.notes = [_Block(note_id, Role.FOOTNOTE, "", spans, section=block.section)
                       for note_id, spans in zip(ids, notes, strict=True)]

    def block(self, entry: EntrySpec, role: Role, section: Section, *, inline_members: bool = False) -> _Block:
        clause, wording, templates = self._wording(entry)
        values = self._values(entry, clause)
        if clause is not None and clause.kind == "membership" and role is Role.OPERATIVE and not wording.opening \
                and not inline_members:
            role = Role.CONTINUATION
        if entry.numbered is False and role is Role.OPERATIVE:
            role = Role.CONTINUATION
        if entry.numbered is True and role is Role.CONTINUATION:
            role = Role.OPERATIVE
        body, notes = self._spans(templates[""], values, entry, clause)
        block = _Block(entry.id, role, wording.opening, body, clause=clause.id if clause else None, section=section)
        self._attach_notes(block, notes, entry)
        block.items = self._items(entry, wording.items, templates, values, clause, block.id, 1)
        if clause is not None and clause.items_from:
            param = clause.param(clause.items_from)
            refs = values.get(clause.items_from, ())
            if param is not None and isinstance(refs, tuple) and inline_members:
                block.body = normalise_spans([*block.body, Span(" " + self._member_list(entry, param, refs))])
            elif param is not None and isinstance(refs, tuple):
                block.items.extend(self._party_items(entry, param, refs, block.id, clause))
        return block

    def _member_list(self, entry: EntrySpec, param: Parameter, refs: tuple[StateRef, ...]) -> str:
        """The members named in running text ("Kazakhstan, Kyrgyzstan and Tajikistan"), alphabetical by default."""
        options = param.options
        names = party_names(refs, self.library.registry, language=self.language, form=options.get("form", "short"),
                            order=options.get("order", "alphabetical"), definite=options.get("article") == "definite",
                            case=options.get("case", "nominative"), source=entry.source.file, line=entry.source.line)
        return join_names(names, language=self.language, conjunction=options.get("conjunction"),
                          serial_comma=options.get("serial_comma") == "yes")

    def _wording(self, entry: EntrySpec) -> tuple[Clause | None, ClauseText, dict[str, Template]]:
        lang = self.language
        src = entry.source
        if entry.clause is None:
            wording = entry.inline.get(lang)
            if wording is None:
                raise DraftingInputError(f"paragraph {entry.id} has no {lang} text", source=src.file, line=src.line)
            templates = {"": parse_template(wording.text, source=src.file, line=wording.source.line)}
            for path, item in _walk(wording.items):
                templates[path] = parse_template(item.text, source=src.file, line=item.source.line)
            return None, wording, templates
        clause = self.library.get(entry.clause)
        if clause is None:
            hint = did_you_mean(entry.clause, list(self.library.clauses)) or "; `drafting clauses list` shows them all"
            raise DraftingInputError(f"unknown clause id {entry.clause!r}{hint}", source=src.file, line=src.line)
        wording_or_none = clause.wording(lang)
        if wording_or_none is None:
            raise DraftingInputError(f"clause {clause.id} has no {lang} translation", source=src.file, line=src.line)
        templates = {path: self.library.template(clause.id, lang, path)
                     for path in ["", *(p for p, _ in _walk(wording_or_none.items))]}
        return clause, wording_or_none, templates

    def _values(self, entry: EntrySpec, clause: Clause | None) -> dict[str, ParamValue]:
        src = entry.source
        if clause is None:
            return dict(entry.params)
        values: dict[str, ParamValue] = {}
        declared = {p.name for p in clause.params}
        problems: list[DraftingInputError] = []
        for name in entry.params:
            if name not in declared:
                known = ", ".join(sorted(declared)) or "none"
                hint = did_you_mean(name, declared)
                problems.append(DraftingInputError(
                    f"unknown parameter {name!r} for clause {clause.id}{hint} (known: {known})",
                    source=src.file, line=src.line))
        for param in clause.params:
            if param.name in entry.params:
                values[param.name] = entry.params[param.name]
            elif param.default is not None:
                values[param.name] = param.default
            else:
                problems.append(DraftingInputError(
                    f"missing required parameter {param.name!r} for clause {clause.id}", source=src.file,
                    line=src.line))
        raise_problems(problems)
        return values

    def _spans(self, template: Template, values: Mapping[str, ParamValue], entry: EntrySpec,
               clause: Clause | None) -> tuple[tuple[Span, ...], list[tuple[Span, ...]]]:
        """The text's spans and its inline notes (`^[…]`), each note reference still unnamed."""
        return note_spans(self._render(template, values, entry, clause, 0))

    def _render(self, template: Template, values: Mapping[str, ParamValue], entry: EntrySpec,
                clause: Clause | None, depth: int) -> str:
        src = entry.source
        if depth > MAX_INCLUDE_DEPTH:
            raise DraftingInputError("includes nest too deeply (cycle?)", source=src.file, line=src.line)
        out: list[str] = []
        for piece in template.pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif isinstance(piece, Placeholder):
                if piece.name not in values:
                    where = f"clause {clause.id}" if clause else f"paragraph {entry.id}"
                    raise DraftingInputError(f"undefined placeholder {{{{ {piece.name} }}}} in {where}",
                                             source=src.file, line=src.line)
                param = clause.param(piece.name) if clause else None
                out.append(escape_markdown(self._format(param, piece.name, values[piece.name], entry)))
            elif isinstance(piece, Include):
                target = self.library.get(piece.clause_id)
                if target is None or target.wording(self.language) is None:
                    raise DraftingInputError(f"include of unknown or untranslated clause {piece.clause_id!r}",
                                             source=src.file, line=src.line)
                inner = {p.name: values.get(p.name, p.default) for p in target.params}
                missing = [name for name, value in inner.items() if value is None]
                if missing:
                    raise DraftingInputError(f"missing parameter {missing[0]!r} for included clause {target.id}",
                                             source=src.file, line=src.line)
                resolved = {k: v for k, v in inner.items() if v is not None}
                out.append(self._render(self.library.template(target.id, self.language), resolved, entry, target,
                                        depth + 1))
        return "".join(out)

    def _format(self, param: Parameter | None, name: str, value: ParamValue, entry: EntrySpec) -> str:
        src = entry.source
        if isinstance(value, Mapping):  # text per language
            value = value.get(self.language) or value.get(self.state.spec.meta.language) or next(
                iter(value.values()), "")
        ptype = param.type if param else (ParamType.STATES if isinstance(value, tuple) else ParamType.TEXT)
        if ptype is ParamType.STATES:
            refs = value if isinstance(value, tuple) else tuple(StateRef(v.strip().upper())
                                                                for v in value.split(",") if v.strip())
            options = param.options if param else {}
            names = party_names(
                refs, self.library.registry, language=self.language, form=options.get("form", "short"),
                order=options.get("order", "given"), definite=options.get("article") == "definite",
                case=options.get("case", "nominative"), source=src.file, line=src.line,
            )
            return join_names(names, language=self.language, conjunction=options.get("conjunction"),
                              serial_comma=options.get("serial_comma") == "yes")
        if isinstance(value, tuple):
            raise DraftingInputError(f"parameter {name!r} expects text, not a list", source=src.file, line=src.line)
        if ptype is ParamType.DATE:
            from drafting.library.dates import parse_date

            try:
                when = parse_date(value)
            except ValueError as exc:
                raise DraftingInputError(f"parameter {name!r}: {exc}", source=src.file, line=src.line) from exc
            return format_date(when, self.language, self.state.profile.date_style)
        return value

    def _items(self, entry: EntrySpec, items: tuple[ClauseItem, ...], templates: Mapping[str, Template],
               values: Mapping[str, ParamValue], clause: Clause | None, parent_id: str, level: int,
               prefix: str = "") -> list[_Block]:
        blocks = []
        for item in items:
            path = f"{prefix}/{item.key}" if prefix else item.key
            item_id = _child_id(parent_id, item.key, entry)
            body, notes = self._spans(templates[path], values, entry, clause)
            block = _Block(item_id, Role.SUBITEM, item.opening, body, level=level,
                           clause=clause.id if clause else None, section=Section.OPERATIVE)
            self._attach_notes(block, notes, entry)
            block.items = self._items(entry, item.items, templates, values, clause, item_id, level + 1, path)
            blocks.append(block)
        return blocks

    def _party_items(self, entry: EntrySpec, param: Parameter, refs: tuple[StateRef, ...], parent_id: str,
                     clause: Clause) -> list[_Block]:
        src = entry.source
        options = param.options
        ordered = list(refs)
        if options.get("order", "alphabetical") == "alphabetical":
            names = party_names(refs, self.library.registry, language=self.language,
                                form=options.get("form", "short"), order="given", definite=False,
                                source=src.file, line=src.line)
            from drafting.library.registry import sort_key

            ordered = [ref for _, ref in sorted(zip(names, refs, strict=True),
                                                key=lambda pair: sort_key(pair[0], self.language))]
        blocks = []
        for ref in ordered:
            name = party_names((ref,), self.library.registry, language=self.language,
                               form=options.get("form", "short"), order="given", definite=False,
                               source=src.file, line=src.line)[0]
            blocks.append(_Block(_child_id(parent_id, ref.code.lower(), entry), Role.BULLET, "", (Span(name),),
                                 level=1, clause=clause.id, section=Section.OPERATIVE))
        return blocks


def _walk(items: tuple[ClauseItem, ...], prefix: str = "") -> list[tuple[str, ClauseItem]]:
    out = []
    for item in items:
        path = f"{prefix}/{item.key}" if prefix else item.key
        out.append((path, item))
        out.extend(_walk(item.items, path))
    return out


def _child_id(parent: str, key: str, entry: EntrySpec) -> str:
    child = f"{parent}_{key}"
    if len(child) > MAX_PARAGRAPH_ID:
        raise DraftingInputError(
            f"paragraph id {child!r} for a sub-item is longer than {MAX_PARAGRAPH_ID} characters; "
            f"give paragraph {parent!r} a shorter id", source=entry.source.file, line=entry.source.line,
        )
    return child


# -- step 2: punctuate ------------------------------------------------------------------------------------


def with_end_mark(spans: tuple[Span, ...], mark: str) -> tuple[Span, ...]:
    """`spans` with trailing `.;,:` removed and `mark` appended (plain, never italic); note references at the
    end stay after the mark, where the conventions put them ("…resolution 66/1;¹")."""
    items = list(spans)
    notes: list[Span] = []
    while items:
        last = items[-1]
        if last.note:
            notes.insert(0, items.pop())
            continue
        stripped = last.text.rstrip(" " + _END_MARKS)
        if stripped:
            items[-1] = Span(stripped, last.italic, last.bold, last.opening)
            break
        items.pop()
    if mark:
        items.append(Span(mark))
    return normalise_spans(items + notes)


def punctuate(state: AssemblyState) -> None:
    """End marks by role (S10, S12, S13); the `as-issued` profile keeps the text as written."""
    profile = state.profile
    blocks = state.blocks
    if profile.strip_title_punctuation:
        for block in blocks:
            if block.role is Role.TITLE:
                block.body = with_end_mark(block.body, "")
    if not profile.punctuate:
        return
    last_operative = max((i for i, b in enumerate(blocks) if b.role is Role.OPERATIVE), default=-1)
    group_end = last_operative
    while group_end + 1 < len(blocks) and blocks[group_end + 1].role is Role.CONTINUATION \
            and blocks[group_end + 1].section is Section.OPERATIVE:
        group_end += 1
    for index, block in enumerate(blocks):
        if block.role in (Role.SUBJECT, Role.PREAMBULAR):
            _terminate(block, ",", ",")
        elif block.role is Role.CHAPEAU:
            block.body = with_end_mark(block.body, ":")
        elif block.role in (Role.OPERATIVE, Role.CONTINUATION) and block.section is Section.OPERATIVE:
            following_continuation = index + 1 < len(blocks) and blocks[index + 1].role is Role.CONTINUATION \
                and blocks[index + 1].section is Section.OPERATIVE
            final = "." if index == group_end else ";"
            if following_continuation and not block.items:
                # The paragraph goes on in its continuation; it ends where the continuation ends.
                block.body = with_end_mark(block.body, ":" if block.role is Role.OPERATIVE else ";")
            else:
                _terminate(block, final, ";")


def _terminate(block: _Block, final: str, between: str) -> None:
    """Close `block`: with sub-items it becomes a lead-in (':'), its last sub-item takes `final` (S12)."""
    if not block.items:
        block.body = with_end_mark(block.body, final)
        return
    block.body = with_end_mark(block.body, ":")
    for index, item in enumerate(block.items):
        last = index == len(block.items) - 1
        if item.role is Role.BULLET:
            item.body = with_end_mark(item.body, "")  # S13: short bulleted items take no punctuation
        else:
            _terminate(item, final if last else between, between)


# -- step 3: number ---------------------------------------------------------------------------------------


def number(state: AssemblyState) -> None:
    """Labels: operative paragraphs 1, 2, … across the operative part; sub-items restart per parent."""
    numberer = Numberer(state.profile)
    for block in _iter_blocks(state.blocks):
        block.label = numberer.label(block.role, block.level)


# -- step 4: validate -------------------------------------------------------------------------------------


def validate(state: AssemblyState) -> None:
    """Every paragraph id unique (ids are what redlines and decisions point at)."""
    seen: set[str] = set()
    for block in _iter_blocks(state.blocks):
        if block.id in seen:
            raise DraftingInputError(f"duplicate paragraph id {block.id!r}", source=state.spec.source.file)
        seen.add(block.id)


def _iter_blocks(blocks: list[_Block]) -> list[_Block]:
    out = []
    for block in blocks:
        out.append(block)
        out.extend(block.notes)
        out.extend(_iter_blocks(block.items))
    return out


PIPELINE: tuple[Step, ...] = (collect, punctuate, number, validate)


# -- flatten ---------------------------------------------------------------------------------------------


def _flatten(blocks: list[_Block], italic_openings: bool, language: str) -> list[Paragraph]:
    return [
        Paragraph(id=block.id, role=block.role, spans=_quotes(_join_opening(block, italic_openings), language),
                  label=block.label, level=block.level, clause=block.clause, cell=block.cell)
        for block in _iter_blocks(blocks)
    ]


def opening_spans(text: str, role: Role, profile: Profile) -> tuple[Span, ...]:
    """`text` of a new paragraph (one a delegation proposed) as spans with its opening phrase marked, italic
    where the profile wants it (S9), so that an accepted new paragraph looks like the assembled ones."""
    from drafting.library.lexicon import leading_opening

    kind = {Role.PREAMBULAR: "preambular", Role.OPERATIVE: "operative"}.get(role)
    opener = leading_opening(kind, text) if kind else ""
    if not opener:
        return (Span(text),)
    return normalise_spans([Span(opener, italic=profile.italic_openings, opening=True), Span(text[len(opener):])])


def _quotes(spans: tuple[Span, ...], language: str) -> tuple[Span, ...]:
    """The language's quotation marks (Russian «…»), per span so emphasis stays where it was."""
    if language != "ru":
        return spans
    text = localise_quotes("".join(s.text for s in spans), language)
    out, index = [], 0
    for span in spans:
        out.append(replace(span, text=text[index:index + len(span.text)]))
        index += len(span.text)
    return tuple(out)


def _join_opening(block: _Block, italic: bool) -> tuple[Span, ...]:
    """The opening phrase (italic in profiles that want it, S9) followed by the body."""
    if not block.opening:
        return block.body
    opening = Span(block.opening, italic=italic, opening=True)
    if not block.body:
        return (opening,)
    sep = "" if block.body[0].text[:1] in ",;:." else " "
    return normalise_spans([opening, Span(sep), *block.body])
