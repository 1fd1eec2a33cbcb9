"""The negotiation's closed vocabularies, defined once: the CLI's choices, the record's SQL CHECKs and the
renderers all read them from here."""

from __future__ import annotations

from enum import StrEnum


class Decision(StrEnum):
    """What the chair decides on an amendment."""

    ACCEPT = "accept"
    REJECT = "reject"
    WITHDRAW = "withdraw"


class ParagraphStatus(StrEnum):
    """Where a paragraph stands in the negotiation (un-conventions §3)."""

    AGREED = "agreed"
    AGREED_AD_REF = "agreed-ad-ref"
    BRACKETED = "bracketed"
    PENDING = "pending"


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The values of `vocabulary` in definition order (for choices and CHECK constraints)."""
    return tuple(member.value for member in vocabulary)
