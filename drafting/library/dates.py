"""Dates in the files drafters write: ISO 8601 (YYYY-MM-DD), checked as dates, with errors in plain words."""

from __future__ import annotations

import calendar
import datetime as dt
import re

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})\Z")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


def parse_date(text: str) -> dt.date:
    """`text` as a date, or ValueError saying what is wrong ("there is no 31 November 2025")."""
    match = _ISO.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD (e.g. 2025-11-30)")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"{text!r}: there is no month {month} (months run from 01 to 12)")
    if year < 1:
        raise ValueError(f"{text!r}: there is no year 0")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        name = MONTHS[month - 1]
        if month == 2 and day == 29:
            why = f"{year} is not a leap year"
        else:
            why = f"{name} has {days} days"
        raise ValueError(f"{text!r}: there is no {day} {name} {year} ({why})")
    return dt.date(year, month, day)
