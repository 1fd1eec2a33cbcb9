"""The application layer: every operation the CLI (and any other front end) offers, typed, paths in and
results out. Front ends parse options and print; the work happens here and below.

Every function returns its result or raises `DraftingInputError` (rejected input) / `DraftingError`; files
are written only after every output has been computed, each atomically, so a failure leaves no half-written
output. Heavy modules are imported inside the operations that need them, so start-up stays cheap.

Names are imported on first use (PEP 562 `__getattr__`): `import drafting.app` alone imports nothing, so a
quick command (`status`, `log`, `decide`, `mark`) imports the negotiation operations only, not the
document, redline and final-version modules with theirs. The terminal text of those four commands is here
too, shared by the click commands and the console entry's quick path (`drafting.__main__`), which runs them
without click.
"""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drafting.app.documents import (
        assemble_to,
        check_clauses,
        default_registry,
        lint_spec,
        load_document,
        load_library,
        parse_formats,
        valid_output_name,
    )
    from drafting.app.final import finalize, verify
    from drafting.app.negotiation import (
        break_silence,
        compile_outputs,
        concordance_report,
        decide,
        decide_batch,
        default_actor,
        event_summary,
        import_translation,
        log_events,
        mark,
        mark_batch,
        negotiation_init,
        open_workspace,
        propose,
        reflect,
        revise,
        revision_label,
        silence,
        status_report,
        submit,
        submit_many,
        support,
        verify_record,
    )
    from drafting.app.redlines import amendments_report, list_amendments, redline, resolve_all, text_of
    from drafting.support.progress import set_quiet
    from drafting.support.resources import default_clause_dir

_MODULES = {
    "assemble_to": "drafting.app.documents",
    "check_clauses": "drafting.app.documents",
    "default_registry": "drafting.app.documents",
    "lint_spec": "drafting.app.documents",
    "load_document": "drafting.app.documents",
    "load_library": "drafting.app.documents",
    "parse_formats": "drafting.app.documents",
    "valid_output_name": "drafting.app.documents",
    "finalize": "drafting.app.final",
    "verify": "drafting.app.final",
    "break_silence": "drafting.app.negotiation",
    "compile_outputs": "drafting.app.negotiation",
    "concordance_report": "drafting.app.negotiation",
    "decide": "drafting.app.negotiation",
    "decide_batch": "drafting.app.negotiation",
    "default_actor": "drafting.app.negotiation",
    "event_summary": "drafting.app.negotiation",
    "import_translation": "drafting.app.negotiation",
    "log_events": "drafting.app.negotiation",
    "mark": "drafting.app.negotiation",
    "mark_batch": "drafting.app.negotiation",
    "negotiation_init": "drafting.app.negotiation",
    "open_workspace": "drafting.app.negotiation",
    "propose": "drafting.app.negotiation",
    "reflect": "drafting.app.negotiation",
    "revise": "drafting.app.negotiation",
    "revision_label": "drafting.app.negotiation",
    "silence": "drafting.app.negotiation",
    "status_report": "drafting.app.negotiation",
    "submit": "drafting.app.negotiation",
    "submit_many": "drafting.app.negotiation",
    "support": "drafting.app.negotiation",
    "verify_record": "drafting.app.negotiation",
    "amendments_report": "drafting.app.redlines",
    "list_amendments": "drafting.app.redlines",
    "redline": "drafting.app.redlines",
    "resolve_all": "drafting.app.redlines",
    "text_of": "drafting.app.redlines",
    "set_quiet": "drafting.support.progress",
    "default_clause_dir": "drafting.support.resources",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once: later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_MODULES})


# -- terminal text of the quick commands -------------------------------------------------------------------

_UNSAFE_IN_TERMINAL = "[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # json escapes C0


def safe_json(value: Any, **kwargs: Any) -> str:
    """JSON for a terminal: readable Unicode (Cyrillic stays Cyrillic), but control and bidirectional
    formatting characters escaped as \\uXXXX so a delegation name cannot reorder or hide output."""
    import json

    text = json.dumps(value, ensure_ascii=False, **kwargs)
    return re.sub(_UNSAFE_IN_TERMINAL, lambda m: f"\\u{ord(m.group(0)):04x}", text)



def status_lines(report: dict[str, Any]) -> list[str]:
    """`drafting status` as text: per paragraph its number, id and status, its live amendments; the conflicts,
    comments and edits made without Track Changes (`status_report`'s JSON, read by a person)."""
    from drafting.errors import safe_display

    lines = [f"{report['document']} {report['label']}"]
    for p in report["paragraphs"]:
        flag = "  CONFLICT" if p["conflict"] else ""
        if p["silence"]:
            broken = f" by {', '.join(p['silence']['broken_by'])}" if p["silence"]["broken_by"] else ""
            flag += f"  silence {p['silence']['state']}{broken} (until {p['silence']['until'][:16]}Z)"
        lines.append(f"{p['number'] or '':>8} {p['id']:<28} {p['status']}{flag}")
        for a in p["amendments"] + p["proposed_after"]:
            if a.get("active", True):
                untracked = "  (made without Track Changes)" if a["without_track_changes"] else ""
                if a["supporters"]:
                    untracked += f"  supported by {safe_display(', '.join(a['supporters']))}"
                lines.append(f"{'':>10}{safe_display(a['number'])}  {safe_display(a['delegation'])}  {a['kind']}"
                             f"  {a['decision']}{untracked}")
    for c in report["conflicts"]:
        lines.append(f"conflict: {c['number'] or c['paragraph']}: {safe_display(', '.join(c['delegations']))}")
    for p in report["paragraphs"]:
        for comment in p["comments"]:
            lines.append(safe_display(f"comment: {p['number'] or p['id']} ({p['id']}) by {comment['delegation']}: "
                                      f"{comment['text']}"))
    if report["without_track_changes"]:
        lines.append(f"{report['without_track_changes']} edit(s) made without Track Changes")
    return lines


def log_lines(events: Any, *, as_json: bool = False) -> list[str]:
    """`drafting log`: one line per event (`log_events`), or the events as one JSON text."""
    from drafting.errors import safe_display

    if as_json:
        return [safe_json([{"seq": e.seq, "at": e.at, "actor": e.actor, "kind": e.kind, "subject": e.subject,
                            "detail": e.detail} for e in events], indent=2)]
    event_summary = __getattr__("event_summary")
    lines = []
    for e in events:
        summary = event_summary(e)
        lines.append(f"{e.seq or '-':>5}  {e.at}  {safe_display(e.actor)}  {e.kind}  {safe_display(e.subject)}"
                     + (f"  {safe_display(summary)}" if summary else ""))
    return lines


def decided_json(d: Any) -> dict[str, Any]:
    """One recorded decision (`Decided`) as `decide --json` lists it."""
    a = d.amendment
    return {"number": d.number, "id": a.id, "decision": d.decision, "note": d.note, "revision": d.revision,
            "delegation": a.delegation, "paragraph": a.paragraph, "paragraph_number": d.paragraph_label,
            "kind": a.kind.value, "old": a.old, "new": a.new, "tracked": a.tracked}


def decided_lines(done: Any, *, as_json: bool = False) -> list[str]:
    """`drafting decide`: one line per decision recorded, or them all as one JSON text."""
    from drafting.errors import safe_display

    if as_json:
        return [safe_json([decided_json(d) for d in done], indent=2)]
    return [safe_display(d.summary()) for d in done]


def marked_lines(marked: Any) -> list[str]:
    """`drafting mark`: `PARAGRAPH: STATUS` per paragraph recorded."""
    return [f"{pid}: {value}" for pid, value in marked]

__all__ = [
    "amendments_report",
    "assemble_to",
    "break_silence",
    "check_clauses",
    "compile_outputs",
    "concordance_report",
    "decide",
    "decide_batch",
    "decided_json",
    "decided_lines",
    "default_actor",
    "default_clause_dir",
    "default_registry",
    "event_summary",
    "finalize",
    "import_translation",
    "lint_spec",
    "list_amendments",
    "load_document",
    "load_library",
    "log_events",
    "log_lines",
    "mark",
    "mark_batch",
    "marked_lines",
    "negotiation_init",
    "open_workspace",
    "parse_formats",
    "propose",
    "redline",
    "reflect",
    "resolve_all",
    "revise",
    "revision_label",
    "safe_json",
    "set_quiet",
    "silence",
    "status_lines",
    "status_report",
    "submit",
    "submit_many",
    "support",
    "text_of",
    "valid_output_name",
    "verify",
    "verify_record",
]
