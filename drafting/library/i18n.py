"""Language conventions that are data, not translation: dates, quotation marks, list conjunctions.

Names of States are never translated here: they come from the registry's per-language name tables.
"""

from __future__ import annotations

import datetime as dt
import re

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


_DOUBLE_QUOTED = r"[\"“„]([^\"“”„«»]*)[\"”“]"  # compiled on first use (Russian texts only)


def localise_quotes(text: str, language: str) -> str:
    """Quotation marks of `language`: Russian «…» for “…” or "…" (English keeps its curly quotes)."""
    if language != "ru":
        return text
    return re.sub(_DOUBLE_QUOTED, lambda m: f"«{m.group(1)}»", text)


_HEAD_NOUNS = {"Республика": "Республики", "Федерация": "Федерации", "Королевство": "Королевства"}
_ADJECTIVE_ENDINGS = (("ская", "ской"), ("цкая", "цкой"), ("ая", "ой"))


def russian_genitive(name: str) -> str:
    """Russian genitive of a formal State name for "За Правительство …": adjectives and the head noun
    decline, the proper name after it does not ("Республики Казахстан"); a one-word name declines as a
    noun: -ан takes -а ("Туркменистана"), -ия → -ии ("Турции"), -й → -я ("Китая")."""
    words = name.split()
    if len(words) == 1:
        if name.endswith("ия"):
            return name[:-1] + "и"
        if name.endswith("й"):
            return name[:-1] + "я"
        return name + "а" if name.endswith(("стан", "ан")) else name
    out = []
    declining = True
    for word in words:
        if declining and word in _HEAD_NOUNS:
            out.append(_HEAD_NOUNS[word])
            declining = False
        elif declining:
            for nominative, genitive in _ADJECTIVE_ENDINGS:
                if word.endswith(nominative):
                    word = word[: -len(nominative)] + genitive
                    break
            out.append(word)
        else:
            out.append(word)
    return " ".join(out)
