"""The only places a Markdown parser and a Jinja environment are made, hardened once for everyone.

`make_xml_parser` lives beside the rest of the XML code in `drafting.ooxml.parser`. A test greps the
source tree so that nothing else constructs `MarkdownIt(`, `Environment(` or `etree.XMLParser(`.
"""

from __future__ import annotations

import operator
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment
    from markdown_it import MarkdownIt

ALLOWED_LINK_SCHEMES = ("http:", "https:", "mailto:")
MAX_OPERAND_CHARS = 10_000
MAX_POWER = 64


# -- Markdown ---------------------------------------------------------------------------------------------


def _validate_link(url: str) -> bool:
    """Allow only http, https and mailto targets (markdown-it's default lets `file:` and `ms-msdt:` through)."""
    return url.strip().lower().startswith(ALLOWED_LINK_SCHEMES)


def make_markdown() -> MarkdownIt:
    """CommonMark with raw HTML off, a link allowlist and markdown-it's nesting cap kept."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


# -- Jinja ------------------------------------------------------------------------------------------------


@cache
def _capped_sandbox() -> type[SandboxedEnvironment]:
    """The sandbox class, built on first use: Jinja2 is imported only where a template is rendered."""
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import SandboxedEnvironment

    class CappedSandbox(SandboxedEnvironment):
        """Sandbox that also refuses to build huge strings or numbers with `*` and `**` (bad-inputs T3)."""

        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context: Any, operator_name: str, left: Any, right: Any) -> Any:
            if operator_name == "**":
                if isinstance(right, int) and abs(right) > MAX_POWER:
                    raise SecurityError(f"exponent {right} is too large")
                return operator.pow(left, right)
            if operator_name == "*":
                for seq, count in ((left, right), (right, left)):
                    if isinstance(seq, str | list | tuple) and isinstance(count, int):
                        if len(seq) * max(count, 0) > MAX_OPERAND_CHARS:
                            raise SecurityError("repetition result is too large")
                return operator.mul(left, right)
            return super().call_binop(context, operator_name, left, right)

    return CappedSandbox


def make_jinja_env() -> SandboxedEnvironment:
    """Sandboxed, autoescaping, strict Jinja environment with no loader (so no includes from disk)."""
    from jinja2 import DictLoader, StrictUndefined

    env = _capped_sandbox()(autoescape=True, undefined=StrictUndefined, loader=DictLoader({}), auto_reload=False)
    env.globals.clear()
    return env
