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


# -- the UN masthead --------------------------------------------------------------------------------------

# The masthead's words per language version. English as UN documents print it ("Distr.: Limited",
# "Original: English"); the other languages as their UN versions print them, where known (un-conventions
# has no source for them: unverified, [U]).
_DISTRIBUTION = {
    "en": {"general": "Distr.: General", "limited": "Distr.: Limited"},
    "fr": {"general": "Distr. générale", "limited": "Distr. limitée"},
    "es": {"general": "Distr. general", "limited": "Distr. limitada"},
    "ru": {"general": "Distr.: General", "limited": "Distr.: Limited"},
}
_ORIGINAL = {"en": "Original: {}", "fr": "Original : {}", "es": "Original: {}", "ru": "Original: {}"}
LANGUAGE_NAMES = {
    "en": {"en": "English", "ru": "Russian", "fr": "French", "es": "Spanish", "ar": "Arabic", "zh": "Chinese"},
    "fr": {"en": "anglais", "ru": "russe", "fr": "français", "es": "espagnol", "ar": "arabe", "zh": "chinois"},
    "es": {"en": "inglés", "ru": "ruso", "fr": "francés", "es": "español", "ar": "árabe", "zh": "chino"},
    "ru": {"en": "English", "ru": "Russian", "fr": "French", "es": "Spanish", "ar": "Arabic", "zh": "Chinese"},
}


def distribution_of(symbol: str, distribution: str = "") -> str:
    """`general` or `limited`: as the spec says, else limited for an L. document (D4, D8), else general."""
    if distribution:
        return distribution
    parts = symbol.split("/")
    return "limited" if any(part.startswith("L.") for part in parts) else "general"


def masthead_lines(*, symbol: str, distribution: str, date: dt.date, language: str,
                   original: str) -> tuple[str, str, str, str]:
    """The right-hand column of a UN masthead: distribution line, date, the version's language (empty in the
    original language) and the original language ("Distr.: Limited", "5 June 2025", "", "Original: English")."""
    words = _DISTRIBUTION.get(language, _DISTRIBUTION["en"])
    names = LANGUAGE_NAMES.get(language, LANGUAGE_NAMES["en"])
    version = "" if language == original else names.get(language, language)
    template = _ORIGINAL.get(language, _ORIGINAL["en"])
    return (words[distribution_of(symbol, distribution)], format_date(date, language, "dmy"), version,
            template.format(names.get(original, original)))
