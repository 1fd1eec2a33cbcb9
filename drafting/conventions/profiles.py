"""Style profiles: how the same assembled text is labelled and punctuated.

`un-resolution` follows UN drafting rules (S8–S12): italic openers, preambular paragraphs ending with a
comma, operative paragraphs numbered 1., 2., … ending with a semicolon and the last with a full stop,
sub-paragraphs (a), (i). `as-issued` reproduces the 2012 Almaty text's own layout ("- 1 -" items, "a -"
sub-items, dashes for bullets, punctuation as written, "Almaty, September 7th 2012").
"""

from __future__ import annotations

from typing import NamedTuple

from drafting.errors import DraftingInputError

ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90), ("l", 50), ("xl", 40),
         ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


class LevelFormat(NamedTuple):
    """One level of a numbered list: `number` (decimal | lowerLetter | lowerRoman, Word's ST_NumberFormat
    names) and `template`, where `{}` stands for the number ("({})" -> "(a)")."""

    number: str
    template: str

    def label(self, ordinal: int) -> str:
        return self.template.replace("{}", format_number(ordinal, self.number))


class Profile(NamedTuple):
    name: str
    italic_openings: bool
    punctuate: bool
    levels: tuple[LevelFormat, ...]
    bullet: str
    preamble_heading: bool
    date_style: str
    strip_title_punctuation: bool
    numbered_membership: bool = False
    """A spec's `membership:` section as numbered operative paragraphs with the members in the text."""
    masthead: bool = False
    """The UN masthead: distribution, symbol, date, "Original:" (un-resolution)."""


PROFILES = {
    "un-resolution": Profile(
        name="un-resolution", italic_openings=True, punctuate=True,
        levels=(LevelFormat("decimal", "{}."), LevelFormat("lowerLetter", "({})"),
                LevelFormat("lowerRoman", "({})")),
        bullet="•", preamble_heading=False, date_style="dmy", strip_title_punctuation=True,
        numbered_membership=True, masthead=True,
    ),
    "as-issued": Profile(
        name="as-issued", italic_openings=False, punctuate=False,
        levels=(LevelFormat("decimal", "- {} -"), LevelFormat("lowerLetter", "{} -"),
                LevelFormat("lowerRoman", "{} -")),
        bullet="-", preamble_heading=True, date_style="mdy-ordinal", strip_title_punctuation=False,
    ),
}


# Sub-paragraph label typography differs by language, the label value does not (M3, S11): French and
# Spanish write "a)", and so do Russian UN texts; English "(a)".
CLOSING_PARENTHESIS_ONLY = frozenset({"fr", "es", "ru"})


def get_profile(name: str, language: str = "en") -> Profile:
    try:
        profile = PROFILES[name]
    except KeyError:
        from drafting.library.suggest import did_you_mean

        hint = did_you_mean(name, PROFILES) or f" (known: {', '.join(PROFILES)})"
        raise DraftingInputError(f"unknown style profile {name!r}{hint}") from None
    if language in CLOSING_PARENTHESIS_ONLY:
        levels = tuple(LevelFormat(level.number, "{})") if level.template == "({})" else level
                       for level in profile.levels)
        profile = profile._replace(levels=levels)
    return profile


def format_number(ordinal: int, number: str) -> str:
    """`ordinal` (1-based) in Word's number format `number`: 3 -> '3', 'c', 'iii'."""
    if number == "lowerLetter":
        # Word's lowerLetter: a … z, aa … zz, aaa …
        letter = "abcdefghijklmnopqrstuvwxyz"[(ordinal - 1) % 26]
        return letter * ((ordinal - 1) // 26 + 1)
    if number == "lowerRoman":
        out, rest = [], ordinal
        for numeral, value in ROMAN:
            while rest >= value:
                out.append(numeral)
                rest -= value
        return "".join(out)
    return str(ordinal)
