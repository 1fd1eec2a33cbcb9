"""The application layer: every operation the CLI (and any other front end) offers, typed, paths in and
results out. Front ends parse options and print; the work happens here and below.

Every function returns its result or raises `DraftingInputError` (rejected input) / `DraftingError`; files
are written only after every output has been computed, each atomically, so a failure leaves no half-written
output. Heavy modules are imported inside the operations that need them, so start-up stays cheap.
"""

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

__all__ = [
    "amendments_report",
    "assemble_to",
    "break_silence",
    "check_clauses",
    "compile_outputs",
    "concordance_report",
    "decide",
    "decide_batch",
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
    "mark",
    "mark_batch",
    "negotiation_init",
    "open_workspace",
    "parse_formats",
    "propose",
    "redline",
    "reflect",
    "resolve_all",
    "revise",
    "revision_label",
    "set_quiet",
    "silence",
    "status_report",
    "submit",
    "submit_many",
    "support",
    "text_of",
    "valid_output_name",
    "verify",
    "verify_record",
]
