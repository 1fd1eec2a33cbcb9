"""What a delegation sees and does through a front end: the current text, a return read and previewed before
it is submitted, its own submissions and files; and the clerk's publication of the compilation text.

Every operation here reads the record or calls the same operation the CLI calls (`submit`, `compile_outputs`):
a preview is the reading `submit` does, without the recording. Uploaded files are staged in `people.sqlite`
under a random token bound to the person who uploaded them, never under a name they chose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting.errors import DraftingInputError, DraftingStateError

if TYPE_CHECKING:
    from drafting.model.document import Amendment, Document
    from drafting.negotiation.people import Person
    from drafting.negotiation.workspace import Decided, PreparedSubmission, SubmitResult, Workspace

MAX_UPLOAD = 10 * 1024 * 1024  # bytes; a return is a few hundred KB, a large one with images a few MB
UPLOAD_SUFFIXES = ("docx", "md", "txt")
STAGED_HOURS = 24
PUBLISHED_DIR = "published"
PUBLISHED_FILES = {"html": "compilation.html", "docx": "compilation.docx", "md": "compilation.md"}
_NAME = re.compile(r"^[^\x00-\x1f\x7f/\\:*?\"<>|]{1,120}$")


@dataclass(frozen=True, slots=True)
class SilenceView:
    """Where a paragraph stands in a silence procedure: until when, `running`, `kept` or `broken`, by whom."""

    until: str
    state: str
    broken_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CurrentText:
    number: int
    label: str
    document: Document
    statuses: dict[str, str]
    silences: dict[str, SilenceView] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommentView:
    author: str
    text: str
    anchor: str


@dataclass(frozen=True, slots=True)
class Preview:
    """What `submit` would record from a staged return: the revision it matches and its amendments."""

    token: str
    filename: str
    delegation: str
    revision: int
    label: str
    matched_by: str
    similarity: float
    amendments: list[Amendment]
    paragraph_labels: dict[str, str]
    comments: list[CommentView] = field(default_factory=list)
    submitted: bool = False
    # What `submit` read from the file (the same reading): recorded as it stands by `submit_return` while the
    # record still gives the same answers, so a return is read once, not for the preview and again to submit.
    prepared: PreparedSubmission | None = field(default=None, compare=False, repr=False)
    sha256: str = ""  # of the staged file this preview was read from

    @property
    def untracked(self) -> int:
        return sum(1 for a in self.amendments if not a.tracked)


@dataclass(frozen=True, slots=True)
class SubmissionInfo:
    """One recorded submission, as the record's event tells it."""

    id: int
    delegation: str
    at: str
    actor: str
    revision: int
    filename: str
    format: str
    matched_by: str
    amendments: int
    untracked: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Published:
    """The compilation text the clerk published: of which revision, when, by whom, its files' digests."""

    revision: int
    label: str
    at: str
    actor: str
    folder: str
    files: dict[str, str]
    amendments: tuple[str, ...] = ()  # the ids of the amendments it shows: what delegations may now see


def record_stamp(directory: Path) -> tuple[object, ...]:
    """What changes whenever the record does: the head file (every commit seals its last event there: its
    sequence number and hash) and the size and time of the database (a change made outside drafting). Not
    its write-ahead log, which merely opening the record for reading creates and removes. A front end may
    keep what it read from the record, checked, for as long as this stays the same."""
    try:
        head: bytes | None = (directory / "negotiation.head").read_bytes()
    except FileNotFoundError:
        head = None
    try:
        found = (directory / "negotiation.sqlite").stat()
    except FileNotFoundError:
        return (head, None)
    return (head, found.st_size, found.st_mtime_ns)


def current_text(directory: Path) -> CurrentText:
    """The current revision: its text and the paragraph statuses."""
    from drafting.app.negotiation import open_workspace, revision_label
    from drafting.negotiation.silence import stamp, utc_now

    moment = utc_now()
    with open_workspace(directory) as workspace:
        number, document = workspace.document()
        silences: dict[str, SilenceView] = {}
        for silence in sorted(workspace.silences(number), key=lambda s: s.until):  # the latest one wins
            for pid in silence.paragraphs:
                silences[pid] = SilenceView(stamp(silence.until)[:16].replace("T", " ") + " UTC",
                                            silence.state(pid, moment),
                                            tuple(b.delegation for b in silence.breaks if b.paragraph == pid))
        return CurrentText(number, revision_label(number), document, workspace.statuses(number), silences)


def text_file(directory: Path, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the current revision as issued: `.docx` (carrying its identity), `.md`, or `.pdf`
    (the issued .docx through LibreOffice, made once per revision and kept beside the published files)."""
    from drafting.app.documents import render
    from drafting.app.negotiation import open_workspace

    with open_workspace(directory) as workspace:
        number, document = workspace.document()
        stem = document.meta.name if number == 0 else f"{document.meta.name}-rev{number}"
        docx = workspace.revision_docx(number)
    if fmt == "docx":
        return f"{stem}.docx", docx
    if fmt == "md":
        [data] = render(document, Path(), ["md"], name=stem).files.values()
        return f"{stem}.md", data
    if fmt == "pdf":
        from drafting.render.pdf import render_pdf
        from drafting.support.atomic import write_atomic

        digest = hashlib.sha256(docx).hexdigest()
        kept = directory / PUBLISHED_DIR / f"text-{digest[:16]}.pdf"  # named by the .docx it was made from
        if kept.is_file():
            return f"{stem}.pdf", kept.read_bytes()
        data = render_pdf(docx)
        kept.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(kept, data)
        return f"{stem}.pdf", data
    raise DraftingInputError(f"no {fmt!r} form of the text (docx, md or pdf)")


def upload_format(filename: str) -> str:
    """The format a return's file name announces; a name that is a path, or another kind of file, is refused."""
    if not _NAME.match(filename) or ".." in filename or filename.startswith("."):
        raise DraftingInputError("the file name must be a plain name (no folders, no '..', no control "
                                 "characters, at most 120 characters)")
    suffix = filename.rpartition(".")[2].lower() if "." in filename else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise DraftingInputError("only .docx, .md or .txt returns are accepted (save the file as .docx)")
    return suffix


def _preview(directory: Path, person: Person, path: Path, token: str, filename: str, data: bytes) -> Preview:
    """Read a return exactly as `submit` does (the same reading: `read_submission`), for its person to see."""
    from drafting.app.negotiation import read_submission, revision_label

    assert person.delegation is not None
    prepared = read_submission(directory, person.delegation, path, unlisted=person.code is None)
    return Preview(token, filename, prepared.name, prepared.revision, revision_label(prepared.revision),
                   prepared.matched_by, prepared.similarity, list(prepared.read), dict(prepared.paragraph_labels),
                   [CommentView(*c) for c in prepared.word_comments], prepared=prepared,
                   sha256=hashlib.sha256(data).hexdigest())


def stage_return(directory: Path, person: Person, filename: str, data: bytes) -> Preview:
    """Read an uploaded return and keep it, unrecorded, for its person to confirm: refused (nothing kept) if
    the name, the size or the file is not acceptable."""
    from drafting.negotiation.people import People

    if person.role not in ("member", "clerk") or not person.delegation:
        raise DraftingStateError("only a delegation's members submit its returns")
    upload_format(filename)  # a plain name of an accepted kind, or refused
    if len(data) > MAX_UPLOAD:
        raise DraftingInputError(f"the file is larger than {MAX_UPLOAD // (1024 * 1024)} MB")
    if not data:
        raise DraftingInputError("the file is empty")
    token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory(prefix="drafting-upload-") as tmp:
        path = Path(tmp) / filename  # a plain name (upload_format checked it): as `submit_return` names it
        path.write_bytes(data)
        try:
            preview = _preview(directory, person, path, token, filename, data)
        except DraftingInputError as exc:
            raise DraftingInputError(exc.message, part=exc.part) from exc  # the temporary path means nothing
    with People.open(directory) as people, people.transaction():
        people.forget_uploads_before(dt.datetime.now(dt.UTC) - dt.timedelta(hours=STAGED_HOURS))
        people.add_upload(token, person.id, person.delegation, filename, data)
    return preview


def _staged(directory: Path, person: Person, token: str) -> tuple[str, bytes, bool]:
    from drafting.negotiation.people import People

    with People.open(directory) as people:
        upload = people.upload(token) if token and len(token) <= 64 else None
    if upload is None or upload.delegation != person.delegation or not person.delegation:
        raise LookupError(token)  # a front end answers 404: not found, whoever's it is
    return upload.filename, upload.data, upload.used


def preview_return(directory: Path, person: Person, token: str, kept: Preview | None = None) -> Preview:
    """The preview of a return staged by `person`'s delegation (LookupError for anyone else's). `kept`: the
    preview `stage_return` gave for that token, shown again (with whether it was submitted) if it was read
    from the file staged under it; otherwise the staged file is read again."""
    from dataclasses import replace

    filename, data, used = _staged(directory, person, token)
    assert person.delegation is not None
    if kept is not None and kept.token == token and kept.sha256 == hashlib.sha256(data).hexdigest():
        return replace(kept, submitted=used)
    with tempfile.TemporaryDirectory(prefix="drafting-upload-") as tmp:
        upload_format(filename)
        path = Path(tmp) / filename
        path.write_bytes(data)
        return replace(_preview(directory, person, path, token, filename, data), submitted=used)


def submit_return(directory: Path, person: Person, token: str, kept: Preview | None = None) -> SubmitResult:
    """Submit a staged return: the CLI's `submit`, with the person and delegation as actor. `kept`: the
    preview of that token (`stage_return`): its reading of the file is recorded if it was read from the file
    staged under the token and the record still gives the same answers (`submit` checks), else the file is
    read again, as the CLI reads it."""
    from drafting.app.negotiation import submit
    from drafting.negotiation.people import People

    filename, data, used = _staged(directory, person, token)
    assert person.delegation is not None
    if used:
        raise DraftingStateError("this return was already submitted")
    prepared = None
    if kept is not None and kept.token == token and kept.sha256 == hashlib.sha256(data).hexdigest():
        prepared = kept.prepared
    with tempfile.TemporaryDirectory(prefix="drafting-upload-") as tmp:
        path = Path(tmp) / filename  # a plain name (upload_format checked it): the record keeps the file's name
        path.write_bytes(data)
        result = submit(directory, person.delegation, path, actor=person.actor, unlisted=person.code is None,
                        prepared=prepared)
    with People.open(directory) as people, people.transaction():
        people.use_upload(token)
    return result


def submissions(directory: Path, delegation: str | None = None) -> list[SubmissionInfo]:
    """Every submission recorded (or `delegation`'s), newest first, from the record's events (only those: a
    delegation's page reads its own submissions' events, not the whole record)."""
    from drafting.app.negotiation import open_workspace

    with open_workspace(directory) as workspace:
        return _submissions(workspace, delegation)


def _submissions(workspace: Workspace, delegation: str | None) -> list[SubmissionInfo]:
    out = []
    for event in workspace.events_of("submission", delegation):
        detail = event.detail
        out.append(SubmissionInfo(int(detail["submission"]), event.subject, event.at, event.actor,
                                  int(detail.get("revision", 0)), str(detail.get("file", "")),
                                  str(detail.get("format", "")), str(detail.get("matched_by", "")),
                                  int(detail.get("amendments", 0) or 0), int(detail.get("untracked", 0) or 0),
                                  str(detail.get("sha256", ""))))
    return out[::-1]


def returns_of(directory: Path, delegation: str | None) -> tuple[list[SubmissionInfo], list[dict[str, Any]]]:
    """`delegation`'s submissions (`submissions`) and its amendments on the current revision (`amendments_of`),
    None: every delegation's, read from one snapshot of the record: what a delegation's own page shows."""
    from drafting.app.negotiation import open_workspace

    with open_workspace(directory) as workspace:
        return _submissions(workspace, delegation), _amendments_of(workspace, delegation)


def submission(directory: Path, submission_id: int, delegation: str | None) -> SubmissionInfo:
    """One submission; LookupError when it is not `delegation`'s (None: the clerk's view, any delegation)."""
    for found in submissions(directory, delegation):
        if found.id == submission_id:
            return found
    raise LookupError(submission_id)


def submission_file(directory: Path, submission_id: int, delegation: str | None) -> tuple[str, bytes]:
    """(file name, bytes) of a submission as received (LookupError when not `delegation`'s)."""
    from drafting.app.negotiation import open_workspace

    found = submission(directory, submission_id, delegation)
    with open_workspace(directory) as workspace:
        return found.filename, workspace.store.blob(found.sha256)


def amendments_of(directory: Path, delegation: str | None) -> list[dict[str, Any]]:
    """`delegation`'s amendments (None: every delegation's) on the current revision (those of each latest
    submission there), each with its number, paragraph and decision, in the shape of `status --json`; read
    from the record without computing the whole compilation (with two hundred delegations, most of a second)."""
    from drafting.app.negotiation import open_workspace

    with open_workspace(directory) as workspace:
        return _amendments_of(workspace, delegation)


def _amendments_of(workspace: Workspace, delegation: str | None) -> list[dict[str, Any]]:
    number, document = workspace.document()
    live, _ = workspace.live_amendments(number, delegation=delegation)
    decisions = workspace.decisions(number)
    numbers = workspace.numbers()
    labels = {p.id: p.label for p in document.paragraphs}
    out = []
    for a in live:
        if delegation is not None and a.delegation != delegation:
            continue
        decision, note = decisions.get(a.id, ("", ""))
        out.append({"number": numbers.get(a.id, a.id), "id": a.id, "delegation": a.delegation,
                    "kind": a.kind.value, "old": a.old, "new": a.new, "tracked": a.tracked,
                    "active": decision not in ("reject", "withdraw"), "decision": decision or "pending",
                    "note": note, "paragraph": a.paragraph, "paragraph_number": labels.get(a.paragraph or "", "")})
    return out


def withdraw(directory: Path, person: Person, amendment: str) -> Decided:
    """A delegation withdraws one of its own amendments on the current text: the CLI's `decide … withdraw`,
    with the person and delegation as actor (LookupError when it is not the delegation's own)."""
    from drafting.app.negotiation import decide

    if person.role != "member" or not person.delegation:
        raise DraftingStateError("only a delegation's members withdraw its amendments")
    own = {a["id"] for a in amendments_of(directory, person.delegation) if a["active"]}
    if amendment not in own:
        raise LookupError(amendment)
    return decide(directory, amendment, "withdraw", note=f"withdrawn by {person.delegation}", actor=person.actor)


def publish(directory: Path, *, actor: str) -> Published:
    """Compile the current revision (the CLI's `compile`) into the workspace and publish it to delegations:
    the files are kept as written, and the publication is an event in the record naming their digests."""
    from drafting.app.negotiation import compile_outputs, open_workspace, revision_label

    with open_workspace(directory) as workspace:
        number = workspace.current_number()
        seq = len(workspace.events())
    folder = f"rev{number}-{seq}"
    written, compilation = compile_outputs(directory, directory / PUBLISHED_DIR / folder, tuple(PUBLISHED_FILES))
    files = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in written}
    shown = sorted({a.id for entry in compilation.entries for proposal in entry.proposals
                    for a in proposal.amendments} | {a.id for a in compilation.unplaced})
    with open_workspace(directory) as workspace:
        workspace.record(actor, "compilation-published", revision_label(number),
                         {"revision": number, "folder": folder, "files": files, "amendments": shown})
    return published(directory) or Published(number, revision_label(number), "", actor, folder, files,
                                             tuple(shown))


def _publication(workspace: Workspace) -> Published | None:
    from drafting.app.negotiation import revision_label

    found = workspace.events_of("compilation-published", last=True)
    if not found:
        return None
    [last] = found
    detail = last.detail
    return Published(int(detail["revision"]), revision_label(int(detail["revision"])), last.at, last.actor,
                     str(detail["folder"]), {str(k): str(v) for k, v in dict(detail["files"]).items()},
                     tuple(str(i) for i in detail.get("amendments", ())))


def published(directory: Path) -> Published | None:
    """The compilation text last published, if any."""
    from drafting.app.negotiation import open_workspace

    with open_workspace(directory) as workspace:
        return _publication(workspace)


def published_amendments(directory: Path) -> list[dict[str, Any]]:
    """The amendments the last published compilation shows, if it is of the current revision, with their
    decisions now (never one submitted after the publication: delegations see only what was published)."""
    from drafting.app.negotiation import open_workspace

    with open_workspace(directory) as workspace:
        return _published_amendments(workspace, _publication(workspace))


def compilation_view(directory: Path) -> tuple[Published | None, list[dict[str, Any]]]:
    """The compilation last published (`published`) and the amendments it shows (`published_amendments`), from
    one snapshot of the record: what the compilation page shows."""
    from drafting.app.negotiation import open_workspace

    with open_workspace(directory) as workspace:
        found = _publication(workspace)
        return found, _published_amendments(workspace, found)


def _published_amendments(workspace: Workspace, found: Published | None) -> list[dict[str, Any]]:
    if found is None:
        return []
    shown = set(found.amendments)
    number, document = workspace.document()
    if number != found.revision:
        return []
    amendments = [a for a in workspace.amendments(number, active_only=False) if a.id in shown]
    decisions = workspace.decisions(number)
    numbers = workspace.numbers()
    supporters = workspace.supporters(number)
    labels = {p.id: p.label for p in document.paragraphs}
    return [{"number": numbers.get(a.id, a.id), "id": a.id, "delegation": a.delegation, "kind": a.kind.value,
             "old": a.old, "new": a.new, "tracked": a.tracked, "paragraph": a.paragraph,
             "paragraph_number": labels.get(a.paragraph or "", ""), "supporters": list(supporters.get(a.id, ())),
             "decision": decisions.get(a.id, ("", ""))[0] or "pending"} for a in amendments]


def support(directory: Path, person: Person, amendment: str) -> list[Decided]:
    """A delegation co-sponsors another delegation's amendment shown in the published compilation: the CLI's
    `support`, with the person as actor (LookupError for an amendment delegations have not been shown)."""
    from drafting.app.negotiation import support as record_support

    if person.role != "member" or not person.delegation:
        raise DraftingStateError("only a delegation's members support amendments for it")
    if amendment not in {a["id"] for a in published_amendments(directory)}:
        raise LookupError(amendment)
    return record_support(directory, [amendment], person.delegation, actor=person.actor,
                          unlisted=person.code is None)


def break_silence(directory: Path, person: Person, paragraph: str, note: str = "") -> None:
    """A delegation objects to a paragraph under silence before the deadline: the CLI's `break-silence`."""
    from drafting.app.negotiation import break_silence as record_break

    if person.role != "member" or not person.delegation:
        raise DraftingStateError("only a delegation's members break the silence for it")
    record_break(directory, person.delegation, paragraph, note[:500], actor=person.actor,
                 unlisted=person.code is None)


def published_file(directory: Path, fmt: str) -> tuple[str, bytes]:
    """(file name, bytes) of the published compilation in `fmt`; the path comes from the record, and the
    bytes must still have the digest the record names (LookupError when nothing is published)."""
    found = published(directory)
    name = PUBLISHED_FILES.get(fmt)
    if found is None or name is None or name not in found.files:
        raise LookupError(fmt)
    if not re.fullmatch(r"rev\d+-\d+", found.folder):
        raise DraftingStateError("the record names an unexpected publication folder")
    data = (directory / PUBLISHED_DIR / found.folder / name).read_bytes()
    if hashlib.sha256(data).hexdigest() != found.files[name]:
        raise DraftingStateError(f"the published {name} was changed after publication")
    return f"compilation-{found.label}.{fmt}", data


__all__ = [
    "MAX_UPLOAD",
    "CommentView",
    "CurrentText",
    "Preview",
    "Published",
    "SilenceView",
    "SubmissionInfo",
    "amendments_of",
    "break_silence",
    "compilation_view",
    "current_text",
    "preview_return",
    "publish",
    "published",
    "published_amendments",
    "published_file",
    "record_stamp",
    "returns_of",
    "stage_return",
    "submission",
    "submission_file",
    "submissions",
    "submit_return",
    "support",
    "text_file",
    "upload_format",
    "withdraw",
]
