"""The delegation portal: a Starlette (ASGI) app over the workspaces of one conference.

Every page action calls one operation of the application layer (`drafting.app`), the same the CLI calls;
this module only reads requests, checks who may do what, and renders pages. Access: a session cookie
(HttpOnly, SameSite=Lax, Secure over https) per workspace; a CSRF token in every form (the session's, or a
double-submit cookie before login); members see their own delegation's returns only (anyone else's is 404);
observers read published texts and post nothing. Files are served from the record or from paths the record
names, never from a path a request supplies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import re
import secrets
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from drafting.app import accounts, delegations
from drafting.app import negotiation as ops
from drafting.errors import DraftingError, DraftingInputError
from drafting.portal import readers as reading
from drafting.portal.pages import CSS, render_page

if TYPE_CHECKING:
    from drafting.app.negotiation import KeptCheck

T = TypeVar("T")
log = logging.getLogger("drafting.portal")
SESSION_COOKIE = "drafting_session"
CSRF_COOKIE = "drafting_csrf"
CACHE_ENTRIES = 2000  # reads kept per workspace (a few per delegation)
READERS = 1  # processes reading uploaded returns beside the server's (0: read in the server's threads)
LOGIN_LANES = 1  # password checks at once: each is 80 ms of a core (argon2id, which leaves the GIL)
STAGED_ENTRIES = 1000  # previews of staged returns kept per workspace (one per delegation, and some)
FULL_CHECK_SECONDS = 60.0  # the record's full check, between the incremental ones of every page (see `read`)
MAX_FORM = 64 * 1024  # an ordinary form; uploads have their own limit
UPLOAD_OVERHEAD = 64 * 1024  # multipart headers and the other fields around the file
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # invitation links carry their token in the path
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
COMPILATION_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "md": "text/markdown; charset=utf-8", "txt": "text/plain; charset=utf-8", "pdf": "application/pdf",
         "html": "text/html; charset=utf-8"}
NOTICES = {
    "submitted": "Your return was submitted and recorded.",
    "published": "The compilation text was compiled and published to the delegations.",
    "revised": "The next revision was issued.",
    "decided": "The decision was recorded.",
    "marked": "The paragraph status was recorded.",
    "withdrawn": "The amendment was withdrawn; the record says by whom.",
    "supported": "Your delegation's support was recorded.",
    "silence-broken": "Your delegation broke the silence on that paragraph; the record says by whom.",
    "silence": "The silence procedure was started.",
    "proposed": "The chair's proposal was recorded.",
    "password": "Your password is set; you are logged in.",
}
WRITERS = {"member": {"upload", "submit", "withdraw", "support", "break-silence"},
           "chair": {"decide", "mark", "silence", "propose"},
           "clerk": {"decide", "mark", "publish", "revise", "silence", "propose"}, "observer": set()}


class Denied(Exception):
    """The person may not do this (403)."""


class NotFound(Exception):
    """Nothing here for this person (404), whether or not it exists for someone else."""


class LoginNeeded(Exception):
    """No session: off to the login page."""


@dataclass(frozen=True, slots=True)
class Served:
    """A workspace the portal serves, and where: `/w/<slug>`.

    `check` is what the portal has verified of the record, kept between the openings of its pages: each
    opening checks only what was appended since, with a full check every `FULL_CHECK_SECONDS` (see `read`).
    `writer` lets one of the portal's writes at a time at the record (see `write`); readers take no lock.
    """

    slug: str
    directory: Path
    title: str
    check: KeptCheck = field(compare=False, repr=False)
    writer: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)
    # What was read from the record, by the record's stamp when it was read (see `Portal.read`).
    cache: dict[tuple[object, ...], tuple[object, Any]] = field(default_factory=dict, compare=False, repr=False)
    # The preview of each return staged here, by token: its reading of the file is shown again by the preview
    # page and recorded by the confirmation (the app layer checks it is the staged file's and still holds).
    staged: dict[str, delegations.Preview] = field(default_factory=dict, compare=False, repr=False)
    # The keyed readings in progress, by key: the stamp each began at, and where its result will be.
    reading: dict[tuple[object, ...], tuple[object, asyncio.Future[Any]]] = field(
        default_factory=dict, compare=False, repr=False)

    @property
    def prefix(self) -> str:
        return f"/w/{self.slug}"


def _slug(directory: Path, taken: set[str]) -> str:
    base = accounts.workspace_slug(directory)
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _title(directory: Path) -> str:
    text = delegations.current_text(directory)
    return f"{text.document.meta.title} ({text.document.meta.symbol or text.document.meta.document_id})"


def _served(slug: str, directory: Path) -> Served:
    """`directory` served at `slug`, its record checked in full once (the title is read from it)."""
    check = ops.kept_check(directory, full_every=FULL_CHECK_SECONDS)
    with ops.keeping_checked(check):
        return Served(slug, directory, _title(directory), check)


class Portal:
    """The pages and actions; one instance per server process."""

    def __init__(self, directories: Sequence[Path], *, site: str = "drafting portal", readers: int = 0) -> None:
        taken: set[str] = set()
        self.served: dict[str, Served] = {}
        for directory in directories:
            slug = _slug(directory, taken)
            taken.add(slug)
            self.served[slug] = _served(slug, directory)
        self.site = site
        self.logins = asyncio.Semaphore(LOGIN_LANES)
        self.readers: ProcessPoolExecutor | None = None
        self.reader_count = readers

    def start_readers(self) -> None:
        """Start the reader process(es) and have them import what reading a return needs (see `readers`)."""
        if self.reader_count > 0 and self.readers is None:
            self.readers = ProcessPoolExecutor(self.reader_count, mp_context=multiprocessing.get_context("spawn"))
            self.readers.submit(reading.warm)

    def close(self) -> None:
        if self.readers is not None:
            self.readers.shutdown(wait=False, cancel_futures=True)
            self.readers = None

    async def parse(self, ws: Served, operation: Callable[..., T], *args: Any) -> T:
        """Run an operation that reads an uploaded file (and the record), in the reader process when there is
        one, else as `read` does. A reader process that died (a file it could not survive) is replaced for
        the next upload, and this one is refused: nothing was recorded."""
        if self.reader_count <= 0:
            return await self.read(ws, lambda: operation(ws.directory, *args))
        self.start_readers()
        assert self.readers is not None
        try:
            answer = await asyncio.get_running_loop().run_in_executor(
                self.readers, reading.run, operation, ws.directory, FULL_CHECK_SECONDS, *args)
        except BrokenProcessPool:
            log.warning("the reader process died while reading an upload; starting another")
            self.close()
            raise DraftingInputError("the file could not be read") from None
        return reading.result(answer)  # type: ignore[no-any-return]

    # -- plumbing --

    def workspace(self, request: Request) -> Served:
        found = self.served.get(str(request.path_params.get("ws", "")))
        if found is None:
            raise NotFound
        return found

    def session(self, request: Request, ws: Served) -> accounts.Session:
        found = accounts.session(ws.directory, request.cookies.get(SESSION_COOKIE, ""))
        if found is None:
            raise LoginNeeded
        return found

    def page(self, request: Request, name: str, ws: Served | None, session: accounts.Session | None, *,
             status: int = 200, message: str = "", csrf: str | None = None, **context: Any) -> HTMLResponse:
        notice = NOTICES.get(request.query_params.get("done", ""), "")
        body = render_page(name, site=self.site, ws=ws, me=session.person if session else None,
                           csrf=csrf if csrf is not None else (session.csrf if session else ""),
                           message=message, notice=notice, label=ops.revision_label,
                           title=context.pop("title", ws.title if ws else self.site), **context)
        return HTMLResponse(body, status_code=status)

    @staticmethod
    async def read(ws: Served, operation: Callable[[], T], key: tuple[object, ...] | None = None) -> T:
        """Run an operation that reads the record, in a worker thread, beside other readers and writers.

        No lock: the operation opens the record and reads one snapshot of it, the one its open-time check
        verified, so a submission committed meanwhile is either wholly seen or not at all. The check starts
        from what `ws.check` kept: only the events appended since the last page are walked (about a
        millisecond), and the whole record every `FULL_CHECK_SECONDS` (see docs/portal.md for what the
        incremental check sees). With a `key`, the result is kept and given again while the record's files
        are unchanged: the stamp is read (here, on the event loop: a small file and a stat) before the
        operation's snapshot begins, so what is kept is never older than its stamp, and any commit (the
        portal's, or the CLI's) changes the stamp. Requests that want the same key at the same stamp while
        it is being read wait for that one reading instead of each making its own.
        """
        def run() -> T:
            with ops.keeping_checked(ws.check):
                return operation()

        if key is None:
            return await run_in_threadpool(run)
        stamp = delegations.record_stamp(ws.directory)
        kept = ws.cache.get(key)
        if kept is not None and kept[0] == stamp:
            return kept[1]  # type: ignore[no-any-return]
        reading = ws.reading.get(key)
        if reading is not None and reading[0] == stamp:
            try:
                return await asyncio.shield(reading[1])
            except asyncio.CancelledError:
                if not reading[1].cancelled():
                    raise  # this request was cancelled
                # the request making that reading went away before it was done: read it here
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieved)
        ws.reading[key] = (stamp, future)
        try:
            value = await run_in_threadpool(run)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            raise
        finally:
            if ws.reading.get(key, (None, None))[1] is future:
                del ws.reading[key]
        if len(ws.cache) > CACHE_ENTRIES:
            ws.cache.clear()
        ws.cache[key] = (stamp, value)
        future.set_result(value)
        return value

    @staticmethod
    async def write(ws: Served, operation: Callable[[], T]) -> T:
        """Run an operation that writes to the record, in a worker thread, one at a time in this process.

        SQLite queues writers by itself (BEGIN IMMEDIATE), but its busy handler polls with sleeps of up to
        100 ms; queueing here wakes the next writer at once, and a form sent twice (a double click) finds the
        first one done (the return already submitted) instead of racing it. Readers are not held up."""
        def run() -> T:
            with ws.writer, ops.keeping_checked(ws.check):
                return operation()
        return await run_in_threadpool(run)

    @staticmethod
    def may(session: accounts.Session, action: str) -> None:
        if action not in WRITERS.get(session.person.role, set()):
            raise Denied

    @staticmethod
    async def form(request: Request, limit: int = MAX_FORM) -> FormData:
        """The posted form, read with a size bound."""
        body = await _bounded_body(request, limit)
        if body is None:
            raise DraftingInputError("the form is too large")
        return await _replayed(request, body).form(max_files=0, max_fields=20)

    async def checked_form(self, request: Request, session: accounts.Session, action: str) -> FormData:
        """The form of a logged-in person allowed to `action`, with its CSRF token checked."""
        self.may(session, action)
        form = await self.form(request)
        _csrf(session.csrf, form)
        return form

    # -- anonymous pages --

    async def index(self, request: Request) -> Response:
        if len(self.served) == 1:
            [only] = self.served.values()
            return RedirectResponse(f"{only.prefix}/", status_code=303)
        return self.page(request, "index.html", None, None, workspaces=list(self.served.values()))

    async def css(self, request: Request) -> Response:
        return Response(CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    def anonymous_csrf(self, request: Request) -> str:
        return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)

    def with_csrf_cookie(self, request: Request, response: Response, ws: Served, token: str) -> Response:
        if request.cookies.get(CSRF_COOKIE) != token:
            response.set_cookie(CSRF_COOKIE, token, path=f"{ws.prefix}/", httponly=True, samesite="strict",
                                secure=request.url.scheme == "https")
        return response

    async def login_page(self, request: Request) -> Response:
        ws = self.workspace(request)
        token = self.anonymous_csrf(request)
        return self.with_csrf_cookie(request, ws=ws, token=token, response=self.page(
            request, "login.html", ws, None, csrf=token, email="", title="Log in"))

    async def login(self, request: Request) -> Response:
        ws = self.workspace(request)
        form = await self.form(request)
        _csrf(request.cookies.get(CSRF_COOKIE, ""), form)
        email, password = str(form.get("email", "")), str(form.get("password", ""))
        client = request.client.host if request.client else ""
        try:
            async with self.logins:  # argon2id: LOGIN_LANES at a time, the rest of the server keeps a core
                session = await run_in_threadpool(accounts.login, ws.directory, email, password, client=client)
        except DraftingError as exc:
            token = self.anonymous_csrf(request)
            return self.page(request, "login.html", ws, None, status=400, message=_message(exc), csrf=token,
                             email=email[:200], title="Log in")
        return self.logged_in(request, ws, session, f"{ws.prefix}/")

    def logged_in(self, request: Request, ws: Served, session: accounts.Session, target: str) -> Response:
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(SESSION_COOKIE, session.token, path=f"{ws.prefix}/", httponly=True, samesite="lax",
                            secure=request.url.scheme == "https", max_age=accounts.SESSION_HOURS * 3600)
        response.delete_cookie(CSRF_COOKIE, path=f"{ws.prefix}/")
        return response

    async def logout(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        form = await self.form(request)
        _csrf(session.csrf, form)
        await run_in_threadpool(accounts.logout, ws.directory, session.token)
        response = RedirectResponse(f"{ws.prefix}/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=f"{ws.prefix}/")
        return response

    async def invite_page(self, request: Request) -> Response:
        ws = self.workspace(request)
        token = str(request.path_params["token"])
        csrf = self.anonymous_csrf(request)
        try:
            person = await run_in_threadpool(accounts.invitation, ws.directory, token)
        except DraftingError as exc:
            return self.page(request, "invite.html", ws, None, status=404, message=_message(exc), person=None,
                             action="", min_password=accounts.MIN_PASSWORD, title="Invitation")
        return self.with_csrf_cookie(request, ws=ws, token=csrf, response=self.page(
            request, "invite.html", ws, None, csrf=csrf, person=person, action=f"{ws.prefix}/invite/{token}",
            min_password=accounts.MIN_PASSWORD, title="Set your password"))

    async def accept(self, request: Request) -> Response:
        ws = self.workspace(request)
        token = str(request.path_params["token"])
        form = await self.form(request)
        _csrf(request.cookies.get(CSRF_COOKIE, ""), form)
        password, again = str(form.get("password", "")), str(form.get("again", ""))
        try:
            if password != again:
                raise DraftingInputError("the two passwords differ")
            session = await run_in_threadpool(accounts.accept_invitation, ws.directory, token, password)
        except DraftingError as exc:
            person = None
            with contextlib.suppress(DraftingError):
                person = await run_in_threadpool(accounts.invitation, ws.directory, token)
            return self.page(request, "invite.html", ws, None, status=400, message=_message(exc),
                             csrf=self.anonymous_csrf(request), person=person,
                             action=f"{ws.prefix}/invite/{token}", min_password=accounts.MIN_PASSWORD,
                             title="Set your password")
        return self.logged_in(request, ws, session, f"{ws.prefix}/?done=password")

    # -- everyone logged in --

    async def text(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        text = await self.read(ws, lambda: delegations.current_text(ws.directory),
                               ("text", _minute()))
        return self.page(request, "text.html", ws, session, text=text, title=text.label)

    async def text_file(self, request: Request) -> Response:
        ws = self.workspace(request)
        self.session(request, ws)
        fmt = str(request.path_params["fmt"])
        if fmt not in ("docx", "md", "pdf"):
            raise NotFound
        name, data = await self.read(ws, lambda: delegations.text_file(ws.directory, fmt),
                                     ("text_file", fmt))
        return _download(name, data, fmt)

    async def compilation(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        published, proposals = await self.read(ws, lambda: delegations.compilation_view(ws.directory),
                                               ("compilation",))
        return self.page(request, "compilation.html", ws, session, published=published, proposals=proposals,
                         title="Compilation")

    async def compilation_file(self, request: Request) -> Response:
        ws = self.workspace(request)
        self.session(request, ws)
        fmt = str(request.path_params["fmt"])
        try:
            name, data = await self.read(ws, lambda: delegations.published_file(ws.directory, fmt),
                                             ("published_file", fmt))
        except LookupError:
            raise NotFound from None
        if fmt == "html":
            return Response(data, media_type=MEDIA["html"], headers={**SECURITY_HEADERS,
                                                                     "Content-Security-Policy": COMPILATION_CSP})
        return _download(name, data, fmt)

    # -- a delegation's returns --

    async def upload_page(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        self.may(session, "upload")
        return self.page(request, "upload.html", ws, session, max_mb=delegations.MAX_UPLOAD // (1024 * 1024),
                         title="Submit a return")

    async def upload(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        self.may(session, "upload")
        max_mb = delegations.MAX_UPLOAD // (1024 * 1024)

        def refused(message: str) -> Response:
            return self.page(request, "upload.html", ws, session, status=400, message=message, max_mb=max_mb,
                             title="Submit a return")

        body = await _bounded_body(request, delegations.MAX_UPLOAD + UPLOAD_OVERHEAD)
        if body is None:
            return refused(f"The file is larger than {max_mb} MB: nothing was recorded.")
        form = await _replayed(request, body).form(max_files=1, max_fields=5)
        _csrf(session.csrf, form)
        file = form.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            return refused("Choose a file to upload.")
        data = await file.read()
        filename = file.filename
        try:
            preview = await self.parse(ws, delegations.stage_return, session.person, filename, data)
        except DraftingError as exc:
            return refused(f"{_message(exc)}: nothing was recorded.")
        if len(ws.staged) >= STAGED_ENTRIES:
            ws.staged.pop(next(iter(ws.staged)))  # the oldest: its preview is read again if asked for
        ws.staged[preview.token] = preview
        return RedirectResponse(f"{ws.prefix}/uploads/{preview.token}", status_code=303)

    async def preview(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        token = str(request.path_params["token"])
        try:
            preview = await self.read(ws, lambda: delegations.preview_return(ws.directory, session.person, token,
                                                                             ws.staged.get(token)))
        except LookupError:
            raise NotFound from None
        return self.page(request, "preview.html", ws, session, preview=preview, title="Preview")

    async def submit(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        await self.checked_form(request, session, "submit")
        token = str(request.path_params["token"])
        try:
            # The return was read when it was staged (outside the queue of writers): under the queue, only
            # its recording, and the check that the record still gives the reading's answers.
            await self.write(ws, lambda: delegations.submit_return(ws.directory, session.person, token,
                                                                   ws.staged.get(token)))
        except LookupError:
            raise NotFound from None
        return RedirectResponse(f"{ws.prefix}/submissions?done=submitted", status_code=303)

    async def withdraw(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        form = await self.checked_form(request, session, "withdraw")
        amendment = str(form.get("amendment", ""))
        try:
            await self.write(ws, lambda: delegations.withdraw(ws.directory, session.person, amendment))
        except LookupError:
            raise NotFound from None
        return RedirectResponse(f"{ws.prefix}/submissions?done=withdrawn", status_code=303)

    async def support(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        form = await self.checked_form(request, session, "support")
        amendment = str(form.get("amendment", ""))
        try:
            await self.write(ws, lambda: delegations.support(ws.directory, session.person, amendment))
        except LookupError:
            raise NotFound from None
        return RedirectResponse(f"{ws.prefix}/compilation?done=supported", status_code=303)

    async def break_silence(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        form = await self.checked_form(request, session, "break-silence")
        paragraph, note = str(form.get("paragraph", "")), str(form.get("note", ""))
        await self.write(ws, lambda: delegations.break_silence(ws.directory, session.person, paragraph, note))
        return RedirectResponse(f"{ws.prefix}/?done=silence-broken", status_code=303)

    async def silence(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        form = await self.checked_form(request, session, "silence")
        until = str(form.get("until", "")).strip()
        if until and not until.endswith(("Z", "z")) and "+" not in until[10:]:
            until += "Z"  # the form asks for UTC
        paragraphs = [p for p in str(form.get("paragraphs", "")).split(",") if p.strip()]
        await self.write(ws, lambda: ops.silence(ws.directory, until, paragraphs, actor=session.person.actor))
        return RedirectResponse(f"{ws.prefix}/clerk?done=silence", status_code=303)

    async def propose(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        form = await self.checked_form(request, session, "propose")
        paragraph, text = str(form.get("paragraph", "")), str(form.get("text", ""))[:5000]
        after = form.get("after") == "yes"
        await self.write(ws, lambda: ops.propose(ws.directory, paragraph, text, after=after,
                                                 actor=session.person.actor))
        return RedirectResponse(f"{ws.prefix}/clerk?done=proposed", status_code=303)

    async def reflection(self, request: Request) -> Response:
        """Where each proposal went: a member's own delegation's, or (clerk, chair) every delegation's."""
        ws = self.workspace(request)
        session = self.session(request, ws)
        own = self._own(session)
        try:
            _, report = await self.read(ws, lambda: ops.reflect(ws.directory, delegation=own))
        except DraftingInputError:
            report = {}  # no proposal yet
        fates = [fate.as_json() for delegation in sorted(report) for fate in report[delegation]]
        return self.page(request, "reflection.html", ws, session, fates=fates, title="Reflection")

    def _own(self, session: accounts.Session) -> str | None:
        """Whose submissions this person may see: their delegation's, or (clerk, chair) everyone's."""
        if session.person.role in ("clerk", "chair"):
            return None
        if session.person.role == "member" and session.person.delegation:
            return session.person.delegation
        raise Denied

    async def submissions(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        own = self._own(session)
        # Every delegation's submissions and amendments, read from one snapshot once per state of the record
        # and shared (see `read`), then a delegation's own picked out: while nothing is committed, two
        # hundred delegations opening their pages cost one reading, not two hundred; after a commit, the
        # first page reads again (a few milliseconds at 193 returns) and those arriving meanwhile wait for it.
        everyone, every = await self.read(ws, lambda: delegations.returns_of(ws.directory, None), ("returns",))
        found = [s for s in everyone if own is None or s.delegation == own]
        amendments = None if own is None else [a for a in every if a["delegation"] == own]
        return self.page(request, "submissions.html", ws, session, submissions=found, amendments=amendments,
                         title="Submissions")

    async def submission(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        number, own = int(request.path_params["id"]), self._own(session)
        try:
            found = await self.read(ws, lambda: delegations.submission(ws.directory, number, own))
        except LookupError:
            raise NotFound from None
        return self.page(request, "submission.html", ws, session, s=found, title=f"Submission {found.id}")

    async def submission_file(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        number, own = int(request.path_params["id"]), self._own(session)
        try:
            name, data = await self.read(ws, lambda: delegations.submission_file(ws.directory, number, own))
        except LookupError:
            raise NotFound from None
        fmt = name.rpartition(".")[2].lower()
        return _download(name, data, fmt if fmt in MEDIA and fmt != "html" else "txt")

    # -- the clerk and the chair --

    async def clerk(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        if session.person.role not in ("clerk", "chair"):
            raise Denied
        report = await self.read(ws, lambda: ops.status_report(ws.directory), ("status", _minute()))
        found = await self.read(ws, lambda: delegations.submissions(ws.directory, None))
        published = await self.read(ws, lambda: delegations.published(ws.directory))
        untracked = sum(1 for p in report["paragraphs"] for a in p["amendments"] + p["proposed_after"]
                        if a.get("active") and not a.get("tracked", True))
        return self.page(request, "clerk.html", ws, session, report=report, submissions=found, published=published,
                         untracked=untracked,
                         next_label=ops.revision_label(int(report["revision"]) + 1),
                         decisions=_vocabulary("Decision"), statuses=_vocabulary("ParagraphStatus"),
                         title="Clerk")

    async def publish(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        await self.checked_form(request, session, "publish")
        await self.write(ws, lambda: delegations.publish(ws.directory, actor=session.person.actor))
        return RedirectResponse(f"{ws.prefix}/clerk?done=published", status_code=303)

    async def decide(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        form = await self.checked_form(request, session, "decide")
        amendment, decision = str(form.get("amendment", "")), str(form.get("decision", ""))
        note = str(form.get("note", ""))[:500]
        await self.write(ws, lambda: ops.decide(ws.directory, amendment, decision, note=note,
                                                actor=session.person.actor))
        return RedirectResponse(f"{ws.prefix}/clerk?done=decided", status_code=303)

    async def mark(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        form = await self.checked_form(request, session, "mark")
        paragraph, status = str(form.get("paragraph", "")), str(form.get("status", ""))
        if paragraph.strip() == "ALL":
            raise DraftingInputError("mark one paragraph at a time here")
        await self.write(ws, lambda: ops.mark(ws.directory, paragraph, status, actor=session.person.actor))
        return RedirectResponse(f"{ws.prefix}/clerk?done=marked", status_code=303)

    async def revise(self, request: Request) -> Response:
        ws = self.workspace(request)
        session = self.session(request, ws)
        await self.checked_form(request, session, "revise")
        await self.write(ws, lambda: ops.revise(ws.directory, actor=session.person.actor))
        return RedirectResponse(f"{ws.prefix}/?done=revised", status_code=303)

    # -- errors --

    def error_page(self, request: Request, status: int, heading: str, message: str = "") -> Response:
        ws = self.served.get(str(request.path_params.get("ws", "")))
        session = None
        if ws is not None:
            try:
                session = accounts.session(ws.directory, request.cookies.get(SESSION_COOKIE, ""))
            except DraftingError:
                session = None
        return self.page(request, "error.html", ws, session, status=status, message=message, heading=heading,
                         title=heading)


def _retrieved(future: asyncio.Future[Any]) -> None:
    """Mark a shared reading's failure as seen: the request that made it raised it already."""
    if not future.cancelled():
        future.exception()


def _minute() -> int:
    """The current minute: part of the key of what depends on the clock too (a silence ends at its deadline)."""
    return int(time.time() // 60)


def _vocabulary(name: str) -> list[str]:
    from drafting.model import vocabulary

    return list(vocabulary.values(getattr(vocabulary, name)))


def _message(exc: DraftingError) -> str:
    """The one line a person is shown: the message without internal file paths."""
    if isinstance(exc, DraftingInputError):
        return f"{exc.part}: {exc.message}" if exc.part else exc.message
    return str(exc).splitlines()[0]


def _csrf(expected: str, form: FormData) -> None:
    given = form.get("csrf")
    if not accounts.csrf_ok(expected, given if isinstance(given, str) else None):
        raise CsrfFailed


class CsrfFailed(Exception):
    """A form without its CSRF token (403)."""


def _download(name: str, data: bytes, fmt: str) -> Response:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:120] or f"file.{fmt}"
    return Response(data, media_type=MEDIA.get(fmt, "application/octet-stream"),
                    headers={"Content-Disposition": f'attachment; filename="{safe}"'})


async def _bounded_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is larger than `limit` (read to the end and dropped, so the client
    gets the answer instead of a reset connection)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > 1024 * 1024 * 1024:
        return None
    body = bytearray()
    over = False
    async for chunk in request.stream():
        if over or len(body) + len(chunk) > limit:
            over = True
            body.clear()
            continue
        body += chunk
    return None if over else bytes(body)


def _replayed(request: Request, body: bytes) -> Request:
    """A request whose body is `body` (already read and bounded), for Starlette's form parser."""
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


Handler = Callable[[Request], Awaitable[Response]]


def warm() -> None:
    """Compile every template and import what the first requests would, before the first request: the
    first delegations to arrive should not wait for a cold server."""
    import argon2  # noqa: F401  (the first login)
    import python_multipart  # noqa: F401  (the first form)

    from drafting.portal.pages import TEMPLATES, environment

    for name in TEMPLATES:
        environment().get_template(name)


def create_app(directories: Sequence[Path], *, site: str = "drafting portal", readers: int = READERS) -> Starlette:
    """The ASGI application serving `directories` (workspaces of one conference), with `readers` processes
    reading uploaded returns (started with the application, stopped with it)."""
    portal = Portal(directories, site=site, readers=readers)
    warm()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        portal.start_readers()
        try:
            yield
        finally:
            portal.close()

    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                response = await handler(request)
            except LoginNeeded:
                ws = portal.served.get(str(request.path_params.get("ws", "")))
                response = RedirectResponse(f"{ws.prefix if ws else ''}/login", status_code=303)
            except NotFound:
                response = portal.error_page(request, 404, "Not found")
            except Denied:
                response = portal.error_page(request, 403, "Not allowed",
                                             "Your role does not allow this action.")
            except CsrfFailed:
                response = portal.error_page(request, 403, "Form expired",
                                             "This form did not carry its security token: reload the page and "
                                             "try again. Nothing was recorded.")
            except DraftingError as exc:
                log.warning("refused %s %s: %s", request.method, request.url.path, exc)
                response = portal.error_page(request, 400, "Refused", f"{_message(exc)}: nothing was recorded.")
            except Exception:
                log.exception("%s %s", request.method, request.url.path)
                response = portal.error_page(request, 500, "Something went wrong",
                                             "The server could not finish this request; the secretariat can see "
                                             "why in its log.")
            for name, value in SECURITY_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return run

    p = portal
    routes = [
        Route("/", guarded(p.index)),
        Route("/portal.css", guarded(p.css)),
        Route("/w/{ws}/login", guarded(p.login_page), methods=["GET"]),
        Route("/w/{ws}/login", guarded(p.login), methods=["POST"]),
        Route("/w/{ws}/logout", guarded(p.logout), methods=["POST"]),
        Route("/w/{ws}/invite/{token}", guarded(p.invite_page), methods=["GET"]),
        Route("/w/{ws}/invite/{token}", guarded(p.accept), methods=["POST"]),
        Route("/w/{ws}/", guarded(p.text)),
        Route("/w/{ws}/text.{fmt}", guarded(p.text_file)),
        Route("/w/{ws}/compilation", guarded(p.compilation)),
        Route("/w/{ws}/compilation.{fmt}", guarded(p.compilation_file)),
        Route("/w/{ws}/upload", guarded(p.upload_page), methods=["GET"]),
        Route("/w/{ws}/upload", guarded(p.upload), methods=["POST"]),
        Route("/w/{ws}/uploads/{token}", guarded(p.preview), methods=["GET"]),
        Route("/w/{ws}/uploads/{token}/submit", guarded(p.submit), methods=["POST"]),
        Route("/w/{ws}/withdraw", guarded(p.withdraw), methods=["POST"]),
        Route("/w/{ws}/support", guarded(p.support), methods=["POST"]),
        Route("/w/{ws}/break-silence", guarded(p.break_silence), methods=["POST"]),
        Route("/w/{ws}/silence", guarded(p.silence), methods=["POST"]),
        Route("/w/{ws}/propose", guarded(p.propose), methods=["POST"]),
        Route("/w/{ws}/submissions", guarded(p.submissions)),
        Route("/w/{ws}/reflection", guarded(p.reflection)),
        Route("/w/{ws}/submissions/{id:int}", guarded(p.submission)),
        Route("/w/{ws}/submissions/{id:int}/file", guarded(p.submission_file)),
        Route("/w/{ws}/clerk", guarded(p.clerk)),
        Route("/w/{ws}/publish", guarded(p.publish), methods=["POST"]),
        Route("/w/{ws}/decide", guarded(p.decide), methods=["POST"]),
        Route("/w/{ws}/mark", guarded(p.mark), methods=["POST"]),
        Route("/w/{ws}/revise", guarded(p.revise), methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.portal = portal
    return app


__all__ = ["Portal", "Served", "create_app"]
