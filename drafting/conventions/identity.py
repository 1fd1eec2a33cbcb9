"""The canonical text of a document and its content hash: how a returned file is traced to its text.

Normalisation (documented, and relied on by `verify`): Unicode NFC; every run of whitespace (including
no-break and other Unicode spaces) becomes one space; leading and trailing spaces are dropped. The canonical
text is one line per paragraph, `label` and text separated by one space when there is a label. The content
hash is the SHA-256 of the lines `id<TAB>label<TAB>text`, so it binds paragraph ids as well as wording.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from drafting.model.document import Document, DocumentIdentity, Paragraph


def normalise_text(text: str) -> str:
    # str.split() splits on exactly the characters `\s` matches in a Unicode pattern, and is faster.
    return " ".join(unicodedata.normalize("NFC", text).split())


def canonical_line(paragraph: Paragraph) -> str:
    text = normalise_text(paragraph.text)
    return f"{paragraph.label} {text}" if paragraph.label else text


def canonical_text(document: Document) -> str:
    return "".join(canonical_line(p) + "\n" for p in document.paragraphs)


def content_hash(document: Document) -> str:
    digest = hashlib.sha256()
    for paragraph in document.paragraphs:
        line = f"{paragraph.id}\t{normalise_text(paragraph.label)}\t{normalise_text(paragraph.text)}\n"
        digest.update(line.encode("utf-8"))
    return digest.hexdigest()


def identity(document: Document) -> DocumentIdentity:
    return DocumentIdentity(
        document_id=document.meta.document_id,
        revision=document.meta.revision,
        content_hash=content_hash(document),
        language=document.language,
    )


# Custom document properties that carry the identity inside a .docx (written by the Word renderer, read back
# from submissions).
# Each paragraph carries its stable id as a Word bookmark `dp_<id>` (and as `<!-- dp:<id> -->` in Markdown).
BOOKMARK_PREFIX = "dp_"
PROP_DOCUMENT_ID = "DraftingDocumentId"
PROP_REVISION = "DraftingRevision"
PROP_CONTENT_HASH = "DraftingContentHash"
PROP_LANGUAGE = "DraftingLanguage"
PROP_PROFILE = "DraftingProfile"
PROP_SYMBOL = "DraftingSymbol"
PROP_META = "DraftingMeta"  # the document's metadata as JSON, so a .docx base can be rebuilt faithfully


def identity_from_properties(properties: dict[str, str]) -> DocumentIdentity | None:
    """The identity a .docx claims, or None when it carries none (or a damaged one)."""
    doc_id = properties.get(PROP_DOCUMENT_ID, "").strip()
    revision = properties.get(PROP_REVISION, "").strip()
    digest = properties.get(PROP_CONTENT_HASH, "").strip().lower()
    if not doc_id or not revision.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", digest):
        return None
    return DocumentIdentity(doc_id, int(revision), digest, properties.get(PROP_LANGUAGE, "en").strip() or "en")
