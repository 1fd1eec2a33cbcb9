"""The reflection report as Markdown and as one self-contained HTML page (no scripts, every string escaped)."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from drafting.negotiation.reflect import Fate

OUTCOMES = ("accepted", "merged", "bracketed", "pending", "rejected", "withdrawn", "lapsed", "superseded")


def _change(fate: Fate) -> str:
    a = fate.amendment
    if a.old and a.new:
        return f"“{a.old}” → “{a.new}”"
    if a.new:
        return f"{a.kind.value} “{a.new}”"
    return f"{a.kind.value} “{a.old}”" if a.old else a.kind.value


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*").replace("_", "\\_").replace(
        "<", "&lt;").replace("\n", " ")


def _summary(fates: Sequence[Fate]) -> str:
    counts = {o: sum(1 for f in fates if f.outcome == o) for o in OUTCOMES}
    return ", ".join(f"{n} {o}" for o, n in counts.items() if n)


def reflection_markdown(title: str, report: Mapping[str, Sequence[Fate]]) -> bytes:
    lines = [f"# Reflection report: {_md(title)}", "",
             "Where every proposal of each delegation went, across all revisions.", ""]
    for delegation, fates in report.items():
        lines += [f"## {_md(delegation)}", "", f"{len(fates)} proposal(s): {_summary(fates)}.", "",
                  "| Number | Made on | Paragraph | Change | Where it went | Note |", "|---|---|---|---|---|---|"]
        for f in fates:
            supported = f" (supported by {', '.join(f.supporters)})" if f.supporters else ""
            lines.append(f"| {_md(f.number)} | {'original' if f.revision == 0 else f'Rev.{f.revision}'} | "
                         f"{_md(f.amendment.paragraph or '')} | {_md(_change(f))}{_md(supported)} | "
                         f"{_md(f.where)} | {_md(f.note)} |")
        lines.append("")
    return ("\n".join(lines) + "\n").encode("utf-8")


def reflection_html(title: str, report: Mapping[str, Sequence[Fate]]) -> bytes:
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           f"<title>Reflection report: {e(title)}</title><style>body{{font-family:serif;max-width:60em;margin:2em "
           "auto}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.2em .4em;"
           "vertical-align:top}.accepted,.merged{background:#e8f5e9}.rejected,.lapsed{background:#fdecea}"
           ".bracketed,.pending{background:#fff8e1}</style></head><body>",
           f"<h1>Reflection report: {e(title)}</h1>"]
    for delegation, fates in report.items():
        out.append(f'<section data-delegation="{e(delegation)}"><h2><bdi>{e(delegation)}</bdi></h2>'
                   f"<p>{len(fates)} proposal(s): {e(_summary(fates))}.</p><table><thead><tr><th>Number</th>"
                   "<th>Made on</th><th>Paragraph</th><th>Change</th><th>Where it went</th><th>Note</th></tr>"
                   "</thead><tbody>")
        for f in fates:
            supported = f" (supported by {', '.join(f.supporters)})" if f.supporters else ""
            out.append(f'<tr class="{e(f.outcome)}" data-number="{e(f.number)}" data-outcome="{e(f.outcome)}">'
                       f"<td><bdi>{e(f.number)}</bdi></td><td>{'original' if f.revision == 0 else f'Rev.{f.revision}'}"
                       f"</td><td>{e(f.amendment.paragraph or '')}</td><td>{e(_change(f) + supported)}</td>"
                       f"<td>{e(f.where)}</td><td>{e(f.note)}</td></tr>")
        out.append("</tbody></table></section>")
    out.append("</body></html>")
    return "\n".join(out).encode("utf-8")
