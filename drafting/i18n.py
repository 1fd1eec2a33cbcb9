"""Language conventions that are data, not translation: dates, quotation marks, list conjunctions.

Names of States are never translated here: they come from the registry's per-language name tables.
"""

from __future__ import annotations

import datetime as dt

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    # Genitive forms, as dates are written in Russian ("7 сентября 2012 года").
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
           "ноября", "декабря"),
}
QUOTES = {"en": ("“", "”"), "ru": ("«", "»")}


def ordinal_suffix(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def format_date(date: dt.date, language: str = "en", style: str = "dmy") -> str:
    """A date as conference texts write it: `dmy` "7 September 2012" (S15), `mdy-ordinal`
    "September 7th 2012" (the 2012 Almaty text's own form); Russian "7 сентября 2012 года"."""
    if language == "ru":
        return f"{date.day} {MONTHS['ru'][date.month - 1]} {date.year} года"
    month = MONTHS["en"][date.month - 1]
    if style == "mdy-ordinal":
        return f"{month} {date.day}{ordinal_suffix(date.day)} {date.year}"
    return f"{date.day} {month} {date.year}"


def quote(text: str, language: str = "en") -> str:
    opening, closing = QUOTES.get(language, QUOTES["en"])
    return f"{opening}{text}{closing}"
