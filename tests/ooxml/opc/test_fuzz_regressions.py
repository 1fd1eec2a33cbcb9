"""Regressions found by fuzzing the loaders with mutated real submissions: each input that once ended in an
internal error (exit 3) is now a one-line `DraftingInputError` naming the file and the part."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from drafting.errors import DraftingInputError
from drafting.ooxml.opc.package import read_docx

DOC = "word/document.xml"
SUBMISSION = Path(__file__).parents[3] / "examples" / "almaty-2012" / "submissions" / "kazakhstan.docx"


def _with_document(edit: Callable[[str], str]) -> bytes:
    """The Kazakhstan submission (made by LibreOffice) with its main document part edited."""
    out = io.BytesIO()
    with zipfile.ZipFile(SUBMISSION) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == DOC:
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info.filename, data)
    return out.getvalue()


def _no_body(xml: str) -> str:
    return re.sub(r"<w:body>.*</w:body>", "", xml, flags=re.DOTALL)


def _body_unwrapped(xml: str) -> str:
    return xml.replace("<w:body>", "").replace("</w:body>", "")


def _root_renamed(xml: str) -> str:
    return xml.replace("<w:document ", "<w:body ").replace("</w:document>", "</w:body>")


@pytest.mark.parametrize("edit", [_no_body, _body_unwrapped])
def test_a_document_without_a_body_is_refused_naming_the_part(edit: Callable[[str], str]) -> None:
    data = _with_document(edit)
    with pytest.raises(DraftingInputError) as caught:
        read_docx(data, "kazakhstan.docx")
    assert str(caught.value) == "kazakhstan.docx: word/document.xml: the document has no body (no w:body in w:document)"


def test_a_main_part_whose_root_is_not_a_document_is_refused() -> None:
    with pytest.raises(DraftingInputError) as caught:
        read_docx(_with_document(_root_renamed), "kazakhstan.docx")
    assert str(caught.value) == ("kazakhstan.docx: word/document.xml: not a Word document "
                                 "(the root element is body, not w:document)")


def test_the_unedited_submission_still_reads() -> None:
    package = read_docx(_with_document(lambda xml: xml), "kazakhstan.docx")
    assert package.xml(package.main_document).tag.endswith("}document")


def test_an_undeclared_w_prefix_is_refused_even_with_a_warning_after_it() -> None:
    """libxml2 recovers from an undefined prefix; lxml let the tree through when a warning (an xml:space value
    other than preserve or default) came later, with every element in no namespace: the root check then could
    not even name the tag (exit 3). The part is now malformed XML, with its line and column."""

    def edit(xml: str) -> str:
        xml = xml.replace('xmlns:w="http://schemas', 'xmlns:x="http://schemas', 1)
        head, _, tail = xml.rpartition('xml:space="preserve"')  # the last one: near the end of the part
        return head + 'xml:space="/"' + tail

    data = _with_document(edit)
    with pytest.raises(DraftingInputError) as caught:
        read_docx(data, "kazakhstan.docx")
    message = str(caught.value)
    assert message.startswith("kazakhstan.docx: word/document.xml: malformed XML: Namespace prefix w on document "
                              "is not defined, line ")
    assert "\n" not in message


def test_text_beside_the_body_is_refused_not_passed_over() -> None:
    """A tracked deletion placed after w:body, inside w:document: every reader starts at the body, so its words
    were passed over with exit 0 (neither an amendment nor a loss)."""

    def edit(xml: str) -> str:
        return xml.replace("</w:body>", '</w:body><w:del w:id="990" w:author="Kazakhstan"><w:r>'
                           "<w:delText>stray words</w:delText></w:r></w:del>")

    with pytest.raises(DraftingInputError) as caught:
        read_docx(_with_document(edit), "kazakhstan.docx")
    assert str(caught.value) == "kazakhstan.docx: word/document.xml: text outside w:body (in a del) would not be read"


def test_a_background_beside_the_body_is_still_read() -> None:
    def edit(xml: str) -> str:
        return xml.replace("<w:body>", '<w:background w:color="FFFFFF"/><w:body>')

    read_docx(_with_document(edit), "kazakhstan.docx")
