"""manifest.json of a final version, and `verify`: recompute everything, say exactly what differs.

Canonical text (the normalisation `verify` relies on): one line per paragraph, its label and its text
separated by one space, Unicode NFC, every run of whitespace one space, no leading or trailing space, each
line ending with LF, UTF-8. Its SHA-256 is `canonical_text.sha256`.

The `seal` is the SHA-256 of the manifest's JSON without `files` and `seal` (keys sorted, no spaces); the
final .docx carries it as the custom property `DraftingFinalSeal`, so an edited manifest no longer matches
its document. The PDF is not covered by the seal (its bytes carry LibreOffice's timestamps); it is covered
by its hash in `files`, by its text, and, when signed, by its PAdES signature.

The seal cannot cover `files` (the .docx carries the seal), so a signed final signs the whole manifest: a
detached CMS signature over its canonical JSON (`manifest.json.p7s`), which covers every file's hash, size and
media type. Unsigned, the manifest also carries each final document whole (`final_documents`): `verify`
renders the .md and .docx again and compares bytes, so a comment or a property slipped into either is found
even when its hash in the manifest was rewritten. `verify` refuses files the manifest does not list,
symbolic links and directories.

What the seal does cover of the files is their list: `contents` names every file `finalize` makes with its
kind, language and media type (known before they are made), so a file removed with its entry, or relabelled,
is found. `verify` reads a manifest only of the shape `finalize` writes (`SHAPE`), byte for byte as it writes
it; an unsigned final's PDFs must be one revision holding nothing that acts (`sign.unsigned_pdf_problem`).
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
from drafting.model.document import Document, Role

FORMAT = "drafting-final/1"
MANIFEST = "manifest.json"
MANIFEST_SIGNATURE = "manifest.json.p7s"
MEDIA_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}
SEAL_PROPERTY = "DraftingFinalSeal"
NORMALISATION = ("one line per paragraph: label, one space, text; Unicode NFC; whitespace runs collapsed to one "
                 "space; trimmed; LF after each line; UTF-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def seal_of(manifest: dict[str, Any]) -> str:
    body = {k: v for k, v in manifest.items() if k not in ("files", "seal")}
    return sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def canonical_json(manifest: dict[str, Any]) -> bytes:
    """What the manifest's detached signature covers: its JSON with keys sorted, no spaces, UTF-8."""
    return json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def build_manifest(final: Document, *, chain: list[dict[str, Any]], forced: list[str], languages: list[str],
                   signature: dict[str, str] | None,
                   translations: dict[str, Document] | None = None, agreed: dict[str, Any] | None = None,
                   record: dict[str, Any] | None = None,
                   documents: dict[str, Document] | None = None,
                   contents: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    """The manifest without `files` (added as files are made) and with its `seal`. `agreed` names the agreed
    revision (its hashes, the accepted amendments), `record` the negotiation record's chain head, `documents`
    the final documents whole (for `verify` to render them again), `contents` the files to be made (name:
    kind, language), sealed: their hashes and sizes, known only once they are made, go in `files`."""
    from drafting.model.serial import document_json

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
        "paragraphs": [_paragraph_entry(p) for p in final.paragraphs],
        "revisions": chain,
        "forced": forced,
    }
    if translations:
        manifest["translations"] = {
            lang: {"canonical_text": {"sha256": sha256(canonical_text(doc).encode("utf-8"))},
                   "paragraphs": [_paragraph_entry(p) for p in doc.paragraphs]}
            for lang, doc in sorted(translations.items())
        }
    if agreed is not None:
        manifest["agreed"] = agreed
    if record is not None:
        manifest["record"] = record
    if documents:
        manifest["final_documents"] = {lang: json.loads(document_json(doc)) for lang, doc in sorted(documents.items())}
    if signature:
        manifest["signature"] = signature
    if contents is not None:
        manifest["contents"] = {name: {**entry, "media_type": media_type(name)}
                                for name, entry in sorted(contents.items())}
    manifest["seal"] = seal_of(manifest)
    return manifest


def dump(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# -- verify ---------------------------------------------------------------------------------------------------


class _Each:
    """In a manifest's shape: an object whose every key is a string naming an item of shape `item`."""

    def __init__(self, item: object) -> None:
        self.item = item


_PARAGRAPH = {"id": str, "label": str, "text": str, "note?": bool}
_FILE_INFO = {"kind": str, "language": str, "media_type": str}
SHAPE: dict[str, object] = {
    "format": str,
    "toolkit": {"name": str, "version": str},
    "document": {"id": str, "title": str, "symbol": str, "language": str, "languages": [str], "profile": str,
                 "revision": int, "synthetic": bool},
    "canonical_text": {"sha256": str, "normalisation": str},
    "paragraphs": [_PARAGRAPH],
    "revisions": [dict],
    "forced": [str],
    "translations?": _Each({"canonical_text": {"sha256": str}, "paragraphs": [_PARAGRAPH]}),
    "agreed?": {"revision": int, "content_hash": str, "canonical_sha256": str,
                "accepted": [{"revision": int, "id": str, "delegation": str, "paragraph": str}]},
    "record?": {"seq": int, "hash": str},
    "final_documents?": _Each(dict),
    "signature?": _Each(str),
    "contents?": _Each(_FILE_INFO),
    "seal": str,
    "files": _Each({"sha256": str, "size": int, **_FILE_INFO}),
}
"""What `finalize` writes, key by key (`key?`: may be absent); `verify` reads nothing of another shape."""


def shape_problem(value: object, shape: object = SHAPE, where: str = "") -> str | None:
    """The first place where `value` is not of `shape` (see `SHAPE`), or None."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{where or 'the manifest'} is not an object"
        for key, item in shape.items():
            name = key.removesuffix("?")
            if name not in value:
                if key.endswith("?"):
                    continue
                return f"{where}{'.' if where else ''}{name} is missing"
            problem = shape_problem(value[name], item, f"{where}{'.' if where else ''}{name}")
            if problem is not None:
                return problem
        unknown = sorted(set(value) - {key.removesuffix("?") for key in shape})
        return f"{where}{'.' if where else ''}{unknown[0]} is not part of a final manifest" if unknown else None
    if isinstance(shape, _Each):
        if not isinstance(value, dict):
            return f"{where} is not an object"
        for name, item in value.items():
            if not name or "\0" in name:
                return f"{where} has an empty key or one with a NUL character"
            problem = shape_problem(item, shape.item, f"{where}.{name}")
            if problem is not None:
                return problem
        return None
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where} is not a list"
        for number, item in enumerate(value):
            problem = shape_problem(item, shape[0], f"{where}[{number}]")
            if problem is not None:
                return problem
        return None
    assert isinstance(shape, type)
    if (shape is int and isinstance(value, bool)) or not isinstance(value, shape):
        return f"{where} is not {_KIND_NAMES[shape]}"
    if isinstance(value, str) and "\0" in value:
        return f"{where} holds a NUL character"
    return None


_KIND_NAMES = {str: "a string", int: "a whole number", bool: "true or false", dict: "an object"}


@dataclass
class Report:
    """What `verify` found: `problems` empty means OK."""

    checks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the user must know although nothing failed ("signer not verified against a trust anchor")."""
    readable: bool = False
    """The manifest was read and is of the shape finalize writes (what else `verify` checks reads it)."""
    signed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _paragraph_entry(paragraph: Any) -> dict[str, Any]:
    """A sealed paragraph: id, label, normalised text; a footnote says so (its words sit at a page's foot
    in a PDF, not after its paragraph)."""
    entry: dict[str, Any] = {"id": paragraph.id, "label": paragraph.label, "text": normalise_text(paragraph.text)}
    if paragraph.role is Role.FOOTNOTE:
        entry["note"] = True
    return entry


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


def _pdf_words(pdf_path: Path, manifest: dict[str, Any], *, raw: bool = False,
               join_hyphens: bool = True) -> list[str] | str:
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
    joined = "\n".join(lines)
    if join_hyphens:
        joined = re.sub(r"(\w)-\n(\w)", r"\1\2", joined)
    return re.findall(r"\w+", joined)


def _pdf_text_matches(manifest: dict[str, Any], language: str | None, text: str, found: list[str]) -> bool:
    """Whether a PDF's words are the canonical text's. Footnotes are laid out at the foot of a page and their
    numbers stand after a word in the body: each note's words (its number first) are taken out of the PDF's
    words where they stand, and a note number alone or after a body word is not a word of the text."""
    notes = [p for p in _paragraphs(manifest, language) if p.get("note")]
    if not notes:
        return _words_in_order(re.findall(r"\w+", text), found)
    remaining = list(found)
    for note in notes:
        run = re.findall(r"\w+", f"{note['label']} {note['text']}")
        at = next((i for i in range(len(remaining) - len(run) + 1) if remaining[i:i + len(run)] == run), None)
        if at is None:
            return False
        del remaining[at:at + len(run)]
    body = [w for p in _paragraphs(manifest, language) if not p.get("note")
            for w in re.findall(r"\w+", f"{p['label']} {p['text']}" if p["label"] else p["text"])]
    labels = {str(note["label"]) for note in notes}
    i = 0
    for token in remaining:
        if i < len(body) and (token == body[i] or any(token == body[i] + label for label in labels)):
            i += 1  # the word, or the word with a note's number glued to it
        elif token in labels:
            continue  # a note's number on its own (after punctuation)
        else:
            joined, j = "", i  # a word hyphenated at a line's end, joined by pdftotext
            while j < len(body) and len(joined) < len(token):
                joined += body[j]
                j += 1
            if joined != token:
                return False
            i = j
    return i == len(body)


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


def _check_listing(outdir: Path, manifest: dict[str, Any], report: Report) -> None:
    """Only regular files the manifest lists (and the manifest and its signature): nothing else, no links."""
    allowed = {MANIFEST, *manifest.get("files", {})}
    if "signature" in manifest:
        allowed.add(MANIFEST_SIGNATURE)
    for entry in sorted(outdir.iterdir()):
        if entry.is_symlink():
            report.problems.append(f"{entry}: a symbolic link (a final version holds its files itself)")
        elif not entry.is_file():
            report.problems.append(f"{entry}: not a regular file; a final version holds nothing else")
        elif entry.name not in allowed:
            report.problems.append(f"{entry}: not part of the final version (the manifest does not list it)")


def _check_rendering(outdir: Path, manifest: dict[str, Any], report: Report, read: dict[str, bytes]) -> None:
    """The .md and .docx rendered again from the manifest's final documents must give the same bytes (`read`:
    the listed files' bytes, by name, as `verify` read them)."""
    from drafting.errors import DraftingError
    from drafting.model.serial import document_from_json, document_type_problem

    documents = manifest.get("final_documents")
    if not isinstance(documents, dict) or not documents:
        if "contents" in manifest:  # (a drafting that seals its contents always writes its final documents)
            report.problems.append(f"{outdir / MANIFEST}: holds no final documents (removed?)")
        else:
            report.notes.append("the manifest holds no final documents: the files' bytes were not rendered again")
        return
    if manifest.get("toolkit", {}).get("version") != __version__:
        report.notes.append(f"made by drafting {manifest.get('toolkit', {}).get('version')}, checked by "
                            f"{__version__}: the files' bytes were not rendered again")
        return
    from drafting.render.docx import render_docx, render_side_by_side
    from drafting.render.markdown import render_markdown

    try:
        finals = {lang: document_from_json(json.dumps(doc)) for lang, doc in documents.items()}
    except (DraftingError, ValueError, TypeError, KeyError) as exc:
        report.problems.append(f"{outdir / MANIFEST}: its final documents are unreadable ({exc})")
        return
    for lang, final in finals.items():
        problem = document_type_problem(final)
        if problem is not None:
            report.problems.append(f"{outdir / MANIFEST}: its {lang} final document is unreadable ({problem})")
            return
    order = [lang for lang in manifest.get("document", {}).get("languages", []) if lang in finals]
    seal = {SEAL_PROPERTY: str(manifest.get("seal"))}
    for name, info in sorted(manifest.get("files", {}).items()):
        language, kind = info.get("language"), info.get("kind")
        path = outdir / name
        found = read.get(name) if name.endswith((".md", ".docx")) else None
        if found is None:
            continue
        try:
            if kind == "side-by-side":
                if not name.endswith(".docx") or set(order) != set(finals):
                    continue
                expected = render_side_by_side([finals[lang] for lang in order], extra_properties=seal)
            elif language in finals:
                document = finals[language]
                expected = render_markdown(document) if name.endswith(".md") else render_docx(
                    document, extra_properties=seal)
            else:
                report.problems.append(f"{path}: the manifest holds no final document in its language {language!r}")
                continue
        except DraftingError as exc:
            report.problems.append(f"{outdir / MANIFEST}: its {language} final document cannot be rendered ({exc})")
            continue
        if found != expected:
            report.problems.append(f"{path}: {_what_differs(found, expected, name)} (it is not the "
                                   "file this final version was made with)")
        else:
            report.checks.append(f"{name}: the same bytes as the final text renders to")


def _what_differs(found: bytes, expected: bytes, name: str) -> str:
    """Where a file differs from its rendering: the part of a .docx, or the first differing line of a .md."""
    if name.endswith(".md"):
        got, want = found.decode("utf-8", "replace").splitlines(), expected.decode("utf-8").splitlines()
        for number, (a, b) in enumerate(zip(got, want, strict=False), start=1):
            if a != b:
                return f"line {number} differs ({a[:60]!r})"
        return "lines were added" if len(got) > len(want) else "lines were removed"
    import io
    import zipfile
    import zlib

    try:
        with zipfile.ZipFile(io.BytesIO(found)) as theirs, zipfile.ZipFile(io.BytesIO(expected)) as ours:
            names = set(theirs.namelist()) | set(ours.namelist())
            for part in sorted(names):
                if part not in theirs.namelist():
                    return f"part {part} is missing"
                if part not in ours.namelist():
                    return f"part {part} was added"
                if theirs.read(part) != ours.read(part):
                    return f"part {part} was changed"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError, zlib.error):
        return "not the .docx it should be"  # (a damaged, encrypted or exotic zip: the reader says which)
    return "its bytes differ"


def _check_manifest_signature(outdir: Path, manifest: dict[str, Any], report: Report,
                              trust: list[Any] | None) -> None:
    from drafting.errors import DraftingError
    from drafting.final.sign import check_detached

    path = outdir / MANIFEST_SIGNATURE
    if path.is_symlink() or not path.is_file():
        report.problems.append(f"{path}: missing (a signed final version signs its manifest)")
        return
    try:
        check = check_detached(canonical_json(manifest), path.read_bytes(), trust)
    except DraftingError as exc:
        report.problems.append(f"{path}: {exc}")
        return
    expected = manifest.get("signature", {})
    if not check.intact:
        report.problems.append(f"{outdir / MANIFEST}: changed after signing (its signature no longer matches)")
        return
    if expected.get("fingerprint") and check.fingerprint != expected["fingerprint"]:
        report.problems.append(f"{path}: signed by another certificate (SHA-256 {check.fingerprint}) than the "
                               "manifest names")
        return
    _trust_line(MANIFEST, check.signer, check.fingerprint, check.trusted, report)


def _trust_line(name: str, signer: str, fingerprint: str, trusted: bool | None, report: Report) -> None:
    if trusted is None:
        report.checks.append(f"{name}: signature intact, signer not verified against a trust anchor "
                             f"(certificate SHA-256 {fingerprint}, naming itself {signer!r})")
        report.notes.append(f"{name}: the signer was not verified against a trust anchor (give --trust)")
    elif trusted:
        report.checks.append(f"{name}: signature intact, signed by {signer} (certificate SHA-256 {fingerprint}, "
                             "trusted)")
    else:
        report.problems.append(f"{name}: the signer's certificate (SHA-256 {fingerprint}, naming itself "
                               f"{signer!r}) does not chain to the trust anchor given")


_SYMLINK, _NOT_REGULAR = "a symbolic link (a final version holds its files itself)", "not a regular file"


def read_regular(path: Path) -> bytes | str:
    """The bytes of the regular file at `path`, or why there are none: missing, a symbolic link (never followed),
    a directory, a FIFO or a device (opened without waiting, never read)."""
    import os
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return "missing"
    except OSError as exc:
        return _SYMLINK if path.is_symlink() else f"cannot be read ({exc.strerror})"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return _NOT_REGULAR
        with os.fdopen(os.dup(fd), "rb") as handle:
            return handle.read()
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    finally:
        os.close(fd)


def verify(outdir: Path, *, trust: list[Any] | None = None) -> Report:
    """Recompute every hash and text of the final version in `outdir`; with `trust` (certificates), check
    that the signatures chain to one of them."""
    report = Report()
    path = outdir / MANIFEST
    data = read_regular(path)
    if isinstance(data, str):
        report.problems.append(f"{path}: {data}")
        return report
    try:
        manifest = json.loads(data)
    except (ValueError, RecursionError) as exc:
        report.problems.append(f"{path}: not readable JSON ({str(exc)[:200]})")
        return report
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        report.problems.append(f"{path}: not a drafting final manifest")
        return report
    try:
        canonical = dump(manifest)
    except UnicodeEncodeError:  # (an escaped lone surrogate: no text holds one, and no seal can be computed)
        report.problems.append(f"{path}: holds a lone surrogate (\\ud800-\\udfff escaped alone), which no text keeps")
        return report
    shape = shape_problem(manifest)
    if shape is not None:
        report.problems.append(f"{path}: not a manifest finalize writes ({shape})")
        return report
    report.readable = True
    report.signed = "signature" in manifest
    if data != canonical:
        report.problems.append(f"{path}: not written as finalize writes it (edited by hand or by another tool: "
                               "keys repeated, reordered or re-encoded)")
    if seal_of(manifest) != manifest["seal"]:
        report.problems.append(f"{path}: edited (its seal no longer matches its content)")
    _check_listing(outdir, manifest, report)
    if report.signed:
        _check_manifest_signature(outdir, manifest, report, trust)
    elif trust is not None:
        report.problems.append(f"{path}: this final version is not signed, so no signer can be checked against "
                               "the trust anchor")
    lines = _canonical_lines(manifest)
    if sha256("".join(line + "\n" for line in lines).encode("utf-8")) != manifest["canonical_text"]["sha256"]:
        report.problems.append(f"{path}: edited (its paragraphs do not give its canonical-text hash)")
    for lang, version in manifest.get("translations", {}).items():
        lines_l = _canonical_lines(manifest, lang)
        if sha256("".join(line + "\n" for line in lines_l).encode("utf-8")) != version["canonical_text"]["sha256"]:
            report.problems.append(f"{path}: edited (its {lang} paragraphs do not give their canonical-text hash)")
    files = manifest["files"]
    _check_contents(path, manifest, report)
    read: dict[str, bytes] = {}
    for name, info in sorted(files.items()):
        if not allowed_name(name):
            report.problems.append(f"{path}: file name {name[:80]!r} is not allowed")
            continue
        file_path = outdir / name
        data = read_regular(file_path)
        if isinstance(data, str):
            if data not in (_SYMLINK, _NOT_REGULAR):  # (those the listing check reports; never read)
                report.problems.append(f"{file_path}: {data}")
            continue
        read[name] = data
        _check_file(file_path, data, info, manifest, report, trust)
    if not files:
        report.problems.append(f"{path}: lists no files")
    _check_rendering(outdir, manifest, report, read)
    return report


def allowed_name(name: str) -> bool:
    """A file name a final version may list: one name inside OUTDIR, not hidden, not the manifest's own."""
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".") \
        and len(name.encode("utf-8", "surrogatepass")) <= 255 and name not in (MANIFEST, MANIFEST_SIGNATURE)


def _check_contents(path: Path, manifest: dict[str, Any], report: Report) -> None:
    """The files listed are those the sealed `contents` name, each of the kind, language and media type sealed."""
    contents, files = manifest.get("contents"), manifest["files"]
    if contents is None:
        report.notes.append("the manifest does not seal its list of files (made by an earlier drafting): a file "
                            "removed with its entry would not be found")
        return
    for name in sorted(set(contents) - set(files)):
        report.problems.append(f"{path}: does not list {name}, which its sealed contents name (removed?)")
    for name in sorted(set(files) - set(contents)):
        report.problems.append(f"{path}: lists {name}, which its sealed contents do not name (added?)")
    for name in sorted(set(files) & set(contents)):
        if {key: files[name][key] for key in _FILE_INFO} != contents[name]:
            report.problems.append(f"{path}: the kind, language or media type it gives {name} are not those "
                                   "its sealed contents give")


def _check_file(file_path: Path, data: bytes, info: dict[str, Any], manifest: dict[str, Any], report: Report,
                trust: list[Any] | None) -> None:
    """One listed file: its hash, size and media type, and its text (or, for a signed PDF, its signature)."""
    from drafting.errors import DraftingError
    from drafting.ooxml.wml.tree import read_custom_properties
    from drafting.readers.docx import read_docx_version, with_footnotes
    from drafting.readers.files import detect_format, read_version

    name = file_path.name
    if sha256(data) != info["sha256"]:
        report.problems.append(f"{file_path}: changed (SHA-256 differs from the manifest)")
    else:
        report.checks.append(f"{name}: SHA-256 ok")
    if info["size"] != len(data):
        report.problems.append(f"{file_path}: {len(data)} bytes, not the {info['size']} the manifest gives")
    if info["media_type"] != media_type(name):
        report.problems.append(f"{file_path}: the manifest gives it the media type {info['media_type']!r}, not "
                               f"{media_type(name)!r}")
    language = info["language"]
    side_by_side = info["kind"] == "side-by-side"
    expected = [(p["id"], p["text"]) for p in _paragraphs(manifest, language)]
    text = "".join(line + "\n" for line in _canonical_lines(manifest, language))
    try:
        if name.endswith(".docx"):
            docx = with_footnotes(read_docx_version(data, str(file_path)))
            # an empty paragraph without an id holds no text (Word's paragraph after a closing table)
            found = [(p.id, p.text) for p in docx.version.paragraphs if p.id or p.text.strip()]
            if not side_by_side and [(i, normalise_text(t)) for i, t in found] != expected:
                report.problems.append(f"{file_path}: {_first_difference(expected, found)}")
            custom = docx.package.related_part("", "custom-properties")
            props = read_custom_properties(docx.package.xml(custom)) if custom else {}
            if props.get(SEAL_PROPERTY) != manifest["seal"]:
                report.problems.append(f"{file_path}: its seal does not match the manifest (manifest edited?)")
            if docx.version.tracked:
                report.problems.append(f"{file_path}: holds tracked changes")
        elif name.endswith(".md"):
            version = read_version(data, str(file_path), detect_format(file_path, data))
            found = [(p.id, p.text) for p in version.paragraphs]
            if [(i, normalise_text(t)) for i, t in found] != expected:
                report.problems.append(f"{file_path}: {_first_difference(expected, found)}")
        elif name.endswith(".pdf"):
            _check_pdf(file_path, data, manifest, language, text, side_by_side, report, trust)
    except DraftingError as exc:
        report.problems.append(f"{file_path}: {exc}")


def _check_pdf(file_path: Path, data: bytes, manifest: dict[str, Any], language: str, text: str,
               side_by_side: bool, report: Report, trust: list[Any] | None) -> None:
    """A PDF's words are its text's (all the languages' for the side-by-side one); a signed final's PDF is
    signed as its manifest says; an unsigned final's is one piece as LibreOffice made it: no later revision
    appended, nothing that acts (scripts, launches, embedded files), no signature its manifest does not name."""
    if side_by_side:
        # The content-stream order (-raw) keeps each column's lines together; a hyphen at a line's end is left
        # as a word's end, since a compound's own hyphen ("государствам-участникам") falls there as often.
        words = _pdf_words(file_path, manifest, raw=True, join_hyphens=False)
        if isinstance(words, str):
            report.problems.append(f"{file_path}: {words}")
        elif not _side_by_side_words_match(manifest, words):
            report.problems.append(f"{file_path}: its words are not those of its language versions")
    else:
        words = _pdf_words(file_path, manifest)
        if isinstance(words, str):
            report.problems.append(f"{file_path}: {words}")
        elif not _pdf_text_matches(manifest, language, text, words):
            # pdftotext's layout analysis can take a widely spaced justified line for two columns and
            # reorder its words; the content-stream order (-raw) is the text as LibreOffice laid it out.
            raw = _pdf_words(file_path, manifest, raw=True)
            if isinstance(raw, str) or not _pdf_text_matches(manifest, language, text, raw):
                report.problems.append(f"{file_path}: its text differs from the canonical text")
    if "signature" in manifest:
        _check_signature(data, file_path, manifest["signature"], report, trust)
        return
    from drafting.final.sign import unsigned_pdf_problem

    problem = unsigned_pdf_problem(data)
    if problem is not None:
        report.problems.append(f"{file_path}: {problem}")


def _drawn(text: str) -> str:
    """`text` without its invisible format characters (Unicode Cf: soft hyphen, zero-width space, joiners)."""
    import unicodedata

    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _side_by_side_words_match(manifest: dict[str, Any], found: list[str]) -> bool:
    """Whether a side-by-side PDF holds every word of every language version, as often as they do, and no other
    word than the columns' headings (its columns interleave line by line, so the order is not checked)."""
    from collections import Counter

    from drafting.render.docx import LANGUAGE_TITLES

    languages = manifest["document"]["languages"]
    # (a soft hyphen or a zero-width space is in the text but not among the PDF's words: it is not drawn)
    expected = Counter(word for language in languages for line in _canonical_lines(manifest, language)
                       for word in re.findall(r"\w+", _drawn(line)))
    got = Counter(found)
    headings = {word for language in languages for word in re.findall(r"\w+", LANGUAGE_TITLES.get(language, language))}
    missing, extra = expected - got, Counter({word: n for word, n in (got - expected).items() if word not in headings})
    for word, count in list(missing.items()):  # a word hyphenated at a column's line end: two pieces
        for _ in range(count):
            cut = next((i for i in range(1, len(word)) if extra[word[:i]] and extra[word[i:]]), None)
            if cut is None:
                return False
            extra[word[:cut]] -= 1
            extra[word[cut:]] -= 1
    return not +extra


def _check_signature(pdf: bytes, path: Path, expected: dict[str, str], report: Report,
                     trust: list[Any] | None = None) -> None:
    from drafting.final.sign import check_signature

    check = check_signature(pdf, trust)
    if check is None:
        report.problems.append(f"{path}: the signature is missing")
        return
    if not check.intact:
        report.problems.append(f"{path}: the signature is broken (signed bytes altered)")
    if not check.covers_whole_file:
        report.problems.append(f"{path}: changed after signing (the signature does not cover the whole file)")
    if expected.get("signer") and check.signer != expected["signer"]:
        report.problems.append(f"{path}: signed by {check.signer!r}, not {expected['signer']!r}")
    if expected.get("fingerprint") and check.fingerprint != expected["fingerprint"]:
        report.problems.append(f"{path}: signed by another certificate (SHA-256 {check.fingerprint}) than the "
                               f"manifest names, although it may carry the same name")
    elif check.ok:
        _trust_line(path.name, check.signer, check.fingerprint, check.trusted, report)
