"""A template's frame: its docxtpl tags rendered, the `{{ body }}` paragraph turned into a slot for the body.

docxtpl and python-docx live here, in the OOXML layer, and only here; they render the tags through the one
sandboxed Jinja environment (`drafting.support.factories.make_jinja_env`).
"""

from __future__ import annotations

import io
import zipfile

from drafting.errors import DraftingInputError
from drafting.ooxml.opc.package import read_docx, set_part
from drafting.ooxml.wml.markup import CUSTOM_PART, CUSTOM_PROPS_CT, CUSTOM_PROPS_REL, custom_properties_xml
from drafting.ooxml.wml.tree import mark_body_slot, set_default_language


def render_frame(template_bytes: bytes, context: dict[str, str], source: str, *, body_marker: str) -> dict[str, bytes]:
    """The parts of the template at `source` with its tags rendered for `context`, the paragraph holding
    `body_marker` made the body slot, styles in the document's language and a custom-properties part."""
    from docxtpl import DocxTemplate
    from jinja2.exceptions import SecurityError, TemplateError

    from drafting.support.factories import make_jinja_env

    read_docx(template_bytes, source)  # hardened checks before python-docx sees it
    tpl = DocxTemplate(io.BytesIO(template_bytes))
    try:
        tpl.render(context, jinja_env=make_jinja_env())
    except (TemplateError, SecurityError) as exc:
        raise DraftingInputError(f"template error: {exc}", source=source) from exc
    buffer = io.BytesIO()
    tpl.docx.save(buffer)
    parts = _own_parts(buffer.getvalue())
    try:
        parts["word/document.xml"] = mark_body_slot(parts["word/document.xml"], body_marker)
    except ValueError as exc:
        raise DraftingInputError(str(exc), source=source) from exc
    language = context["language"]
    if language != "en" and "word/styles.xml" in parts:
        parts["word/styles.xml"] = set_default_language(parts["word/styles.xml"], language)
    parts.pop("docProps/thumbnail.jpeg", None)
    set_part(parts, CUSTOM_PART, custom_properties_xml({}), CUSTOM_PROPS_CT, rel_from="", rel_type=CUSTOM_PROPS_REL)
    return parts


def _own_parts(data: bytes) -> dict[str, bytes]:
    """Parts of a package python-docx wrote for us (trusted: no hostile-input checks needed)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {info.filename: package.read(info) for info in package.infolist()}
