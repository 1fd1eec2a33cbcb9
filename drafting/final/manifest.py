"""manifest.json of a final version, and `verify`: recompute everything, say exactly what differs.

Canonical text (the normalisation `verify` relies on): one line per paragraph, its label and its text
separated by one space, Unicode NFC, every run of whitespace one space, no leading or trailing space, each
line ending with LF, UTF-8. Its SHA-256 is `canonical_text.sha256`.

The `seal` is the SHA-256 of the manifest's JSON without `files` and `seal` (keys sorted, no spaces); the
final .docx carries it as the custom property `DraftingFinalSeal`, so an edited manifest no longer matches
its document. The PDF is not covered by the seal (its bytes carry LibreOffice's timestamps); it is covered
by its hash in `files`, by its text, and, when signed, by its PAdES signature.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafting import __version__
from drafting.conventions.identity import canonical_text, normalise_text
from drafting.model.document import Document

FORMAT = "drafting-final/1"
MANIFEST = "manifest.json"
SEAL_PROPERTY = "DraftingFinalSeal"
NORMALISATION = ("one line per paragraph: label, one space, text; Unicode NFC; whitespace runs collapsed to one "
                 "space; trimmed; LF after each line; UTF-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seal_of(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k not in ("files", "seal")}
    return sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def build_manifest(final: Document, *, chain: list[dict[str, Any]], forced: list[str], languages: list[str],
                   signature: dict[str, str] | None,
                   translations: dict[str, Document] | None = None) -> dict[str, Any]:
    """The manifest without `files` (added as files are made) and with its `seal`."""
    text = canonical_text(final)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "toolkit": {"name": "drafting", "version": __version__},
        "document": {
            "id": final.meta.document_id, "title": final.meta.title, "symbol": final.meta.symbol,
            "language": final.language, "languages": languages, "profile": final.meta.profile,
            "revision": final.meta.revision, "synthetic": final.meta.synthetic,
        },
        "canonical_text": {"sha256": sha256(text.encode("utf-8")), "normalisation": NORMALISATION},
        "paragraphs": [{"id": p.id, "label": p.label, "text": normalise_text(p.text)} for p in final.paragraphs],
        "revisions": chain,
        "forced": forced,
    }
    if translations:
        manifest["translations"] = {
            lang: {"canonical_text": {"sha256": sha256(canonical_text(doc).encode("utf-8"))},
                   "paragraphs": [{"id": p.id, "label": p.label, "text": normalise_text(p.text)}
                                  for p in doc.paragraphs]}
            for lang, doc in sorted(translations.items())
        }
    if signature:
        manifest["signature"] = signature
    manifest["seal"] = seal_of(manifest)
    return manifest


def dump(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# -- verify ---------------------------------------------------------------------------------------------------


@dataclass
class Report:
    """What `verify` found: `problems` empty means OK."""

    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _paragraphs(manifest: dict[str, Any], language: str | None) -> list[dict[str, str]]:
    """The sealed paragraphs of the primary text, or of the `language` version."""
    primary = manifest.get("document", {}).get("language")
    if language in (None, primary):
        return list(manifest.get("paragraphs", []))
    return list(manifest.get("translations", {}).get(language, {}).get("paragraphs", []))


def _canonical_lines(manifest: dict[str, Any], language: str | None = None) -> list[str]:
    return [f"{p['label']} {p['text']}" if p["label"] else p["text"] for p in _paragraphs(manifest, language)]


def _first_difference(expected: list[tuple[str, str]], found: list[tuple[str | None, str]]) -> str:
    from drafting.redline.diff import Op, diff_words

    by_id = {pid: text for pid, text in found if pid}
    for pid, text in expected:
        got = by_id.get(pid)
        if got is None:
            return f"paragraph {pid} is missing"
        if normalise_text(got) != text:
            edits = diff_words(text, normalise_text(got))
            shown = ", ".join(f"{'+' if e.op is Op.INSERT else '-'}{e.text.strip()!r}" for e in edits
                              if e.op is not Op.EQUAL)[:200]
            return f"paragraph {pid} differs ({shown})"
    extra = [pid for pid, _ in found if pid and pid not in dict(expected)]
    if extra:
        return f"paragraph {extra[0]} was added"
    if len(found) != len(expected):
        return f"{len(found)} paragraphs instead of {len(expected)}"
    return "text differs"


def _pdf_words(pdf_path: Path, manifest: dict[str, Any], *, raw: bool = False) -> list[str] | str:
    try:
        result = subprocess.run(["pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", str(pdf_path), "-"],
                                capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"cannot extract the PDF's text ({exc}); install poppler-utils"
    if result.returncode != 0:
        return "the PDF's text cannot be extracted (damaged or not a PDF)"
    symbol = manifest.get("document", {}).get("symbol", "")
    lines: list[str] = []
    for page in result.stdout.decode("utf-8", "replace").split("\f"):
        rows = [row for row in page.splitlines() if row.strip()]
        if rows and symbol and rows[0].strip() == symbol:
            rows = rows[1:]  # running header
        if rows and re.fullmatch(r"\s*-\s*\d+\s*-\s*", rows[-1]):
            rows = rows[:-1]  # page-number footer
        lines.extend(rows)
    joined = re.sub(r"(\w)-\n(\w)", r"\1\2", "\n".join(lines))
    return re.findall(r"\w+", joined)


def _words_in_order(expected: list[str], found: list[str]) -> bool:
    """Every expected word in order, allowing pdftotext's joining of words hyphenated at a line end."""
    i = 0
    for token in found:
        if i == len(expected):
            return False  # extra words after the text
        joined, j = "", i
        while j < len(expected) and len(joined) < len(token):
            joined += expected[j]
            j += 1
        if joined == token:
            i = j
        else:
            return False
    return i == len(expected)


def verify(outdir: Path) -> Report:
    """Recompute every hash and text of the final version in `outdir`."""
    from drafting.errors import DraftingError
    from drafting.ooxml.wml.tree import read_custom_properties
    from drafting.readers.docx import read_docx_version
    from drafting.readers.files import load_version

    report = Report()
    path = outdir / MANIFEST
    try:
        manifest = json.loads(path.read_bytes())
    except FileNotFoundError:
        report.problems.append(f"{path}: missing")
        return report
    except (OSError, ValueError) as exc:
        report.problems.append(f"{path}: not readable JSON ({exc})")
        return report
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        report.problems.append(f"{path}: not a drafting final manifest")
        return report
    if seal_of(manifest) != manifest.get("seal"):
        report.problems.append(f"{path}: edited (its seal no longer matches its content)")
    lines = _canonical_lines(manifest)
    text = "".join(line + "\n" for line in lines)
    if sha256(text.encode("utf-8")) != manifest.get("canonical_text", {}).get("sha256"):
        report.problems.append(f"{path}: edited (its paragraphs do not give its canonical-text hash)")
    for lang, version in manifest.get("translations", {}).items():
        lines_l = _canonical_lines(manifest, lang)
        if sha256("".join(line + "\n" for line in lines_l).encode("utf-8")) != version.get("canonical_text", {}).get(
                "sha256"):
            report.problems.append(f"{path}: edited (its {lang} paragraphs do not give their canonical-text hash)")
    files = manifest.get("files", {})
    for name, info in sorted(files.items()):
        file_path = outdir / name
        if "/" in name or name.startswith("."):
            report.problems.append(f"{path}: file name {name!r} is not allowed")
            continue
        try:
            data = file_path.read_bytes()
        except FileNotFoundError:
            report.problems.append(f"{file_path}: missing")
            continue
        if sha256(data) != info.get("sha256"):
            report.problems.append(f"{file_path}: changed (SHA-256 differs from the manifest)")
        else:
            report.checks.append(f"{name}: SHA-256 ok")
        language = info.get("language")
        side_by_side = info.get("kind") == "side-by-side"
        expected = [(p["id"], p["text"]) for p in _paragraphs(manifest, language)]
        text = "".join(line + "\n" for line in _canonical_lines(manifest, language))
        try:
            if name.endswith(".docx"):
                docx = read_docx_version(data, str(file_path))
                found = [(p.id, p.text) for p in docx.version.paragraphs]
                if not side_by_side and [(i, normalise_text(t)) for i, t in found] != expected:
                    report.problems.append(f"{file_path}: {_first_difference(expected, found)}")
                custom = docx.package.related_part("", "custom-properties")
                props = read_custom_properties(docx.package.xml(custom)) if custom else {}
                if props.get(SEAL_PROPERTY) != manifest.get("seal"):
                    report.problems.append(f"{file_path}: its seal does not match the manifest (manifest edited?)")
                if docx.version.tracked:
                    report.problems.append(f"{file_path}: holds tracked changes")
            elif name.endswith(".md"):
                version = load_version(file_path)
                found = [(p.id, p.text) for p in version.paragraphs]
                if [(i, normalise_text(t)) for i, t in found] != expected:
                    report.problems.append(f"{file_path}: {_first_difference(expected, found)}")
            elif name.endswith(".pdf") and side_by_side:
                if "signature" in manifest:
                    _check_signature(data, file_path, manifest["signature"], report)
            elif name.endswith(".pdf"):
                words = _pdf_words(file_path, manifest)
                if isinstance(words, str):
                    report.problems.append(f"{file_path}: {words}")
                elif not _words_in_order(re.findall(r"\w+", text), words):
                    # pdftotext's layout analysis can take a widely spaced justified line for two columns and
                    # reorder its words; the content-stream order (-raw) is the text as LibreOffice laid it out.
                    raw = _pdf_words(file_path, manifest, raw=True)
                    if isinstance(raw, str) or not _words_in_order(re.findall(r"\w+", text), raw):
                        report.problems.append(f"{file_path}: its text differs from the canonical text")
                if "signature" in manifest:
                    _check_signature(data, file_path, manifest["signature"], report)
        except DraftingError as exc:
            report.problems.append(f"{file_path}: {exc}")
    if not files:
        report.problems.append(f"{path}: lists no files")
    return report


def _check_signature(pdf: bytes, path: Path, expected: dict[str, str], report: Report) -> None:
    from drafting.final.sign import check_signature

    check = check_signature(pdf)
    if check is None:
        report.problems.append(f"{path}: the signature is missing")
        return
    if not check.intact:
        report.problems.append(f"{path}: the signature is broken (signed bytes altered)")
    if not check.covers_whole_file:
        report.problems.append(f"{path}: changed after signing (the signature does not cover the whole file)")
    if expected.get("signer") and check.signer != expected["signer"]:
        report.problems.append(f"{path}: signed by {check.signer!r}, not {expected['signer']!r}")
    if check.ok:
        report.checks.append(f"{path.name}: signature intact, whole file covered, signed by {check.signer}")
