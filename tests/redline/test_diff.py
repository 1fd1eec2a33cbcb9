"""drafting.redline.diff: word-level redlines a drafter can read, exact, deterministic, clock-free."""

from __future__ import annotations

import importlib
import itertools
import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafting.errors import DraftingInputError
from drafting.redline import diff as diff_mod
from drafting.redline.diff import (
    Edit,
    Op,
    diff_words,
    new_version,
    normalise,
    old_version,
    tokenize,
)

dmp_module = importlib.import_module("diff_match_patch.diff_match_patch")  # the module, not the class

from tests.conftest import examples  # noqa: E402

PROPERTY = settings(max_examples=examples(400), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def wdiff(edits: list[Edit]) -> str:
    """Render `edits` in wdiff notation: [-deleted-]{+inserted+}, unchanged text as in the new version."""
    marks = {Op.EQUAL: "{}", Op.DELETE: "[-{}-]", Op.INSERT: "{{+{}+}}"}
    return "".join(marks[e.op].format(e.text) for e in edits)


def changes(edits: list[Edit]) -> list[Edit]:
    return [e for e in edits if e.op is not Op.EQUAL]


# -- drafter-readable examples (old / . / new / . / expected, in wdiff notation) -----------------------------

EXAMPLES = """\
~~~ a replaced verb is one deletion then one insertion
The Conference urges all States to ratify the Convention.
.
The Conference calls upon all States to ratify the Convention.
.
The Conference [-urges-]{+calls upon+} all States to ratify the Convention.
~~~ replaced words separated only by a space read as one replacement
The Conference urges all States to ratify the Convention.
.
The Conference calls upon every State to ratify the Convention.
.
The Conference [-urges all States-]{+calls upon every State+} to ratify the Convention.
~~~ an unchanged verb between two replacements stays unchanged
The Conference urges all States to ratify the Convention.
.
The Meeting urges every State to ratify the Convention.
.
The [-Conference-]{+Meeting+} urges [-all States-]{+every State+} to ratify the Convention.
~~~ inserted clause
Requests the Secretary-General to report to the Conference at its next session.
.
Requests the Secretary-General, in consultation with Member States, to report to the Conference at its next session.
.
Requests the Secretary-General{+, in consultation with Member States,+} to report to the Conference at its next session.
~~~ inserted word takes its trailing space
Invites all States to ratify the Convention.
.
Invites all Member States to ratify the Convention.
.
Invites all {+Member +}States to ratify the Convention.
~~~ deleted trailing words
Invites all States to ratify the Convention without delay.
.
Invites all States to ratify the Convention.
.
Invites all States to ratify the Convention[- without delay-].
~~~ punctuation change
Decides to remain seized of the matter;
.
Decides to remain seized of the matter.
.
Decides to remain seized of the matter[-;-]{+.+}
~~~ number change
Decides to hold its next session in Almaty in 2011;
.
Decides to hold its next session in Almaty in 2012;
.
Decides to hold its next session in Almaty in [-2011-]{+2012+};
~~~ numbers with separators change as a whole
Approves a budget of 1,250.50 dollars.
.
Approves a budget of 1,300.00 dollars.
.
Approves a budget of [-1,250.50-]{+1,300.00+} dollars.
~~~ a date rewritten is one replacement
The meeting was held on 15 and 16 March 2011 in Almaty.
.
The meeting was held on 7 September 2012 in Almaty.
.
The meeting was held on [-15 and 16 March 2011-]{+7 September 2012+} in Almaty.
~~~ opening words replaced and an adverb added
Encourages States to cooperate.
.
Strongly encourages States to cooperate fully.
.
[-Encourages-]{+Strongly encourages+} States to cooperate{+ fully+}.
~~~ several separate amendments in one paragraph
Bearing in mind the needs of refugees and asylum-seekers,
.
Bearing in mind the particular needs of refugees, asylum-seekers and stateless persons,
.
Bearing in mind the {+particular +}needs of refugees[- and-]{+,+} asylum-seekers{+ and stateless persons+},
~~~ curly quotes, NBSP and NFD are not amendments (the new characters are kept)
Notes the “Almaty Process” with interest in Kazakhstan’s role and the café’s 7 September meeting.
.
Notes the "Almaty Process" with interest in Kazakhstan's role and the café's 7\u00a0September meeting.
.
Notes the "Almaty Process" with interest in Kazakhstan's role and the café's 7\u00a0September meeting.
~~~ whole paragraph rewritten
Welcomes the report.
.
Regrets the delay.
.
[-Welcomes the report-]{+Regrets the delay+}.
"""


def parse_examples(text: str) -> list[tuple[str, str, str, str]]:
    """(name, old, new, expected) from `text` in example format; ``\\uXXXX`` escapes are expanded."""

    def unescape(s: str) -> str:
        return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), s)

    out = []
    for block in text.split("~~~ ")[1:]:
        name, _, body = block.partition("\n")
        old, new, expected = body.rstrip("\n").split("\n.\n")
        out.append((name, unescape(old), unescape(new), unescape(expected)))
    return out


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [pytest.param(o, n, e, id=name) for name, o, n, e in parse_examples(EXAMPLES)],
)
def test_drafter_readable_examples(old: str, new: str, expected: str) -> None:
    edits = diff_words(old, new)
    assert wdiff(edits) == expected
    assert old_version(edits) == old
    assert new_version(edits) == new


def test_nfd_on_one_side_is_not_a_change() -> None:
    old = unicodedata.normalize("NFD", "Réunion de la Conférence à Genève")
    new = unicodedata.normalize("NFC", old)
    assert diff_words(old, new) == [Edit(Op.EQUAL, new, old)]


def test_replacement_is_delete_then_insert() -> None:
    assert diff_words("A urges B", "A calls upon B") == [
        Edit(Op.EQUAL, "A "),
        Edit(Op.DELETE, "urges"),
        Edit(Op.INSERT, "calls upon"),
        Edit(Op.EQUAL, " B"),
    ]


# -- normalisation policy (bad-inputs D2) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("café", "cafe\u0301", id="NFC-vs-NFD"),
        pytest.param("7 September", "7\u00a0September", id="NBSP"),
        pytest.param("7 September", "7\u202fSeptember", id="narrow-NBSP"),
        pytest.param("7 September", "7\u3000September", id="ideographic-space"),
        pytest.param("a  b", "a b", id="space-run"),
        pytest.param("the State’s", "the State's", id="apostrophe"),
        pytest.param("the ‘Process’", "the 'Process'", id="single-quotes"),
        pytest.param("the “Process”", 'the "Process"', id="double-quotes"),
        pytest.param("nego\u00adtiate", "negotiate", id="soft-hyphen"),
        pytest.param("a\u200bb", "ab", id="zero-width-space"),
        pytest.param("\ufeffText", "Text", id="BOM"),
        pytest.param("a\r\nb", "a\nb", id="CRLF"),
        pytest.param("\u0645\u200f\u0646", "\u0645\u0646", id="RLM"),
    ],
)
def test_policy_differences_give_no_redline(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)
    edits = diff_words(a, b)
    assert [e.op for e in edits] == [Op.EQUAL]
    assert edits[0].text == b  # the new version's characters
    assert edits[0].before == a


@pytest.mark.parametrize(
    ("a", "b"),
    [
        pytest.param("States", "states", id="case"),
        pytest.param("2011-2012", "2011–2012", id="hyphen-vs-en-dash"),
        pytest.param("«Process»", '"Process"', id="guillemets"),
        pytest.param("x²", "x2", id="superscript-is-not-NFKC-folded"),
        pytest.param("a\tb", "a b", id="tab"),
        pytest.param("a b", "ab", id="space-vs-none"),
    ],
)
def test_significant_differences_remain_changes(a: str, b: str) -> None:
    assert normalise(a) != normalise(b)
    assert changes(diff_words(a, b))


def test_unchanged_text_with_policy_differences_keeps_the_old_characters_for_reject_all() -> None:
    old = "Notes the “Almaty Process” and urges States"
    new = 'Notes the "Almaty Process" and calls upon States'
    edits = diff_words(old, new)
    assert wdiff(edits) == 'Notes the "Almaty Process" and [-urges-]{+calls upon+} States'
    assert edits[0] == Edit(Op.EQUAL, 'Notes the "Almaty Process" and ', "Notes the “Almaty Process” and ")
    assert old_version(edits) == old


# -- identical versions (D3) and trivial inputs -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", " ", "Recalls its resolution 65/1;", "👨‍👩‍👧 مُحَمَّد", "a\u00a0b\n\tc", "\u200b"],
)
def test_identical_versions_are_one_equal_run(text: str) -> None:
    assert diff_words(text, text) == ([Edit(Op.EQUAL, text)] if text else [])


def test_empty_sides() -> None:
    assert diff_words("", "New text.") == [Edit(Op.INSERT, "New text.")]
    assert diff_words("Old text.", "") == [Edit(Op.DELETE, "Old text.")]


# -- tokens and graphemes (D4) --------------------------------------------------------------------------------

CLUSTERS = [
    "👍🏽",  # emoji + skin tone
    "👨‍👩‍👧",  # ZWJ family
    "🏳️‍🌈",  # flag with variation selector and ZWJ
    "🇫🇷",  # regional-indicator pair
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",  # tag sequence (Scotland)
    "1️⃣",  # keycap
    "e\u0301",  # combining acute
    "ạ̄",  # two combining marks
    "क्षि",  # Devanagari conjunct with vowel sign
    "\u0645\u064f",  # Arabic letter with damma
    "\u0644\u0627",  # Arabic lam-alef (two letters, one word)
    "각",  # Hangul syllable
    "\u1100\u1161\u11a8",  # Hangul conjoining jamo
    "𝔸",  # astral letter
    "😀",  # astral symbol
    "\u0600\u0661",  # Arabic number sign + digit (prepend)
]


def boundaries(pieces: list[str]) -> set[int]:
    return set(itertools.accumulate(map(len, pieces), initial=0))


@pytest.mark.parametrize("cluster", CLUSTERS)
def test_tokens_never_split_a_grapheme(cluster: str) -> None:
    pieces = ["x ", cluster, " ", cluster, cluster, ".", cluster, " y"]
    text = "".join(pieces)
    tokens = tokenize(text)
    assert "".join(tokens) == text
    cuts = boundaries(tokens)
    starts = list(itertools.accumulate(map(len, pieces), initial=0))
    for start, piece in zip(starts, pieces, strict=False):
        if piece == cluster:
            assert not cuts & set(range(start + 1, start + len(cluster))), tokens


def test_tokenize_words_spaces_punctuation() -> None:
    assert tokenize("Recalls its resolution 65/1 (2010), paragraph 3.5;") == [
        "Recalls", " ", "its", " ", "resolution", " ", "65/1", " ", "(", "2010", ")", ",", " ",
        "paragraph", " ", "3.5", ";",
    ]  # fmt: skip
    assert tokenize("Arabic: مُحَمَّد يُرَحِّب") == ["Arabic", ":", " ", "مُحَمَّد", " ", "يُرَحِّب"]
    assert tokenize("a\u00adb c") == ["a\u00adb", " ", "c"]  # soft hyphen stays inside the word


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("Welcome 👍 all", "Welcome 👍🏽 all", id="skin-tone-added"),
        pytest.param("Family 👨‍👩‍👧 here", "Family 👨‍👩‍👦 here", id="zwj-member-changed"),
        pytest.param("Flags 🇫🇷🇩🇪 here", "Flags 🇫🇷🇮🇹 here", id="regional-indicators"),
        pytest.param("résumé", "resume", id="combining-mark-removed"),
        pytest.param("يُرَحِّب المؤتمر بالتقرير", "يُرَحِّب المؤتمر بالتقرير النهائي", id="arabic-insert"),
        pytest.param("يُرَحِّب المؤتمر", "يَرحب المؤتمر", id="arabic-harakat"),
        pytest.param("𝔸𝔹ℂ text", "𝔸𝔹𝔻 text", id="astral-letters"),
        pytest.param("क्षि test", "क्ष test", id="devanagari"),
    ],
)
def test_change_boundaries_never_split_a_character(old: str, new: str) -> None:
    edits = diff_words(old, new)
    assert changes(edits)
    assert old_version(edits) == old and new_version(edits) == new
    old_cuts, new_cuts = boundaries(tokenize(old)), boundaries(tokenize(new))
    pos_old = pos_new = 0
    for e in edits:
        pos_old += len(e.before)
        pos_new += len(e.after)
        assert pos_old in old_cuts and pos_new in new_cuts
    for e in edits:
        e.text.encode("utf-8")  # no lone surrogates
        assert not unicodedata.category(e.text[0]).startswith("M")


# -- properties ------------------------------------------------------------------------------------------------

PLAIN_PIECES = [
    "the", "Conference", "urges", "calls", "upon", "all", "every", "States", "State", "to", "ratify",
    "Convention", "2011", "2012", "65/1", "a", " ", " ", " ", "\n", ",", ";", ".", "(", ")", "-",
]  # fmt: skip
POLICY_PIECES = [
    "\u00a0", "’", "'", "“", "”", '"', "café", "cafe\u0301", "\u00ad", "\u200b", "\r\n", "\ufeff", "\u3000",
]  # fmt: skip
HARD_PIECES = [*CLUSTERS, "\u0301", "\u200d", "\U0001f3fd", "\ud800", "\U0010fffd", "\x00", "_"]

plain_text = st.lists(st.sampled_from(PLAIN_PIECES), max_size=40).map(lambda p: re.sub("  +", " ", "".join(p)))
"""Texts in which the comparison policy changes nothing (no runs of spaces, no NBSP, quotes, NFD…)."""
any_text = st.lists(st.sampled_from(PLAIN_PIECES + POLICY_PIECES + HARD_PIECES), max_size=40).map("".join)


@st.composite
def text_pairs(draw: st.DrawFn, text: st.SearchStrategy[str] = any_text) -> tuple[str, str]:
    """Two versions: unrelated, or the second an amendment of the first."""
    old = draw(text)
    if draw(st.booleans()):
        return old, draw(text)
    tokens = tokenize(old)
    new_tokens = []
    for tok in tokens:
        action = draw(st.sampled_from(["keep"] * 5 + ["drop", "replace", "insert"]))
        if action in ("replace", "insert"):
            new_tokens.append(draw(text.filter(lambda t: len(t) < 12)))
        if action in ("keep", "insert"):
            new_tokens.append(tok)
    return old, "".join(new_tokens)


def check_invariants(old: str, new: str, edits: list[Edit]) -> None:
    # Exact reconstruction: EQUAL + INSERT is the new version; EQUAL(old) + DELETE is the old one.
    assert "".join(e.text for e in edits if e.op is not Op.DELETE) == new
    assert old_version(edits) == old
    assert normalise("".join(e.text for e in edits if e.op is not Op.INSERT)) == normalise(old)
    # Shape: no empty runs, no two neighbours with the same op, a deletion always before its insertion.
    assert all(e.text for e in edits)
    for a, b in itertools.pairwise(edits):
        assert a.op is not b.op
        assert (a.op, b.op) != (Op.INSERT, Op.DELETE)
    assert all(e.old is None or (e.op is Op.EQUAL and e.old != e.text) for e in edits)
    assert all(e.old is None or normalise(e.old) == normalise(e.text) for e in edits)
    # Boundaries fall between tokens on both sides.
    old_cuts, new_cuts = boundaries(tokenize(old)), boundaries(tokenize(new))
    pos_old = pos_new = 0
    for e in edits:
        pos_old += len(e.before)
        pos_new += len(e.after)
        assert pos_old in old_cuts and pos_new in new_cuts
    # A replacement never starts or ends with a token both sides share (rule 3).
    for a, b in itertools.pairwise(edits):
        if (a.op, b.op) == (Op.DELETE, Op.INSERT):
            ta, tb = tokenize(a.text), tokenize(b.text)
            assert normalise(ta[0]) != normalise(tb[0])
            assert normalise(ta[-1]) != normalise(tb[-1])


@PROPERTY
@given(text_pairs())
def test_property_reconstruction_shape_and_boundaries(pair: tuple[str, str]) -> None:
    old, new = pair
    edits = diff_words(old, new)
    check_invariants(old, new, edits)
    assert diff_words(old, new) == edits  # deterministic


@PROPERTY
@given(text_pairs(plain_text))
def test_property_plain_text_reconstructs_without_old_characters(pair: tuple[str, str]) -> None:
    old, new = pair[0], re.sub("  +", " ", pair[1])  # amending can bring two spaces together
    edits = diff_words(old, new)
    assert "".join(e.text for e in edits if e.op is not Op.INSERT) == old
    assert "".join(e.text for e in edits if e.op is not Op.DELETE) == new


@PROPERTY
@given(any_text)
def test_property_identical_and_policy_equal_texts_have_no_change(text: str) -> None:
    assert diff_words(text, text) == ([Edit(Op.EQUAL, text)] if text else [])
    variant = (
        unicodedata.normalize("NFD", text)
        .replace(" ", "\u00a0")
        .replace("'", "’")
        .replace('"', "“")
        .replace("the", "t\u00adhe")
    )
    edits = diff_words(text, variant)
    assert not changes(edits)
    assert old_version(edits) == text and new_version(edits) == variant


@PROPERTY
@given(any_text)
def test_property_tokens_concatenate_back_and_ascii_fast_path_agrees(text: str) -> None:
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert all(tokens)
    ascii_text = text.encode("ascii", "ignore").decode()
    assert diff_mod._ASCII_TOKEN.findall(ascii_text) == diff_mod._unicode_token().findall(ascii_text)


# -- encoder ---------------------------------------------------------------------------------------------------


def test_encoder_skips_surrogates_and_numbers_by_first_appearance() -> None:
    keys = [f"w{i}" for i in range(0xD800 + 100)]
    a, b = diff_mod._encode(keys, ["new", *keys[:3]])
    assert len(set(a)) == len(keys)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in a + b)
    assert [ord(ch) for ch in a[:3]] == [1, 2, 3]
    assert ord(a[-1]) == 0xE000 + 100  # codes run 1..0xD7FF, then resume at 0xE000
    assert ord(b[0]) == 0xE000 + 101  # the first new key comes after the whole old vocabulary
    assert b[1:] == a[:3]
    a.encode("utf-8")


def test_many_distinct_words_diff_cleanly() -> None:
    old = " ".join(f"w{i}" for i in range(60_000))
    new = old.replace("w30000 ", "w30000 inserted ")
    edits = diff_words(old, new)
    assert changes(edits) == [Edit(Op.INSERT, "inserted ")]
    assert all(e.text.encode("utf-8") for e in edits)


# -- size and time (D1) ----------------------------------------------------------------------------------------

_VOCABULARY_TEXT = (
    "the Conference urges calls upon all States to ratify Convention implement recommendations of meeting "
    "national coordinators mixed migration Central Asia region protection refugees asylum seekers labour "
    "migrants stateless victims trafficking international commitments cooperation development"
)
VOCABULARY = _VOCABULARY_TEXT.split()


def random_text(seed: int, chars: int, vocabulary: list[str] = VOCABULARY) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < chars:
        sentence = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 30))) + ". "
        out.append(sentence)
        size += len(sentence)
    return "".join(out)[:chars]


class FakeClock:
    """A clock on a very slow CPU: every reading is 1,000 s after the previous one."""

    def __init__(self) -> None:
        self.now = 0.0

    def time(self) -> float:
        self.now += 1000.0
        return self.now


@pytest.mark.timeout(120)
def test_two_completely_different_megabyte_texts_finish_with_the_same_output(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old = random_text(1, 1_000_000)
    new = random_text(2, 1_000_000, [w.upper() for w in VOCABULARY] + VOCABULARY[:5])
    first = diff_words(old, new)
    assert old_version(first) == old and new_version(first) == new
    monkeypatch.setattr(dmp_module, "time", FakeClock())
    assert diff_words(old, new) == first


@pytest.mark.timeout(120)
def test_megabyte_texts_from_one_vocabulary_finish_with_the_same_output(monkeypatch: pytest.MonkeyPatch) -> None:
    old, new = random_text(3, 1_000_000), random_text(4, 1_000_000)
    first = diff_words(old, new)
    assert old_version(first) == old and new_version(first) == new
    monkeypatch.setattr(dmp_module, "time", FakeClock())
    assert diff_words(old, new) == first


@pytest.mark.timeout(120)
def test_scattered_substitutions_in_a_long_text_stay_small_never_a_wholesale_replacement(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ooxml-tracked-changes pitfall 2: 60,000 words with 3,000 substitutions must not become one
    replacement of the whole text, whatever the clock says."""
    rng = random.Random(5)
    old_words = [rng.choice(VOCABULARY) for _ in range(60_000)]
    new_words = list(old_words)
    for i in rng.sample(range(60_000), 3_000):
        new_words[i] = new_words[i].upper()
    old, new = " ".join(old_words), " ".join(new_words)
    monkeypatch.setattr(dmp_module, "time", FakeClock())
    edits = diff_words(old, new)
    changed = sum(len(e.text) for e in changes(edits))
    assert old_version(edits) == old and new_version(edits) == new
    assert changed < 0.1 * (len(old) + len(new)), changed


def test_mid_sized_random_texts_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stretches small enough for an exact diff_main run through bisection, which reads the clock."""
    old, new = random_text(6, 3_000), random_text(7, 3_000)
    first = diff_words(old, new)
    clock = FakeClock()
    monkeypatch.setattr(dmp_module, "time", clock)
    assert diff_words(old, new) == first
    assert clock.now > 0  # the clock was read, and ignored
    check_invariants(old, new, first)


def test_absurd_sizes_are_refused() -> None:
    with pytest.raises(DraftingInputError, match="too long to compare"):
        diff_words("a" * (diff_mod.MAX_CHARS + 1), "a")
    with pytest.raises(DraftingInputError, match="words and spaces"):
        diff_words("a", "a " * (diff_mod.MAX_TOKENS // 2 + 1))


def test_extending_characters_come_from_the_cache_unchanged(tmp_path, monkeypatch) -> None:
    """The code-space scan is cached; a hit, a miss and a damaged entry all give the scanned answer."""
    from drafting.support import cache

    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    scanned = diff_mod._compute_extend_spans()
    assert diff_mod._extend_spans() == scanned  # miss: computed and stored
    assert diff_mod._extend_spans() == scanned  # hit
    (entry,) = (tmp_path / "unicode").glob("*.bin")
    cache.store("unicode", entry.stem, b"not json")
    assert diff_mod._extend_spans() == scanned


_PLAIN_ALPHABET = "abcXYZ019 ,.:/;-'\"\t\r\nабвгдЖЩёéàçßاللغةكلمة中文字\u00a0\u2009\u00ad\u200b\u200e\u2060\ufeff«»–—…"


@settings(max_examples=examples(300), suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_PLAIN_ALPHABET, max_size=60))
def test_plain_unicode_text_tokenizes_as_the_full_pattern_does(text: str) -> None:
    """Text without extending, pictographic or prepended characters takes a cheaper pattern; same tokens."""
    assert diff_mod._special_characters().isdisjoint(_PLAIN_ALPHABET)
    assert diff_mod._plain_unicode_token().findall(text) == diff_mod._unicode_token().findall(text)


def test_text_with_a_combining_mark_takes_the_full_pattern() -> None:
    text = "cafe\u0301 ok"
    assert diff_mod._token_pattern_for(text) is diff_mod._unicode_token()
    assert "cafe\u0301" in tokenize(text)


# -- fast paths against the general way (issue 14: redline at 10,000 paragraphs) ----------------------------

_ASCII_TEXT = st.text(alphabet=st.sampled_from(list("ab1,. \t\r\n-:/9'\"")), max_size=40)


def _keys_the_general_way(text: str) -> tuple[list[str], list[str]]:
    tokens = diff_mod._token_pattern_for(text).findall(text)
    keys = [diff_mod._key(t) for t in tokens]
    return tokens, keys


@given(_ASCII_TEXT)
@settings(max_examples=400, deadline=None)
def test_ascii_tokens_are_their_own_keys_exactly_when_the_fast_path_says(text: str) -> None:
    tokens, keys = diff_mod._tokens_and_keys(text)
    if text.isascii() and "\r" not in text and "  " not in text:
        assert (tokens, keys) == _keys_the_general_way(text)


@given(st.one_of(_ASCII_TEXT, st.text(max_size=30)))
@settings(max_examples=400, deadline=None)
def test_normalise_fast_path_agrees_with_the_policy(text: str) -> None:
    slow = diff_mod._SPACE_RUN.sub(" ", unicodedata.normalize(
        "NFC", text.replace("\r\n", "\n").translate(diff_mod._POLICY_TABLE)))
    assert diff_mod.normalise(text) == slow


@given(_ASCII_TEXT, _ASCII_TEXT)
@settings(max_examples=300, deadline=None)
def test_lazy_token_classes_give_the_same_edits(a: str, b: str) -> None:
    """The cleanup rules' token classes and lengths, computed on demand, are those computed up front."""
    ta, ka = diff_mod._tokens_and_keys(a)
    tb, kb = diff_mod._tokens_and_keys(b)
    red = diff_mod._Redline(ta, ka, tb, kb)
    eager = diff_mod._Redline(ta, ka, tb, kb)
    for name in ("cls_a", "cls_b", "len_a", "len_b", "words_b"):
        getattr(eager, name)
    ca, cb = diff_mod._encode(ka, kb)
    runs = diff_mod._diff_codes(ca, cb)
    out = []
    for r in (red, eager):
        blocks = r.blocks(runs)
        for step in (r.join_islands, r.trim, r.slide):
            blocks = step(blocks)
        out.append(r.edits(blocks))
    assert out[0] == out[1]
    assert "".join(e.text for e in out[0] if e.op is not Op.DELETE) == b


@given(st.text(alphabet="abcde", max_size=12), st.text(alphabet="abcde", max_size=12))
@settings(max_examples=500, deadline=None)
def test_a_lone_changed_token_is_what_diff_match_patch_gives(a: str, b: str) -> None:
    """`_lone_change` skips diff-match-patch only where it would answer: delete one side, insert the other."""
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    p = dmp.diff_commonPrefix(a, b)
    sa, sb = a[p:], b[p:]
    s = dmp.diff_commonSuffix(sa, sb)
    sa, sb = sa[: len(sa) - s], sb[: len(sb) - s]
    if sa and sb and diff_mod._lone_change(sa, sb):
        dmp.Diff_Timeout = 0
        assert [(op, len(t)) for op, t in dmp.diff_main(sa, sb, False)] == [(-1, len(sa)), (1, len(sb))]
