"""`verify --workspace`: a final version checked against the negotiation record it claims to come from.

The manifest names the agreed revision (number, content hash, canonical-text hash), every amendment accepted
on the way, the record's chain head when the final was made, and its seal; the record holds the revision, the
decisions and a `finalized` event naming that seal. A final text changed consistently everywhere (its .md,
.docx, PDF and manifest all rewritten) passes `verify` alone, but not this: it no longer derives from the
revision the room agreed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drafting.final.manifest import MANIFEST, Report

if TYPE_CHECKING:
    from drafting.model.document import Document
    from drafting.negotiation.workspace import Workspace


def accepted_amendments(workspace: Workspace) -> list[dict[str, Any]]:
    """Every amendment accepted in the record (revision, id, delegation, paragraph), in revision order."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in workspace.chain():
        number = int(row["revision"])
        decisions = workspace.decisions(number)
        for amendment in workspace.amendments(number, active_only=False):
            if amendment.id in seen or decisions.get(amendment.id, ("", ""))[0] != "accept":
                continue
            seen.add(amendment.id)
            out.append({"revision": number, "id": amendment.id, "delegation": amendment.delegation,
                        "paragraph": amendment.paragraph})
    return out


def verify_against_record(outdir: Path, workspace: Workspace, report: Report) -> None:
    """Add to `report` every way the final version in `outdir` does not derive from `workspace`'s record."""
    from drafting.errors import DraftingError

    where = f"{outdir / MANIFEST}"
    try:
        manifest = json.loads((outdir / MANIFEST).read_bytes())
        agreed = dict(manifest["agreed"])
        number = int(agreed["revision"])
    except (OSError, ValueError, KeyError, TypeError):
        report.problems.append(f"{where}: names no agreed revision of a negotiation (not made from a workspace)")
        return
    label = f"Rev.{number}" if number else "the original text"
    try:
        _, document = workspace.document(number)
    except DraftingError:
        report.problems.append(f"{where}: names {label}, which the record does not hold")
    else:
        _check_derivation(where, label, number, manifest, agreed, document, workspace, report)
    _check_record_state(where, manifest, workspace, report)


def _check_derivation(where: str, label: str, number: int, manifest: dict[str, Any], agreed: dict[str, Any],
                      document: Document, workspace: Workspace, report: Report) -> None:
    """The agreed revision is the record's, and every final document derives from its language version."""
    from drafting.conventions.identity import canonical_text, content_hash
    from drafting.errors import DraftingError
    from drafting.final.derive import derivation_problems
    from drafting.final.manifest import sha256
    from drafting.model.serial import document_from_json, document_type_problem

    if content_hash(document) != agreed.get("content_hash") or sha256(
            canonical_text(document).encode("utf-8")) != agreed.get("canonical_sha256"):
        report.problems.append(f"{where}: its agreed text is not {label} of the record (hashes differ)")
    else:
        report.checks.append(f"the agreed text is {label} of the record")
    sources = {document.language: document,
               **{lang: version for lang, (version, _) in workspace.translations(number).items()}}
    for language, data in sorted(manifest.get("final_documents", {}).items()):
        try:
            final = document_from_json(json.dumps(data))
        except (DraftingError, ValueError, TypeError, KeyError) as exc:
            report.problems.append(f"{where}: its {language} final document is unreadable ({exc})")
            continue
        unreadable = document_type_problem(final)
        if unreadable is not None:
            report.problems.append(f"{where}: its {language} final document is unreadable ({unreadable})")
            continue
        expected = manifest.get("canonical_text", {}).get("sha256") if language == document.language else \
            manifest.get("translations", {}).get(language, {}).get("canonical_text", {}).get("sha256")
        if sha256(canonical_text(final).encode("utf-8")) != expected:
            report.problems.append(f"{where}: its {language} final document is not its canonical text")
        source = sources.get(language)
        if source is None:
            report.problems.append(f"{where}: {label} of the record has no {language} version")
            continue
        problems = derivation_problems(source, final)
        if problems:
            report.problems.append(f"the {language} final text does not derive from {label} of the record: "
                                   f"{problems[0]}")
        else:
            report.checks.append(f"the {language} final text derives from {label} by the final transformations")
    if "final_documents" not in manifest:
        report.problems.append(f"{where}: holds no final documents to compare with the record")


def _check_record_state(where: str, manifest: dict[str, Any], workspace: Workspace, report: Report) -> None:
    """What was accepted, the record state named, and the record's own account of this final version."""
    if manifest["agreed"].get("accepted") != accepted_amendments(workspace):
        report.problems.append(f"{where}: its accepted amendments are not those the record holds")
    record = manifest.get("record") or {}
    heads = {event.seq: event.hash for event in workspace.events()}
    if record and heads.get(int(record.get("seq") or 0)) != record.get("hash"):
        report.problems.append(f"{where}: the record state it names (event {record.get('seq')}) is not in the record")
    sealed = [event for event in workspace.events()
              if event.kind == "finalized" and event.detail.get("seal") == manifest.get("seal")]
    if not sealed:
        report.problems.append(f"{where}: the record has no `finalized` event for this final version (seal "
                               f"{str(manifest.get('seal'))[:12]}…)")
        return
    report.checks.append("the record's finalized event names this final version's seal")
    # The event also names every file made, with its hash and size: a file rewritten since (a PDF re-made
    # with its words moved, its hash put in the manifest) is one the record does not vouch for.
    recorded = sealed[-1].detail.get("files")
    if recorded != manifest.get("files"):
        differ = sorted(name for name in {*(recorded or {}), *manifest.get("files", {})}
                        if (recorded or {}).get(name) != manifest.get("files", {}).get(name))
        report.problems.append(f"{where}: its files are not those the record's finalized event names "
                               f"({', '.join(differ[:3]) or 'none recorded'})")
    else:
        report.checks.append("every file is the one the record's finalized event names")
