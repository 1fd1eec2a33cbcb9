"""A negotiation workspace: the base text, every submission, the chair's decisions, the revisions.

Operations are transactions on the `Store`; each appends an event (who, when, what) to the record.
Submissions are matched to the revision they were made against by the identity our files carry, or by
best match (flagged); a file made against a text the workspace does not know is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting.conventions.identity import content_hash, normalise_text
from drafting.errors import DraftingInputError, DraftingStateError, safe_display
from drafting.library.registry import Registry
from drafting.library.suggest import fold
from drafting.model.document import Amendment, AmendmentKind, Document
from drafting.model.serial import amendment_from_dict, amendment_to_dict, document_from_json, document_json
from drafting.model.version import Version, VersionParagraph
from drafting.negotiation.chain import KeptCheck, KeptChecks, RecordChecks
from drafting.negotiation.clean import coalesce
from drafting.negotiation.numbers import assign_numbers, looks_like_number, normalise_number, number_index
from drafting.negotiation.silence import (
    ENDED_BY,
    Silence,
    agreed_by_silence,
    build,
    parse_deadline,
    stamp,
    utc_now,
)
from drafting.negotiation.store import (
    DECISIONS,
    STATUSES,
    EventRow,
    Store,
    close_kept,
    closing_later,
    keep_open,
    keeping,
    kept_taken,
    sha256,
)

if TYPE_CHECKING:
    from drafting.negotiation.compilation import Compilation, Remark
    from drafting.negotiation.revise import Carried, Revision

MIN_SIMILARITY = 0.6
CHAIR = "Chair"  # who the chair's proposals are attributed to (numbered Chair/1, Chair/2 …)
MAX_DELEGATION_NAME = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def revision_label(number: int) -> str:
    return "original" if number == 0 else f"Rev.{number}"


def clean_delegation(name: str) -> str:
    """A delegation name as stored: NFC, single spaces; control characters refused (never a path)."""
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise DraftingInputError("--delegation must not be empty")
    if _CONTROL.search(name):
        raise DraftingInputError(f"delegation name {safe_display(name)!r} contains control characters")
    if len(cleaned) > MAX_DELEGATION_NAME:
        raise DraftingInputError(f"delegation name is longer than {MAX_DELEGATION_NAME} characters")
    return cleaned


def base_paragraphs(document: Document) -> tuple[VersionParagraph, ...]:
    return tuple(VersionParagraph(p.id, normalise_text(p.text), story=p.story) for p in document.paragraphs)


@dataclass(frozen=True, slots=True)
class PreparedRevision:
    """The next revision as computed from revision `base`, before it is recorded."""

    base: int
    revision: Revision
    carried: dict[str, tuple[Document, list[str]]]


@dataclass(frozen=True, slots=True)
class SubmitResult:
    submission: int
    delegation: str
    revision: int
    matched_by: str
    similarity: float
    amendments: int
    repeated: bool
    current: bool
    untracked: int = 0  # amendments made in a Word file with Track Changes off
    unlisted: bool = False  # the delegation is not in the registry (admitted with --unlisted): no code
    other_authors: tuple[str, ...] = ()  # tracked-change authors that are not the delegation, recorded as its


@dataclass(frozen=True, slots=True)
class PreparedSubmission:
    """A return read against the record, not yet recorded (`Workspace.read_submission`): the revision it
    matches, the delegation it resolves to, its amendments as read (`read`) and as they would be recorded
    (`amendments`: merged, owned, numbered by id), its comments; and what the reading depended on (`latest`:
    the last revision there was; the file's digest; the question asked)."""

    file: str
    sha256: str
    asked: str
    unlisted: bool
    lossy_ok: bool
    name: str
    code: str | None
    latest: int
    revision: int
    matched_by: str
    similarity: float
    format: str
    read: tuple[Amendment, ...]
    amendments: tuple[Amendment, ...]
    untracked: int
    others: tuple[str, ...]
    comments: tuple[dict[str, Any], ...]
    word_comments: tuple[tuple[str, str, str], ...]  # (author, text, anchor) of each Word comment, as read
    paragraph_labels: tuple[tuple[str, str], ...]  # (id, label) of the matched revision's paragraphs


@dataclass(frozen=True, slots=True)
class Decided:
    """A decision as recorded: the amendment's number, the amendment, the decision and its note."""

    number: str
    amendment: Amendment
    decision: str
    note: str
    revision: int
    paragraph_label: str = ""
    without_track_changes: bool = False  # made in a Word file with Track Changes off

    def summary(self) -> str:
        """`KAZ/1 accept: Kazakhstan, paragraph 5 (secretariat_seat), replace "Almaty" -> "Astana"`."""
        a = self.amendment
        where = f"paragraph {self.paragraph_label} ({a.paragraph})" if self.paragraph_label else (a.paragraph or "?")
        if a.kind is AmendmentKind.PARAGRAPH_INSERT:
            where = f"after {where}"
        change = a.kind.value
        if a.old and a.kind in (AmendmentKind.REPLACE, AmendmentKind.DELETE):
            change += f" {_quote(a.old)}"
        if a.new and a.kind in (AmendmentKind.REPLACE, AmendmentKind.INSERT, AmendmentKind.PARAGRAPH_INSERT):
            change += f" {'-> ' if a.kind is AmendmentKind.REPLACE else ''}{_quote(a.new)}"
        untracked = ", made without Track Changes" if self.without_track_changes else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.number} {self.decision}: {a.delegation}, {where}, {change}{untracked}{note}"


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return '"' + (text if len(text) <= limit else text[:limit - 1] + "…") + '"'


@dataclass(frozen=True, slots=True)
class AmendmentFilter:
    """Which amendments of the current revision a batch decision takes: every given criterion must hold."""

    delegation: str | None = None
    kind: str | None = None
    paragraph: str | None = None
    status: str | None = None  # the decision so far: pending | accept | reject | withdraw

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.delegation, self.kind, self.paragraph, self.status))

    def describe(self) -> str:
        return " ".join(f"--{name} {value}" for name, value in (
            ("delegation", self.delegation), ("kind", self.kind), ("paragraph", self.paragraph),
            ("status", self.status)) if value is not None)


def paragraph_key(document: Document, key: str, where: str, source: str) -> str:
    """The id of the paragraph `key` names in `document`: its id, or its number as shown (`5`, `5.`, `(a)`)."""
    cleaned = key.strip()
    if document.paragraph(cleaned) is not None:
        return cleaned
    folded = _label_key(cleaned)
    if folded:
        matches = [p.id for p in document.paragraphs if p.label and _label_key(p.label) == folded]
        if len(matches) == 1:
            return matches[0]
    raise DraftingStateError(f"no paragraph {key!r} in {where}", source=source)


def _label_key(label: str) -> str:
    return "".join(ch for ch in label.casefold() if ch.isalnum())


class Workspace:
    """A directory holding one negotiation record."""

    def __init__(self, directory: Path, store: Store, registry: Registry | None) -> None:
        self.directory = directory
        self.store = store
        self.registry = registry

    # -- lifecycle --

    @classmethod
    def init(cls, directory: Path, document: Document, docx: bytes, *, actor: str,
             registry: Registry | None, translations: dict[str, Document] | None = None) -> Workspace:
        store = Store.create(directory)
        with store.transaction():
            store.add_revision(0, content_hash(document), document_json(document), docx, actor)
            for language, version in (translations or {}).items():
                store.add_translation(0, language, document_json(version), [], actor)
            store.add_event(actor, "revision-issued", revision_label(0), {
                "revision": 0, "document": document.meta.document_id, "content_hash": content_hash(document),
                "paragraphs": len(document.paragraphs)})
        return cls(directory, store, registry)

    @classmethod
    def open(cls, directory: Path, registry: Registry | None, *, check: bool = True,
             full_check: bool = False) -> Workspace:
        """The workspace in `directory`; refused when its record was tampered with, unless `check` is false.
        Checked, it reads one snapshot of the record, the one checked; the check is the full one unless
        within `keeping(check)`, and always with `full_check` (what issues or vouches for a text asks it)."""
        return cls(directory, Store.open(directory, check=check, full_check=full_check), registry)

    def verify_record(self) -> list[str]:
        """Every sign that the record was rewritten outside drafting, first one first (empty: intact)."""
        return self.store.verify()

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the record's last event: the record state an output issued now comes from."""
        seq, digest = self.store.head()
        return seq, digest

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- revisions --

    def document(self, number: int | None = None) -> tuple[int, Document]:
        rows = self.store.revisions()
        row = rows[-1] if number is None else next((r for r in rows if r.number == number), None)
        if row is None:
            raise DraftingInputError(f"no revision {number}", source=str(self.directory))
        return row.number, _document(row.document)

    def translations(self, number: int | None = None) -> dict[str, tuple[Document, list[str]]]:
        """Each other language version of revision `number` (default: current) and its pending paragraphs."""
        number = self.store.current_revision().number if number is None else number
        return {lang: (_document(doc), pending)
                for lang, (doc, pending) in self.store.translations(number).items()}

    def import_translation(self, language: str, path: Path, *, actor: str) -> tuple[int, list[str]]:
        """Take the paragraphs of `path` (by id) as the `language` version of the current revision."""
        from drafting.negotiation.translations import import_translation
        from drafting.readers.files import load_submission

        number = self.store.current_revision().number
        versions = self.translations(number)
        if language not in versions:
            raise DraftingStateError(f"the negotiation has no {language} version", source=str(self.directory))
        version, _ = load_submission(path)
        if version.identity is not None and version.identity.language not in (language, ""):
            raise DraftingInputError(f"this file is the {version.identity.language} version, not {language}",
                                     source=str(path))
        supplied = {p.id: p.text for p in version.paragraphs if p.id}
        if not supplied:
            raise DraftingInputError("no paragraph ids in this file: translate a copy made by drafting",
                                     source=str(path))
        document, pending = versions[language]
        _, primary = self.document(number)
        updated, still, unknown = import_translation(document, supplied, pending, primary)
        if unknown:
            raise DraftingInputError(f"paragraph {unknown[0]!r} is not in {revision_label(number)}", source=str(path))
        with self.store.transaction():
            self.store.add_translation(number, language, document_json(updated), still, actor)
            self.store.add_event(actor, "translation", language, {
                "revision": number, "file": path.name, "paragraphs": len(supplied), "pending": still})
        return number, still

    # -- submissions --

    def resolve_delegation(self, name: str, *, unlisted: bool = False) -> tuple[str, str | None]:
        """(the name the record gives the delegation `name` names, its registry code: None when unlisted).

        Looked up among this negotiation's delegations first (by name or code, as recorded: no registry is
        read for them), then in the registry by code or any name in any language (a State the record
        already knows under its code keeps its recorded name). A name found in neither is refused in one
        line with the closest names, unless `unlisted` admits it as a delegation outside the registry (an
        observer, an organisation): recorded without a code."""
        cleaned = clean_delegation(name)
        key = fold(cleaned)
        recorded = self.store.delegations()
        for known, code in recorded:
            if fold(known) == key or (code is not None and code == cleaned.upper()):
                return known, code
        party = self.registry.find(cleaned) if self.registry is not None else None
        if party is not None:
            kept = next((known for known, code in recorded if code == party.code), None)
            return kept or party.name("en").short, party.code
        if unlisted:
            return cleaned, None
        registry = self.registry if self.registry is not None else Registry({})
        raise registry.unknown_delegation(cleaned, also=[known for known, _ in recorded])

    def match_revision(self, version: Version) -> tuple[int, str, float]:
        """The revision `version` was made against: by identity, else by best match (flagged)."""
        rows = self.store.revisions()
        first = _document(rows[0].document)
        if version.identity is not None:
            ident = version.identity
            if ident.document_id != first.meta.document_id:
                raise DraftingInputError(
                    f"made against document {ident.document_id!r}, not {first.meta.document_id!r}",
                    source=version.source)
            for row in rows:
                if row.content_hash == ident.content_hash:
                    return row.number, "identity", 1.0
            raise DraftingInputError(
                f"made against a text this workspace does not know ({revision_label(ident.revision)} of "
                f"{ident.document_id} with content hash {ident.content_hash[:12]}…)", source=version.source)
        best = (-1, 0.0)
        words = " ".join(p.text for p in version.original).split()
        for row in rows:
            document = _document(row.document)
            theirs = " ".join(normalise_text(p.text) for p in document.paragraphs).split()
            ratio = SequenceMatcher(None, theirs, words, autojunk=False).ratio()
            if ratio > best[1] or (ratio == best[1] and row.number > best[0]):
                best = (row.number, ratio)
        if best[0] < 0 or best[1] < MIN_SIMILARITY:
            raise DraftingInputError(
                f"made against a text this workspace does not know (best match {best[1]:.0%} with "
                f"{revision_label(max(best[0], 0))})", source=version.source)
        return best[0], "best-match", round(best[1], 4)

    def read_submission(self, path: Path, delegation: str, *, lossy_ok: bool = False,
                        unlisted: bool = False) -> PreparedSubmission:
        """What `submit` reads before it records anything: the file at `path` from `delegation` read, matched
        to the revision it was made against and turned into that delegation's amendments. Nothing is written;
        `submit` records it as it stands while the record still gives the same answers (see `submit`)."""
        from drafting.readers.amendments import amendment_id, submission_amendments
        from drafting.readers.files import load_submission

        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DraftingInputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
        name, code = self.resolve_delegation(delegation, unlisted=unlisted)
        latest = self.current_number()
        version, docx = load_submission(path, lossy_ok=lossy_ok)  # a change no amendment carries: refused
        number, matched_by, similarity = self.match_revision(version)
        _, document = self.document(number)
        base = base_paragraphs(document)
        read = submission_amendments(version, docx, base, delegation=name, registry=self.registry)
        found = coalesce(read, {p.id: p.text for p in base if p.id})
        amendments = []
        for a in found:
            owned = replace(a, delegation=name, code=code)
            owned = replace(owned, id=amendment_id(f"{name}@{number}", a.paragraph, a.kind, a.position, a.old, a.new,
                                                   a.tracked))
            amendments.append(owned)
        amendments = list({a.id: a for a in amendments}.values())
        untracked = sum(1 for a in amendments if not a.tracked) if version.format == "docx" else 0
        return PreparedSubmission(
            file=path.name, sha256=sha256(data), asked=delegation, unlisted=unlisted, lossy_ok=lossy_ok, name=name,
            code=code, latest=latest, revision=number, matched_by=matched_by, similarity=similarity,
            format=version.format, read=tuple(read), amendments=tuple(amendments), untracked=untracked,
            others=_other_authors(found, name, code), comments=tuple(_comments(docx, name, self.registry)),
            word_comments=tuple((c.author, c.text, c.anchor_text) for c in (docx.comments if docx else ())),
            paragraph_labels=tuple((p.id, p.label) for p in document.paragraphs))

    def _still_read_so(self, prepared: PreparedSubmission, name: str, data: bytes, delegation: str,
                       lossy_ok: bool, unlisted: bool) -> bool:
        """Whether reading the file `name` (`data`) now would give `prepared`: the same file and question, no
        revision issued since (the match saw every revision there is), the delegation resolved to the same
        name and code."""
        if (prepared.asked, prepared.unlisted, prepared.lossy_ok, prepared.file, prepared.sha256) != (
                delegation, unlisted, lossy_ok, name, sha256(data)):
            return False
        if self.current_number() != prepared.latest:
            return False
        try:
            return self.resolve_delegation(delegation, unlisted=unlisted) == (prepared.name, prepared.code)
        except DraftingInputError:
            return False

    def submit(self, path: Path, delegation: str, *, actor: str, lossy_ok: bool = False,
               unlisted: bool = False, prepared: PreparedSubmission | None = None) -> SubmitResult:
        """Record the file at `path` from `delegation` and its amendments; the same file twice is one submission.
        The delegation must resolve (`resolve_delegation`; `unlisted` admits one outside the registry).

        `prepared` is the file's reading done beforehand (`read_submission`, e.g. while another writer held
        the record): it is recorded if, once this transaction holds the write lock, reading the file again
        would give the same answer (see `_still_read_so`); otherwise the file is read again there. Either
        way what is recorded is the reading of the record as it is when the submission is recorded."""
        if prepared is None:
            prepared = self.read_submission(path, delegation, lossy_ok=lossy_ok, unlisted=unlisted)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise DraftingInputError(f"cannot read file: {exc.strerror}", source=str(path)) from exc
        with self.store.transaction():
            if not self._still_read_so(prepared, path.name, data, delegation, lossy_ok, unlisted):
                prepared = self.read_submission(path, delegation, lossy_ok=lossy_ok, unlisted=unlisted)
                data = path.read_bytes()
            name, code, number = prepared.name, prepared.code, prepared.revision
            matched_by, similarity, amendments = prepared.matched_by, prepared.similarity, prepared.amendments
            untracked, others, comments = prepared.untracked, prepared.others, prepared.comments
            digest = prepared.sha256
            current = number == self.store.current_revision().number
            delegation_id = self.store.delegation_id(name, code)
            existing = self.store.find_submission(number, delegation_id, digest)
            if existing is not None:
                self.store.add_event(actor, "submission-repeated", name, {
                    "submission": existing, "sha256": digest, "file": path.name})
                return SubmitResult(existing, name, number, matched_by, similarity, len(amendments), True, current,
                                    untracked, code is None, others)
            self.store.put_blob(data)
            submission = self.store.add_submission(
                revision=number, delegation=delegation_id, sha=digest, filename=path.name, fmt=prepared.format,
                matched_by=matched_by, similarity=similarity, actor=actor)
            for amendment in amendments:
                self.store.add_amendment(submission, number, delegation_id, amendment.id, amendment.paragraph,
                                         _json(amendment))
            for comment in comments:
                self.store.add_comment(submission, number, json.dumps(comment, ensure_ascii=False, sort_keys=True))
            self.store.add_event(actor, "submission", name, {
                "submission": submission, "revision": number, "sha256": digest, "file": path.name,
                "format": prepared.format, "matched_by": matched_by, "similarity": similarity,
                "amendments": len(amendments), "untracked": sum(1 for a in amendments if not a.tracked),
                **({"unlisted": True} if code is None else {}), **({"other_authors": list(others)} if others else {})})
        return SubmitResult(submission, name, number, matched_by, similarity, len(amendments), False, current,
                            untracked, code is None, others)

    # -- amendments and decisions --

    def amendments(self, revision: int | None = None, *, active_only: bool = True) -> list[Amendment]:
        """Amendments on `revision` (default: current); `active_only` keeps each delegation's latest
        submission and drops rejected and withdrawn ones."""
        number = self.store.current_revision().number if revision is None else revision
        rows = self.store.amendment_rows(number)
        latest: dict[str, int] = {}
        for row in self.store.submissions(number):  # every submission, also those without amendments
            latest[row.delegation] = max(latest.get(row.delegation, 0), row.id)
        decisions = self.store.decisions(number)
        out = []
        for submission, delegation, data in rows:
            if active_only and submission != latest[delegation]:
                continue
            amendment = _amendment(data)
            if active_only and decisions.get(amendment.id, ("", ""))[0] in ("reject", "withdraw"):
                continue
            out.append(amendment)
        for carried in self.carried(number):
            if not (active_only and decisions.get(carried.amendment.id, ("", ""))[0] in ("reject", "withdraw")):
                out.append(carried.amendment)
        for proposal, _ in self.proposals(number):
            if not (active_only and decisions.get(proposal.id, ("", ""))[0] in ("reject", "withdraw")):
                out.append(proposal)
        return out

    def carried(self, number: int | None = None) -> list[Carried]:
        """The bracketed alternatives revision `number` (default: current) carries from the one before: each
        decidable there under its amendment's number."""
        from drafting.negotiation.revise import Carried

        number = self.current_number() if number is None else number
        out = []
        for data in self.store.carried_rows(number):
            record = _load(data)
            out.append(Carried(amendment_from_dict(record["amendment"]), record.get("fallback")))
        return out

    def untracked_in_word(self, number: int | None = None) -> set[str]:
        """Ids of the amendments on revision `number` made in a Word file with Track Changes off (an edited
        Markdown or text file has no Track Changes to forget: its amendments are not counted)."""
        number = self.current_number() if number is None else number
        word = {row.id for row in self.store.submissions(number) if row.format == "docx"}
        return {amendment.id for submission, _, data in self.store.amendment_rows(number)
                if submission in word and not (amendment := _amendment(data)).tracked}

    def comments(self, number: int | None = None) -> list[dict[str, Any]]:
        """The comments of each delegation's latest submission on revision `number` (default: current): author
        (mapped to a delegation), paragraph id, the text they anchor to, and the comment."""
        number = self.current_number() if number is None else number
        latest: dict[str, int] = {}
        names: dict[int, str] = {}
        for row in self.store.submissions(number):
            latest[row.delegation] = max(latest.get(row.delegation, 0), row.id)
            names[row.id] = row.delegation
        current = set(latest.values())
        return [dict(_load(data), submitted_by=names[submission])
                for submission, data in self.store.comment_rows(number) if submission in current]

    def numbers(self) -> dict[str, str]:
        """Amendment id -> its number (`KAZ/1`, `Chair/1`) for every amendment of the record (see `numbers`)."""
        rows = [(name, code, amendment) for _, _, name, code, amendment in self.store.amendment_index()]
        rows += [(CHAIR, None, amendment) for _, amendment, _ in self.store.proposal_rows()]
        return assign_numbers(rows)

    def proposals(self, number: int | None = None) -> list[tuple[Amendment, tuple[str, ...]]]:
        """The chair's proposals on revision `number` (default: current), each with the amendment ids it
        would replace (a compromise merges them)."""
        number = self.current_number() if number is None else number
        out = []
        for revision, _, data in self.store.proposal_rows():
            if revision == number:
                record = _load(data)
                out.append((amendment_from_dict(record["amendment"]), tuple(record.get("replaces", ()))))
        return out

    def propose(self, paragraph: str, text: str, *, replaces: Sequence[str] = (), after: bool = False,
                actor: str) -> Decided:
        """Record a proposal of the chair on the current revision: `text` for `paragraph` (its id or number),
        or, with `after`, a new paragraph after it; `replaces` names the amendments it would merge."""
        number, document = self.document()
        where = revision_label(number)
        pid = paragraph_key(document, paragraph, where, str(self.directory))
        new = " ".join(text.split())
        if not new:
            raise DraftingInputError("--text must not be empty")
        replaced = self.resolve_amendments(list(dict.fromkeys(replaces)))
        current = document.paragraph(pid)
        assert current is not None
        if after:
            kind, old = AmendmentKind.PARAGRAPH_INSERT, ""
        else:
            kind, old = AmendmentKind.REPLACE, current.text
            if new == old:
                raise DraftingInputError(f"the proposed text is the text of paragraph {pid} already")
        from drafting.readers.amendments import amendment_id

        ident = amendment_id(f"{CHAIR}@{number}", pid, kind, 0, old, new, True)
        proposal = Amendment(ident, CHAIR, pid, kind, old, new, 0, None, True, author=actor,
                             context="the chair's proposal" + (", after" if after else ""))
        numbers = self.numbers()
        if ident in numbers:
            raise DraftingStateError(f"the chair proposed this already ({numbers[ident]})", source=str(self.directory))
        with self.store.transaction():
            self.store.add_proposal(number, ident, json.dumps(
                {"amendment": amendment_to_dict(proposal), "replaces": [a.id for a in replaced]},
                ensure_ascii=False, sort_keys=True), actor)
            shown = self.numbers()[ident]
            self.store.add_event(actor, "proposal", shown, {
                "revision": number, "amendment": ident, "number": shown, "paragraph": pid, "kind": kind.value,
                "new": new, "replaces": [numbers.get(a.id, a.id) for a in replaced]})
        labels = {p.id: p.label for p in document.paragraphs}
        return Decided(shown, proposal, "proposed", "", number, labels.get(pid, ""))

    def supporters(self, number: int | None = None) -> dict[str, tuple[str, ...]]:
        """Amendment id -> the delegations supporting it (co-sponsors), on revision `number` (default: current)."""
        number = self.current_number() if number is None else number
        out: dict[str, list[str]] = {}
        for revision, amendment, delegation in self.store.supports():
            if revision == number and delegation not in out.setdefault(amendment, []):
                out[amendment].append(delegation)
        return {k: tuple(v) for k, v in out.items()}

    def support(self, keys: Sequence[str], delegation: str, *, actor: str, unlisted: bool = False) -> list[Decided]:
        """Record `delegation` as a supporter of each amendment `keys` names on the current revision (the
        delegation resolved as for a submission)."""
        name, code = self.resolve_delegation(delegation, unlisted=unlisted)
        number, document = self.document()
        chosen = self.resolve_amendments(list(dict.fromkeys(keys)))
        already = self.supporters(number)
        numbers = self.numbers()
        for a in chosen:
            shown = numbers.get(a.id, a.id)
            if a.delegation == name:
                raise DraftingStateError(f"{name} proposed {shown} itself", source=str(self.directory))
            if name in already.get(a.id, ()):
                raise DraftingStateError(f"{name} already supports {shown}", source=str(self.directory))
        labels = {p.id: p.label for p in document.paragraphs}
        with self.store.transaction():
            for a in chosen:
                shown = numbers.get(a.id, a.id)
                self.store.add_support(number, a.id, name, actor)
                self.store.add_event(actor, "support", shown, {"revision": number, "amendment": a.id,
                                                               "number": shown, "delegation": name,
                                                               **({"unlisted": True} if code is None else {})})
        return [Decided(numbers.get(a.id, a.id), a, "supported", name, number, labels.get(a.paragraph or "", ""))
                for a in chosen]

    def live_amendments(self, number: int | None = None, *,
                        delegation: str | None = None) -> tuple[list[Amendment], dict[str, str]]:
        """The amendments of each delegation's latest submission on revision `number` (default: current),
        whatever their decision; and the superseded ones (id -> delegation). With `delegation`, of that
        delegation's submissions only (the carried brackets and the chair's proposals all the same)."""
        number = self.current_number() if number is None else number
        latest: dict[str, int] = {}
        for row in self.store.submissions(number):
            latest[row.delegation] = max(latest.get(row.delegation, 0), row.id)
        live: dict[str, Amendment] = {}
        superseded: dict[str, str] = {}
        rows = (self.store.amendment_rows(number) if delegation is None
                else self.store.amendment_rows_of(number, delegation))
        for submission, delegation, data in rows:
            if submission == latest[delegation]:
                amendment = _amendment(data)
                live[amendment.id] = amendment
            else:
                superseded[_amendment(data).id] = delegation
        for carried in self.carried(number):
            live.setdefault(carried.amendment.id, carried.amendment)
        for proposal, _ in self.proposals(number):
            live.setdefault(proposal.id, proposal)
        return list(live.values()), {k: v for k, v in superseded.items() if k not in live}

    def resolve_amendments(self, keys: Sequence[str]) -> list[Amendment]:
        """The amendments named by `keys` on the current revision: numbers (`KAZ/1`), ids or unique id
        prefixes. Any key that names nothing current is refused (the first one, by name)."""
        resolve = self.amendment_resolver()
        return [resolve(key) for key in keys]

    def amendment_resolver(self) -> Callable[[str], Amendment]:
        """A function from a number, id or unique id prefix to the current revision's amendment (the
        record is read once, so resolving many keys stays linear)."""
        number = self.current_number()
        live, superseded = self.live_amendments(number)
        numbers = self.numbers()
        by_number = number_index(numbers)
        by_id = {a.id: a for a in live}
        here = revision_label(number)

        def resolve(key: str) -> Amendment:
            cleaned = key.strip()
            found = by_number.get(normalise_number(cleaned)) if cleaned else None
            if found is None and cleaned and not looks_like_number(cleaned):
                matches = sorted({i for i in (*by_id, *superseded) if i.startswith(cleaned)})
                if len(matches) > 1:
                    raise DraftingStateError(f"amendment id {key!r} is ambiguous ({', '.join(matches[:5])})",
                                             source=str(self.directory))
                found = matches[0] if matches else None
            if found is None:
                raise DraftingStateError(f"no amendment {key!r} on {here}", source=str(self.directory))
            shown = numbers.get(found, found)
            if found in superseded:
                raise DraftingStateError(f"amendment {shown} was superseded by a later submission from "
                                         f"{superseded[found]} on {here}", source=str(self.directory))
            if found not in by_id:
                raise DraftingStateError(f"amendment {shown} is not on {here} (it was made on an earlier revision)",
                                         source=str(self.directory))
            return by_id[found]

        return resolve

    def resolve_amendment(self, key: str) -> tuple[int, Amendment]:
        """The amendment whose number or id (or a unique id prefix) is `key`, on the current revision."""
        return self.current_number(), self.resolve_amendments([key])[0]

    def select_amendments(self, wanted: AmendmentFilter) -> list[Amendment]:
        """The current revision's live amendments that `wanted` selects (every given criterion must hold);
        a filter that selects nothing is refused, naming the filter."""
        number, document = self.document()
        live, _ = self.live_amendments(number)
        decisions = self.store.decisions(number)
        out = live
        if wanted.delegation is not None:
            name, _ = self.resolve_delegation(wanted.delegation)
            out = [a for a in out if a.delegation == name]
        if wanted.kind is not None:
            kind = wanted.kind.strip().lower()
            if kind not in {k.value for k in AmendmentKind}:
                raise DraftingInputError(f"--kind must be one of {', '.join(k.value for k in AmendmentKind)}")
            out = [a for a in out if a.kind.value == kind]
        if wanted.paragraph is not None:
            pid = paragraph_key(document, wanted.paragraph, revision_label(number), str(self.directory))
            out = [a for a in out if a.paragraph == pid]
        if wanted.status is not None:
            state = wanted.status.strip().lower()
            if state not in ("pending", *DECISIONS):
                raise DraftingInputError(f"--status must be one of pending, {', '.join(DECISIONS)}")
            out = [a for a in out if (decisions.get(a.id, ("", ""))[0] or "pending") == state]
        if not out:
            raise DraftingStateError(f"no amendment on {revision_label(number)} matches {wanted.describe()}",
                                     source=str(self.directory))
        return out

    def decide_many(self, items: Sequence[tuple[Amendment, str, str]], *, actor: str) -> list[Decided]:
        """Record each (amendment, decision, note) of the current revision: one transaction, all or nothing,
        one decision row and one event each."""
        for _, decision, _ in items:
            if decision not in DECISIONS:
                raise DraftingInputError(f"decision must be one of {', '.join(DECISIONS)}")
        number, document = self.document()
        numbers = self.numbers()
        labels = {p.id: p.label for p in document.paragraphs}
        untracked = self.untracked_in_word(number)
        out = [Decided(numbers.get(a.id, a.id), a, decision, note, number, labels.get(a.paragraph or "", ""),
                       a.id in untracked) for a, decision, note in items]
        with self.store.transaction():
            if self.current_number() != number:
                raise DraftingStateError("another revision was issued meanwhile; decide again",
                                         source=str(self.directory))
            for done in out:
                a = done.amendment
                self.store.add_decision(number, a.id, done.decision, done.note, actor)
                self.store.add_event(actor, "decision", done.number, {
                    "revision": number, "amendment": a.id, "number": done.number, "decision": done.decision,
                    "note": done.note, "delegation": a.delegation, "paragraph": a.paragraph, "kind": a.kind.value})
        return out

    def decide(self, key: str, decision: str, note: str, *, actor: str) -> Decided:
        if decision not in DECISIONS:
            raise DraftingInputError(f"decision must be one of {', '.join(DECISIONS)}")
        return self.decide_many([(self.resolve_amendments([key])[0], decision, note)], actor=actor)[0]

    def resolve_paragraphs(self, keys: Sequence[str]) -> list[str]:
        """Paragraph ids of the current revision named by `keys` (ids or numbers as shown, e.g. `5`)."""
        number, document = self.document()
        return [paragraph_key(document, key, revision_label(number), str(self.directory)) for key in keys]

    def select_paragraphs(self, *, delegation: str | None = None, status: str | None = None) -> list[str]:
        """Paragraphs of the current revision with a live amendment by `delegation` and/or at `status`."""
        number, document = self.document()
        ids = list(document.ids)
        described = []
        if delegation is not None:
            name, _ = self.resolve_delegation(delegation)
            live, _ = self.live_amendments(number)
            amended = {a.paragraph for a in live if a.delegation == name}
            ids = [pid for pid in ids if pid in amended]
            described.append(f"--delegation {delegation}")
        if status is not None:
            if status not in STATUSES:
                raise DraftingInputError(f"--status must be one of {', '.join(STATUSES)}")
            current = self.store.statuses(number)
            ids = [pid for pid in ids if current.get(pid, "pending") == status]
            described.append(f"--status {status}")
        if not ids:
            raise DraftingStateError(f"no paragraph of {revision_label(number)} matches {' '.join(described)}",
                                     source=str(self.directory))
        return ids

    def mark_many(self, items: Sequence[tuple[str, str]], *, actor: str) -> list[tuple[str, str]]:
        """Record each (paragraph id, status) on the current revision: one transaction, one event each."""
        number, document = self.document()
        for pid, status in items:
            if status not in STATUSES:
                raise DraftingInputError(f"status must be one of {', '.join(STATUSES)}")
            if document.paragraph(pid) is None:
                raise DraftingStateError(f"no paragraph {pid!r} in {revision_label(number)}",
                                         source=str(self.directory))
        with self.store.transaction():
            if self.current_number() != number:
                raise DraftingStateError("another revision was issued meanwhile; mark again",
                                         source=str(self.directory))
            for pid, status in items:
                self.store.add_status(number, pid, status, actor)
                self.store.add_event(actor, "status", pid, {"revision": number, "status": status})
        return list(items)

    def mark(self, paragraph: str, status: str, *, actor: str) -> list[str]:
        """Record `status` for `paragraph` (an id or number, several separated by commas, or ALL)."""
        if status not in STATUSES:
            raise DraftingInputError(f"status must be one of {', '.join(STATUSES)}")
        _, document = self.document()
        wanted = (list(document.ids) if paragraph.strip() == "ALL"
                  else self.resolve_paragraphs([p.strip() for p in paragraph.split(",")]))
        self.mark_many([(pid, status) for pid in wanted], actor=actor)
        return wanted

    def statuses(self, number: int | None = None, *, now: dt.datetime | None = None) -> dict[str, str]:
        """The latest status of each marked paragraph of revision `number` (default: current); a paragraph
        kept under silence to its deadline (at `now`, default the clock) reads agreed."""
        number = self.current_number() if number is None else number
        statuses = self.store.statuses(number)
        for pid in agreed_by_silence(self.silences(number), now or utc_now()):
            statuses[pid] = "agreed"
        return statuses

    # -- silence procedure --

    def silences(self, number: int | None = None) -> list[Silence]:
        """The silence procedures on revision `number` (default: current; `-1`: every revision)."""
        number = self.current_number() if number is None else number
        found = build(self.store.silences(), self.store.silence_breaks())
        return found if number == -1 else [s for s in found if s.revision == number]

    def silence(self, until: str, paragraphs: Sequence[str] = (), *, actor: str,
                now: dt.datetime | None = None) -> Silence:
        """Put the current text (or `paragraphs`, ids or numbers) under silence until `until` (ISO 8601 with a
        time zone, in the future)."""
        deadline = parse_deadline(until)
        moment = now or utc_now()
        if deadline <= moment:
            raise DraftingInputError(f"--until {until!r} is not in the future (now is {stamp(moment)[:19]}Z)")
        number, document = self.document()
        ids = (self.resolve_paragraphs([p for key in paragraphs for p in key.split(",") if p.strip()])
               if paragraphs else list(document.ids))
        ids = list(dict.fromkeys(ids))
        with self.store.transaction():
            seq = self.store.add_silence(number, stamp(deadline), ids, actor)
            self.store.add_event(actor, "silence", revision_label(number), {
                "revision": number, "silence": seq, "until": stamp(deadline), "paragraphs": ids})
        return next(s for s in self.silences(number) if s.id == seq)

    def break_silence(self, delegation: str, paragraph: str, note: str = "", *, actor: str,
                      now: dt.datetime | None = None, unlisted: bool = False) -> Silence:
        """Record `delegation`'s objection to `paragraph` under silence; refused after the deadline (the
        delegation resolved as for a submission)."""
        name, code = self.resolve_delegation(delegation, unlisted=unlisted)
        number = self.current_number()
        [pid] = self.resolve_paragraphs([paragraph])
        moment = now or utc_now()
        covering = [s for s in self.silences(number) if pid in s.paragraphs]
        running = [s for s in covering if not s.ended(moment)]
        if not running:
            if covering:
                last = max(covering, key=lambda s: s.until)
                raise DraftingStateError(f"the silence on {pid} ended at {stamp(last.until)[:19]}Z; it can no "
                                         "longer be broken", source=str(self.directory))
            raise DraftingStateError(f"paragraph {pid} is not under silence", source=str(self.directory))
        silence = running[-1]
        if any(b.paragraph == pid and b.delegation == name for b in silence.breaks):
            raise DraftingStateError(f"{name} broke the silence on {pid} already", source=str(self.directory))
        with self.store.transaction():
            self.store.add_silence_break(silence.id, name, pid, note, actor)
            self.store.add_event(actor, "silence-broken", pid, {
                "revision": number, "silence": silence.id, "delegation": name, "note": note,
                **({"unlisted": True} if code is None else {})})
        return next(s for s in self.silences(number) if s.id == silence.id)

    def known_delegation(self, name: str) -> str:
        """`name` as the record knows it: a delegation of this negotiation, or one in the registry."""
        return self.resolve_delegation(name)[0]

    def silence_events(self, now: dt.datetime | None = None) -> list[EventRow]:
        """The end of each silence whose deadline has passed, as an event at the deadline (computed from the
        record, never written by a clock job)."""
        moment = now or utc_now()
        return [EventRow(0, stamp(s.until), ENDED_BY, "silence-ended", revision_label(s.revision), {
            "revision": s.revision, "silence": s.id, "agreed": list(s.kept(moment)),
            "broken": sorted(s.broken), "computed": True}) for s in self.silences(-1) if s.ended(moment)]

    def decisions(self, number: int | None = None) -> dict[str, tuple[str, str]]:
        """The latest (decision, note) per amendment id on revision `number` (default: current)."""
        return self.store.decisions(self.current_number() if number is None else number)

    def current_number(self) -> int:
        return self.store.current_revision().number

    def revision_docx(self, number: int | None = None) -> bytes:
        """The .docx of revision `number` (default: current), as issued."""
        rows = self.store.revisions()
        row = rows[-1] if number is None else next((r for r in rows if r.number == number), None)
        if row is None:
            raise DraftingInputError(f"no revision {number}", source=str(self.directory))
        return self.store.blob(row.docx_sha256)

    def revision_date(self) -> str:
        """When the current revision was issued (UTC, to the second): the date its compilation carries."""
        return self.store.current_revision().created_at[:19] + "Z"

    def events(self) -> list[EventRow]:
        return self.store.events()

    def events_of(self, kind: str, subject: str | None = None, *, last: bool = False) -> list[EventRow]:
        """The recorded events of one `kind` (and `subject`), oldest first; `last`: the latest one only."""
        return self.store.events_of(kind, subject, last=last)

    def record(self, actor: str, kind: str, subject: str, detail: dict[str, Any]) -> None:
        """Append one event to the record, in its own transaction."""
        with self.store.transaction():
            self.store.add_event(actor, kind, subject, detail)

    def record_events(self, actor: str, events: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Append (kind, subject, detail) events in one transaction: all of them or none."""
        with self.store.transaction():
            for kind, subject, detail in events:
                self.store.add_event(actor, kind, subject, detail)

    def chain(self) -> list[dict[str, Any]]:
        """Every revision with its hash, issuer and decisions: the chain a final text descends from."""
        chain = []
        for row in self.store.revisions():
            decisions = [{"amendment": amendment, "decision": decision, "note": note}
                         for amendment, (decision, note) in sorted(self.store.decisions(row.number).items())]
            chain.append({"revision": row.number, "label": revision_label(row.number),
                          "content_hash": row.content_hash, "issued_at": row.created_at, "issued_by": row.actor,
                          "submissions": len(self.store.submissions(row.number)), "decisions": decisions})
        return chain

    # -- revisions issued --

    def prepare_revision(self) -> PreparedRevision:
        """The next revision computed from the record (nothing is written): accepted amendments applied,
        undecided ones bracketed, language versions carried forward."""
        from drafting.negotiation.revise import revise_document
        from drafting.negotiation.translations import carry_forward

        number, document = self.document()
        decisions = {k: v[0] for k, v in self.store.decisions(number).items()}
        carried = self.carried(number)
        brackets = {c.amendment.id for c in carried}
        merged = {replaced: proposal.id for proposal, replaces in self.proposals(number)
                  if decisions.get(proposal.id) == "accept" for replaced in replaces}
        revision = revise_document(document, [a for a in self.amendments(number)
                                              if a.id not in brackets and a.id not in merged],
                                   decisions, self.statuses(number), [c for c in carried
                                                                            if c.amendment.id not in merged])
        if merged:
            numbers = self.numbers()
            revision = replace(revision, notes=(*revision.notes, *(
                f"{numbers.get(a, a)} is merged into the accepted {numbers.get(p, p)}" for a, p in merged.items())))
        versions = {lang: carry_forward(document, revision.document, version, pending)
                    for lang, (version, pending) in self.translations(number).items()}
        return PreparedRevision(number, revision, versions)

    def issue_revision(self, prepared: PreparedRevision, docx: bytes, *, actor: str) -> int:
        """Record `prepared` as the next revision, with its .docx; refused if another was issued meanwhile."""
        number, revision = prepared.base, prepared.revision
        new_number = number + 1
        digest = content_hash(revision.document)
        with self.store.transaction():
            if self.store.current_revision().number != number:
                raise DraftingInputError("another revision was issued meanwhile; run revise again",
                                         source=str(self.directory))
            self.store.add_revision(new_number, digest, document_json(revision.document), docx, actor)
            for paragraph, status in revision.statuses.items():
                self.store.add_status(new_number, paragraph, status, actor)
            for lang, (version, pending) in prepared.carried.items():
                self.store.add_translation(new_number, lang, document_json(version), pending, actor)
            for bracket in revision.carried:
                self.store.add_carried(new_number, bracket.amendment.id, json.dumps(
                    {"amendment": amendment_to_dict(bracket.amendment), "fallback": bracket.fallback},
                    ensure_ascii=False, sort_keys=True), actor)
            self.store.add_event(actor, "revision-issued", revision_label(new_number), {
                "revision": new_number, "from": number, "content_hash": digest,
                "applied": list(revision.applied), "bracketed": list(revision.bracketed),
                "notes": list(revision.notes)})
        return new_number

    # -- compilation --

    def compilation(self) -> Compilation:
        from drafting.negotiation.compilation import compile_text  # only status, compile, revise… need it

        number, document = self.document()
        decisions = {k: v[0] for k, v in self.store.decisions(number).items()}
        pending = {lang: list(ids) for lang, (_, ids) in self.translations(number).items()}
        return compile_text(document, number, self.amendments(number), decisions, self.statuses(number),
                            pending, self.numbers(), self.untracked_in_word(number), self.supporters(number),
                            {c.amendment.id for c in self.carried(number)}, self.remarks(number))

    def remarks(self, number: int | None = None) -> dict[str, list[Remark]]:
        """The delegations' comments on revision `number` by paragraph id (for the compilation)."""
        from drafting.negotiation.compilation import Remark

        out: dict[str, list[Remark]] = {}
        for comment in self.comments(number):
            if comment.get("paragraph"):
                out.setdefault(str(comment["paragraph"]), []).append(Remark(
                    str(comment["delegation"]), str(comment["text"]), str(comment.get("anchor") or ""),
                    comment.get("date")))
        return out


def _other_authors(amendments: Sequence[Amendment], name: str, code: str | None) -> tuple[str, ...]:
    """The authors of tracked changes in a delegation's file who are not that delegation (a person's name, the
    registry's name of another delegation): their changes are recorded as the submitting delegation's, and
    the submission says whose they were."""
    key = fold(name)
    return tuple(sorted({a.author or "(no author)" for a in amendments
                         if a.tracked and not ((code is not None and a.code == code) or fold(a.delegation) == key)}))


def _comments(docx: Any, delegation: str, registry: Registry | None) -> list[dict[str, Any]]:
    """The Word comments (and replies) of a returned .docx, anchored to a paragraph id and text."""
    from drafting.readers.amendments import delegation_of
    from drafting.readers.docx import paragraph_id

    if docx is None:
        return []
    out = []
    for comment in docx.comments:
        paragraph = (paragraph_id(docx.paragraphs[comment.paragraph])
                     if 0 <= comment.paragraph < len(docx.paragraphs) else None)
        author, _ = delegation_of(comment.author, registry) if comment.author.strip() else (delegation, None)
        out.append({"id": comment.id, "author": comment.author, "delegation": author, "date": comment.date,
                    "text": comment.text, "anchor": comment.anchor_text, "paragraph": paragraph})
    return out


def _json(amendment: Amendment) -> str:
    import json

    return json.dumps(amendment_to_dict(amendment), ensure_ascii=False, sort_keys=True)


@functools.lru_cache(maxsize=64)
def _document(data: str) -> Document:
    """A stored revision's (or language version's) JSON parsed once per process: the rows are never rewritten,
    and a process that opens the record for every page (the portal) reads the current text at each opening;
    Document is immutable."""
    return document_from_json(data)


@functools.lru_cache(maxsize=20_000)
def _amendment(data: str) -> Amendment:
    """A stored amendment's JSON parsed once per process: a command reads the same rows several times (status
    builds the compilation, then lists every amendment), and Amendment is immutable."""
    return amendment_from_dict(_load(data))


def _load(data: str) -> dict[str, Any]:
    import json

    return dict(json.loads(data))


__all__ = ["AmendmentFilter", "AmendmentKind", "Decided", "EventRow", "KeptCheck", "KeptChecks", "PreparedRevision",
           "PreparedSubmission", "RecordChecks", "SubmitResult", "Workspace", "clean_delegation", "close_kept",
           "closing_later", "keep_open", "keeping", "kept_taken", "revision_label"]
