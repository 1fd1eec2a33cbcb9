"""The clause-text scanner: names and includes in, everything else refused with its line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drafting.errors import DraftingInputError
from drafting.library.placeholders import Include, Placeholder, parse_template

literal = st.text(alphabet=st.characters(blacklist_characters="{}", blacklist_categories=["Cs"]), max_size=30)
name = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
clause_id = st.from_regex(r"[a-z0-9][a-z0-9._-]{0,12}", fullmatch=True)


def tag(kind: str, value: str) -> str:
    return "{{ " + value + " }}" if kind == "name" else "{% include '" + value + "' %}"


@given(st.lists(st.one_of(literal, name.map(lambda n: ("name", n)), clause_id.map(lambda c: ("include", c))),
                max_size=8))
def test_text_and_placeholders_round_trip(chunks):
    """Whatever mix of literal text, names and includes, the pieces give back exactly that mix."""
    text = "".join(c if isinstance(c, str) else tag(*c) for c in chunks)
    pieces = parse_template(text, source="f.yaml", line=1).pieces
    rebuilt = "".join(p if isinstance(p, str) else
                      tag("name", p.name) if isinstance(p, Placeholder) else tag("include", p.clause_id)
                      for p in pieces)
    assert rebuilt == text
    assert [p.name for p in pieces if isinstance(p, Placeholder)] == [c[1] for c in chunks
                                                                       if not isinstance(c, str) and c[0] == "name"]


def test_pieces_carry_the_line_they_start_on():
    template = parse_template("first\nsecond {{ a }}\n\n{% include \"x.y\" %} {{b}}", source="f.yaml", line=10)
    assert template.pieces[1] == Placeholder("a", 11)
    assert template.pieces[3] == Include("x.y", 13)
    assert template.pieces[5] == Placeholder("b", 13)


def test_comments_are_dropped():
    assert parse_template("to {# drafter's note #}act", source="f", line=1).pieces == ("to ", "act")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a\n{{ x.y }}", 2, "only plain {{ name }}"),
        ("{{ x() }}", 1, "only plain {{ name }}"),
        ("{{ 7*7 }}", 1, "only plain {{ name }}"),
        ("{{ ''.__class__ }}", 1, "only plain {{ name }}"),
        ("{{ Name }}", 1, "bad parameter name 'Name'"),
        ("x\n\n{{ a", 3, "unclosed '{{'"),
        ("{% raw %}{{ a }}{% endraw %}", 1, "{% raw %} is not allowed"),
        ("{% include 'a' ignore missing %}", 1, "{% include %} is not allowed"),
        ("{{- a }}", 1, "whitespace control"),
        ("{# never closed", 1, "unclosed '{#'"),
    ],
)
def test_anything_else_is_refused_with_its_line(text, line, message):
    with pytest.raises(DraftingInputError) as caught:
        parse_template(text, source="f.yaml", line=1)
    assert message in str(caught.value)
    assert caught.value.line == line


def test_text_without_tags_is_one_piece():
    assert parse_template("Decides } to { act", source="f", line=1).pieces == ("Decides } to { act",)
