"""People and access: invitations, passwords (argon2id), sessions, CSRF tokens, the login rate limit.

The clerk invites (`drafting users invite`, which prints a one-time link); the invited person sets a password
through the link and logs in. Accounts live in the workspace's `people.sqlite` (mutable: passwords change,
sessions end); the invitation itself is an event in the negotiation record, so who was given access, by whom
and when is on record. Any front end (the portal today) calls these operations and nothing else for access.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from drafting.errors import DraftingInputError

if TYPE_CHECKING:
    from argon2 import PasswordHasher

    from drafting.negotiation.people import People, Person

INVITATION_DAYS = 7
SESSION_HOURS = 12
MIN_PASSWORD = 12
MAX_PASSWORD = 1024
LOCK_AFTER = 10  # wrong passwords for one account ...
LOCK_MINUTES = 15  # ... within this window lock it for this long
CLIENT_LOCK_AFTER = 50  # wrong passwords from one client address, any account
ROLES = ("clerk", "chair", "member", "observer")
_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f<>\"']{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$")


@dataclass(frozen=True, slots=True)
class Invitation:
    """A one-time link's token (shown once, stored only as a digest) and whom it is for."""

    token: str
    email: str
    role: str
    delegation: str | None
    expires: str

    def path(self, prefix: str = "") -> str:
        return f"{prefix}/invite/{self.token}"


@dataclass(frozen=True, slots=True)
class Session:
    """A logged-in person: the cookie value, the CSRF token every form of theirs must carry, who."""

    token: str
    csrf: str
    person: Person


@cache
def _hasher() -> PasswordHasher:
    from argon2 import PasswordHasher, Type

    # argon2id with OWASP's recommended minimum (m=19 MiB, t=2, p=1): about 80 ms a login on this project's
    # two-core reference machine, where RFC 9106's 64 MiB x 4 lanes takes half a second of a core, so that
    # 193 delegations logging in at once would queue for a minute. Hashes carry their parameters: raising
    # them later still verifies the old ones.
    return PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, type=Type.ID)


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the e-mail is unknown, so the answer takes as long either way."""
    return _hasher().hash(secrets.token_urlsafe(16))


def _people(directory: Path) -> People:
    from drafting.negotiation.people import People

    if not (directory / "negotiation.sqlite").is_file():
        raise DraftingInputError("not a negotiation workspace", source=str(directory))
    return People.open(directory)


def workspace_slug(directory: Path) -> str:
    """Where a portal serves a workspace: `/w/<slug>`, from the folder's name (invitation links carry it)."""
    return re.sub(r"[^a-z0-9-]+", "-", directory.resolve().name.lower()).strip("-") or "document"


def clean_email(email: str) -> str:
    cleaned = email.strip()
    if not _EMAIL.match(cleaned):
        raise DraftingInputError(f"not an e-mail address: {cleaned[:80]!r}")
    return cleaned


def invite(directory: Path, email: str, role: str = "member", delegation: str | None = None, *,
           actor: str, clauses: Path | None = None, unlisted: bool = False) -> Invitation:
    """Create (or re-invite) an account and return its one-time invitation; the invitation is recorded.

    A delegation member must name the delegation (a registry code such as KAZ, or any name the registry
    knows it by; `unlisted` admits one outside the registry, recorded as such); clerks, chairs and observers
    may. An address that already has a password cannot be invited again.
    """
    from drafting.app.negotiation import open_workspace

    email = clean_email(email)
    if role not in ROLES:
        raise DraftingInputError(f"role must be one of {', '.join(ROLES)}")
    name: str | None = None
    code: str | None = None
    if delegation is not None and delegation.strip():
        with open_workspace(directory, clauses=clauses) as workspace:
            name, code = workspace.resolve_delegation(delegation, unlisted=unlisted)
    elif role == "member":
        raise DraftingInputError("a delegation member needs --delegation")
    token = secrets.token_urlsafe(32)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=INVITATION_DAYS)
    with _people(directory) as people, people.transaction():
        found = people.by_email(email)
        if found is not None and found.has_password:
            raise DraftingInputError(f"{email} already has an account")
        if found is not None and (found.role, found.delegation) != (role, name):
            raise DraftingInputError(f"{email} was invited as {found.role}"
                                     f"{' of ' + found.delegation if found.delegation else ''}")
        person = found.id if found is not None else people.add_person(email, name, code, role, actor)
        people.add_invitation(token, person, expires)
    with open_workspace(directory, clauses=clauses) as workspace:
        workspace.record(actor, "person-invited", email, {
            "role": role, "delegation": name, "expires": expires.isoformat(timespec="seconds"),
            **({"unlisted": True} if name is not None and code is None else {})})
    return Invitation(token, email, role, name, expires.isoformat(timespec="seconds"))


def invitation(directory: Path, token: str) -> Person:
    """Whom an unused, unexpired invitation is for (refused otherwise)."""
    with _people(directory) as people:
        person_id = people.invitation(token)
        person = people.person(person_id) if person_id is not None else None
    if person is None:
        raise DraftingInputError("this invitation link is not valid (used, expired or mistyped)")
    return person


def check_password(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise DraftingInputError(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise DraftingInputError(f"the password must have at most {MAX_PASSWORD} characters")
    if password.strip().lower() == email.lower():
        raise DraftingInputError("the password must not be the e-mail address")


def accept_invitation(directory: Path, token: str, password: str) -> Session:
    """Set the password of the invited person (the link then stops working) and open a session."""
    person = invitation(directory, token)
    check_password(password, person.email)
    hashed = _hasher().hash(password)
    with _people(directory) as people, people.transaction():
        if people.invitation(token) != person.id:
            raise DraftingInputError("this invitation link is not valid (used, expired or mistyped)")
        people.use_invitation(token)
        people.set_password(person.id, hashed)
    return _open_session(directory, person.id)


def _open_session(directory: Path, person_id: int) -> Session:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with _people(directory) as people, people.transaction():
        people.add_session(token, person_id, csrf, dt.datetime.now(dt.UTC) + dt.timedelta(hours=SESSION_HOURS))
        person = people.person(person_id)
    assert person is not None
    return Session(token, csrf, person)


def login(directory: Path, email: str, password: str, *, client: str = "") -> Session:
    """A new session for `email` if `password` is right; ten wrong passwords lock the account for a while.

    The answer does not say whether the address exists (one message, and the same hashing work either way).
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    key, client_key = f"email:{email.strip().lower()}", f"client:{client}"
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=LOCK_MINUTES)
    with _people(directory) as people:
        failed, _ = people.failures_since(key, since)
        from_client, _ = people.failures_since(client_key, since) if client else (0, None)
        if failed >= LOCK_AFTER or from_client >= CLIENT_LOCK_AFTER:
            raise DraftingInputError(f"too many wrong passwords: logging in is locked for {LOCK_MINUTES} minutes")
        person = people.by_email(email.strip())
        stored = people.password_hash(person.id) if person is not None else None
    try:
        _hasher().verify(stored or _dummy_hash(), password[:MAX_PASSWORD])
        ok = stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or person is None:
        with _people(directory) as people, people.transaction():
            people.add_failure(key)
            if client:
                people.add_failure(client_key)
        raise DraftingInputError("wrong e-mail address or password")
    with _people(directory) as people, people.transaction():
        people.clear_failures(key)
    return _open_session(directory, person.id)


def session(directory: Path, token: str) -> Session | None:
    """The live session a cookie names, or None."""
    if not token or len(token) > 100:
        return None
    with _people(directory) as people:
        found = people.session(token)
        person = people.person(found[0]) if found is not None else None
    if found is None or person is None:
        return None
    return Session(token, found[1], person)


def logout(directory: Path, token: str) -> None:
    with _people(directory) as people, people.transaction():
        people.end_session(token)


def csrf_ok(expected: str, given: str | None) -> bool:
    """Whether a form carried its session's CSRF token (compared in constant time)."""
    return bool(expected) and given is not None and hmac.compare_digest(expected.encode(), given.encode())


def people(directory: Path) -> list[Person]:
    """Every account of the workspace (for the clerk's list and `drafting users list`)."""
    with _people(directory) as store:
        return store.everyone()


__all__ = ["ROLES", "Invitation", "Session", "accept_invitation", "check_password", "csrf_ok", "invitation",
           "invite", "login", "logout", "people", "session", "workspace_slug"]
