"""Compilation text as Markdown (CriticMarkup) and as one self-contained HTML page.

Markdown: `{~~old~>new~~}`, `{++new++}`, `{--old--}` followed by `{>>Kazakhstan<<}` attribution; conflicts
shown as bracketed alternatives. HTML: a colour per delegation with a legend, a status badge per paragraph,
conflicting paragraphs highlighted; no scripts, no external resources; every user string escaped (and
isolated with <bdi> so a right-to-left override in a delegation name cannot reorder the page).
"""

from __future__ import annotations

import html
import re

from drafting.model.document import AmendmentKind
from drafting.negotiation.compilation import INLINE, Compilation, Entry, Proposal, alternatives_text

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22", "#393b79", "#843c39", "#637939", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1")
STATUS_LABELS = {"agreed": "agreed", "agreed-ad-ref": "agreed ad ref", "bracketed": "bracketed",
                 "pending": "pending", "proposed": "proposed", "conflict": "in conflict"}


def _title(compilation: Compilation) -> str:
    meta = compilation.document.meta
    rev = f"Rev.{compilation.revision}" if compilation.revision else "original"
    return f"Compilation text: {meta.title} ({meta.symbol or meta.document_id}, {rev})"


# -- Markdown ---------------------------------------------------------------------------------------------


_BIDI_AND_CONTROL = re.compile(r"[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _md_escape(text: str) -> str:
    text = _BIDI_AND_CONTROL.sub(lambda m: f"&#x{ord(m.group(0)):X};", text)
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("{", "\\{").replace("<", "&lt;")


def bracket_option(option: Proposal) -> str:
    """What choosing a bracketed alternative does, in words: `“Astana”`, `delete the paragraph` …"""
    if option.kind is AmendmentKind.PARAGRAPH_DELETE:
        return "delete the paragraph"
    if option.first.old == f"[{option.first.new}]":
        return "keep the paragraph"
    return f"“{option.first.new}”"


def _md_attribution(proposal: Proposal) -> str:
    """`KAZ/1 Kazakhstan`, `KAZ/2 Kazakhstan, TJK/1 Tajikistan`; `(without Track Changes)` when so made."""
    parts = [f"{_md_escape(n)} {_md_escape(a.delegation)}" for n, a in
             zip(proposal.numbers or tuple(a.id for a in proposal.amendments), proposal.amendments, strict=True)]
    supported = (f"; supported by {', '.join(_md_escape(d) for d in proposal.supporters)}"
                 if proposal.supporters else "")
    return ", ".join(parts) + supported + (" (without Track Changes)" if proposal.untracked else "")


def _md_inline(entry: Entry) -> str:
    text = entry.paragraph.text
    out: list[str] = []
    position = 0
    for proposal in entry.proposals:
        if proposal.kind not in INLINE or proposal.start < position:
            continue
        out.append(_md_escape(text[position:proposal.start]))
        old, new = _md_escape(proposal.first.old), _md_escape(proposal.first.new)
        if old and new:
            out.append(f"{{~~{old}~>{new}~~}}")
        elif new:
            out.append(f"{{++{new}++}}")
        else:
            out.append(f"{{--{old}--}}")
        out.append(f"{{>>{_md_attribution(proposal)}<<}}")
        position = proposal.end
    out.append(_md_escape(text[position:]))
    return "".join(out)


def compilation_markdown(compilation: Compilation) -> bytes:
    lines = [f"# {_md_escape(_title(compilation))}", "",
             "Delegations: " + (", ".join(_md_escape(d) for d in compilation.delegations) or "none"), ""]
    for entry in compilation.entries:
        p = entry.paragraph
        label = f"{_md_escape(p.label)} " if p.label else ""
        badge = f" `[{STATUS_LABELS.get(entry.status, entry.status)}]`"
        if entry.translation_pending:
            badge += f" `[translation pending: {', '.join(entry.translation_pending)}]`"
        lines.append(f"<!-- dp:{p.id} -->")
        if entry.new:
            proposal = entry.proposals[0]
            lines.append(f"{label}{{++{_md_escape(proposal.first.new)}++}}{{>>{_md_attribution(proposal)}<<}}"
                         f" `[proposed]`")
        elif entry.conflict:
            lines.append(f"{label}{_md_escape(p.text)}{badge}")
            lines.append("")
            lines.append(f"> **Conflict** ({_md_escape(', '.join(entry.delegations))}): "
                         + _md_escape(alternatives_text(entry.alternatives)))
        else:
            deleted = next((q for q in entry.proposals if q.kind is AmendmentKind.PARAGRAPH_DELETE), None)
            if deleted is not None:
                lines.append(f"{label}{{--{_md_escape(p.text)}--}}{{>>{_md_attribution(deleted)}<<}}{badge}")
            else:
                lines.append(f"{label}{_md_inline(entry)}{badge}")
            for proposal in entry.proposals:
                if proposal.kind not in INLINE and proposal.kind is not AmendmentKind.PARAGRAPH_DELETE:
                    lines.append("")
                    lines.append(f"> {proposal.kind.value} proposed by {_md_attribution(proposal)}"
                                 + (f": {_md_escape(proposal.first.context)}" if proposal.first.context else ""))
        for remark in entry.comments:
            lines.append("")
            anchor = f" on “{_md_escape(remark.anchor)}”" if remark.anchor else ""
            lines.append(f"> Comment by {_md_escape(remark.delegation)}{anchor}: {_md_escape(remark.text)}")
        if entry.brackets:
            lines.append("")
            lines.append("> Bracketed alternatives: " + "; ".join(
                f"{_md_attribution(option)}: {_md_escape(bracket_option(option))}" for option in entry.brackets))
        lines.append("")
    lines.append("## Conflicts")
    lines.append("")
    if not compilation.conflicts:
        lines.append("None.")
    for conflict in compilation.conflicts:
        where = f"paragraph {conflict.label} ({conflict.paragraph})" if conflict.label else conflict.paragraph
        lines.append(f"- {_md_escape(where)}: {_md_escape(', '.join(conflict.delegations))}")
    if compilation.unplaced:
        lines += ["", "## Amendments that could not be placed", ""]
        for a in compilation.unplaced:
            lines.append(f"- {_md_escape(compilation.number(a))} ({_md_escape(a.delegation)}, {a.kind.value}): "
                         f"{_md_escape(a.old)} → "
                         f"{_md_escape(a.new)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- HTML -------------------------------------------------------------------------------------------------


_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _e(text: str) -> str:
    """`text` escaped for HTML; control and bidi formatting characters as character references, so the page
    source never carries a raw override (the browser still shows the same string, isolated by <bdi>)."""
    return _INVISIBLE.sub(lambda m: f"&#x{ord(m.group()):04X};", html.escape(text, quote=True))


FILTER_STATUSES = ("pending", "bracketed", "agreed", "agreed-ad-ref", "proposed")


def _filters(compilation: Compilation, css_classes: dict[str, str]) -> tuple[str, list[str]]:
    """Filters by delegation and by status that work without scripts: radio buttons, siblings of <main>,
    and one CSS rule each hiding the paragraphs that do not match (`#who-d1:checked~main .para:not(.by-d1)`).
    Returns (the CSS, the elements)."""
    rules = [".filters{font-size:.85em;margin:.2em 0}.filter-input{margin:0 .1em 0 .6em}"]
    for d in compilation.delegations:
        key = css_classes[d]
        rules.append(f"#who-{key}:checked~main .para:not(.by-{key}){{display:none}}")
    for status in (*FILTER_STATUSES, "conflict"):
        selector = ".conflict" if status == "conflict" else f".st-{status}"
        rules.append(f"#st-{status}:checked~main .para:not({selector}){{display:none}}")
    who = [("who-all", "every delegation", True)] + [(f"who-{css_classes[d]}", d, False)
                                                      for d in compilation.delegations]
    states = [("st-all", "every status", True)] + [(f"st-{s}", STATUS_LABELS.get(s, s), False)
                                                    for s in (*FILTER_STATUSES, "conflict")]
    out = []
    for name, title, options in (("who", "Delegation:", who), ("state", "Status:", states)):
        out.append(f'<span class="filters">{title}</span>')
        for ident, label, checked in options:
            out.append(f'<input class="filter-input" type="radio" name="{name}" id="{ident}"'
                       f'{" checked" if checked else ""}><label for="{ident}"><bdi>{_e(label)}</bdi></label>')
        out.append("<br>")
    return "".join(rules), out


def compilation_html(compilation: Compilation) -> bytes:
    colours = {d: PALETTE[i % len(PALETTE)] for i, d in enumerate(compilation.delegations)}
    css_classes = {d: f"d{i}" for i, d in enumerate(compilation.delegations)}

    def who(names: tuple[str, ...]) -> str:
        return ", ".join(f'<bdi class="who {css_classes.get(n, "")}">{_e(n)}</bdi>' for n in names)

    def cls(names: tuple[str, ...]) -> str:
        return css_classes.get(names[0], "") if names else ""

    def numbered(proposal: Proposal) -> str:
        """The proposal's amendment numbers, and a mark when it was made without Track Changes."""
        refs = "".join(f' <bdi class="num" data-number="{_e(n)}">{_e(n)}</bdi>'
                       for n in proposal.numbers or tuple(a.id for a in proposal.amendments))
        if proposal.supporters:
            refs += ('<span class="supporters">supported by '
                     + ", ".join(f"<bdi>{_e(d)}</bdi>" for d in proposal.supporters) + "</span>")
        if proposal.untracked:
            refs += '<span class="untracked" title="made without Track Changes">without Track Changes</span>'
        return refs

    def ins_del(tag: str, text: str, proposal: Proposal) -> str:
        extra = " untracked-edit" if proposal.untracked else ""
        return f'<{tag} class="{cls(proposal.delegations)}{extra}">{_e(text)}</{tag}>'

    filter_css, filters = _filters(compilation, css_classes)
    rules = "".join(f".{css_classes[d]}{{color:{colours[d]};border-color:{colours[d]}}}"
                    for d in compilation.delegations) + filter_css
    out = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{_e(_title(compilation))}</title><style>",
        "body{font-family:'Times New Roman',serif;max-width:52em;margin:2em auto;line-height:1.5;color:#111}"
        "h1{font-size:1.3em}.legend{display:flex;flex-wrap:wrap;gap:.5em;list-style:none;padding:0}"
        ".legend li{border:2px solid;border-radius:4px;padding:0 .4em}"
        ".para{margin:.6em 0;padding:.3em .5em;border-left:4px solid transparent}"
        ".para.conflict{background:#fff3cd;border-left-color:#d39e00}.para.new{border-left-color:#2ca02c}"
        ".label{font-weight:bold;margin-right:.4em}ins{text-decoration:underline}del{text-decoration:line-through}"
        "ins,del{font-weight:bold}.who{font-size:.75em;border:1px solid;border-radius:3px;padding:0 .2em;"
        "margin-left:.2em;font-style:normal}.num{font-size:.7em;font-family:monospace;color:#333}"
        ".untracked{font-size:.7em;margin-left:.3em;padding:0 .3em;border:1px dashed #b00;color:#b00}"
        ".comment{display:block;font-size:.85em;margin:.3em 0 0 1em;padding:.2em .4em;background:#eef;"
        "border-left:3px solid #88a}.untracked-edit{text-decoration-style:wavy}"
        ".supporters{font-size:.7em;margin-left:.3em;font-style:italic}"
        ".badge{font-size:.7em;border-radius:8px;padding:0 .5em;margin-left:.5em;color:#fff;white-space:nowrap}"
        ".badge-agreed{background:#2e7d32}.badge-agreed-ad-ref{background:#558b2f}"
        ".badge-translation{background:#6a1b9a}.badge-bracketed{background:#c62828}.badge-pending{background:#757575}.badge-proposed{background:#1565c0}"
        ".alternatives{margin:.3em 0 0 1em}.alternatives li{margin:.2em 0}" + rules,
        "</style></head><body>",
        f"<h1>{_e(_title(compilation))}</h1>",
        '<section aria-label="legend"><h2>Delegations</h2><ul class="legend">'
        + "".join(f'<li class="{css_classes[d]}" data-delegation="{_e(d)}"><bdi>{_e(d)}</bdi></li>'
                  for d in compilation.delegations) + "</ul></section>",
        *filters,
        '<main id="text">',
    ]
    for entry in compilation.entries:
        p = entry.paragraph
        status = "proposed" if entry.new else entry.status
        involved = dict.fromkeys([*entry.delegations, *(d for b in entry.brackets for d in b.delegations),
                                  *(r.delegation for r in entry.comments)])
        classes = ["para", *(["conflict"] if entry.conflict else []), *(["new"] if entry.new else []),
                   f"st-{status}", *(f"by-{css_classes[d]}" for d in involved if d in css_classes)]
        badge = f'<span class="badge badge-{_e(status)}">{_e(STATUS_LABELS.get(status, status))}</span>'
        if entry.translation_pending:
            languages = ", ".join(entry.translation_pending)
            badge += (f'<span class="badge badge-translation" data-languages="{_e(languages)}">'
                      f"translation pending: {_e(languages)}</span>")
        label = f'<span class="label">{_e(p.label)}</span>' if p.label else ""
        body: list[str] = []
        if entry.new:
            proposal = entry.proposals[0]
            body.append(f"{ins_del('ins', proposal.first.new, proposal)}{who(proposal.delegations)}"
                        f"{numbered(proposal)}")
        elif entry.conflict:
            body.append(_e(p.text))
            body.append('<ol class="alternatives">' + "".join(
                f'<li class="alt {cls(alt.delegations)}">Alt {i} ({who(alt.delegations)}'
                + "".join(f' <bdi class="num">{_e(n)}</bdi>' for n in alt.numbers) + "): "
                + f"{_e(alt.text) if alt.text else '<em>delete the paragraph</em>'}</li>"
                for i, alt in enumerate(entry.alternatives, start=1)) + "</ol>")
        else:
            text = p.text
            position = 0
            for proposal in entry.proposals:
                if proposal.kind is AmendmentKind.PARAGRAPH_DELETE:
                    body = [f"{ins_del('del', text, proposal)}{who(proposal.delegations)}{numbered(proposal)}"]
                    position = len(text)
                    break
                if proposal.kind not in INLINE or proposal.start < position:
                    continue
                body.append(_e(text[position:proposal.start]))
                if proposal.first.old:
                    body.append(ins_del("del", proposal.first.old, proposal))
                if proposal.first.new:
                    body.append(ins_del("ins", proposal.first.new, proposal))
                body.append(who(proposal.delegations) + numbered(proposal))
                position = proposal.end
            body.append(_e(text[position:]))
        for remark in entry.comments:
            anchor = f' on “<q>{_e(remark.anchor)}</q>”' if remark.anchor else ""
            body.append(f'<aside class="comment" data-delegation="{_e(remark.delegation)}">Comment by '
                        f"<bdi>{_e(remark.delegation)}</bdi>{anchor}: {_e(remark.text)}</aside>")
        if entry.brackets:
            body.append('<ul class="brackets">' + "".join(
                f'<li class="{cls(option.delegations)}">{who(option.delegations)}{numbered(option)}: '
                f"{_e(bracket_option(option))}</li>" for option in entry.brackets) + "</ul>")
        out.append(f'<div class="{" ".join(classes)}" id="p-{_e(p.id)}" data-paragraph="{_e(p.id)}" '
                   f'data-status="{_e(status)}">{label}{"".join(body)}{badge}</div>')
    out.append("</main>")
    out.append('<section aria-label="conflicts"><h2>Conflicts</h2>')
    if compilation.conflicts:
        out.append('<ul class="conflicts">' + "".join(
            f'<li data-paragraph="{_e(c.paragraph)}"><a href="#p-{_e(c.paragraph)}">'
            f"{_e(c.label or c.paragraph)}</a>: {who(c.delegations)}</li>" for c in compilation.conflicts) + "</ul>")
    else:
        out.append("<p>None.</p>")
    out.append("</section></body></html>")
    return "\n".join(out).encode("utf-8")
