"""Builds `templates/conference.docx`: the Word template a clerk can restyle, with docxtpl tags.

Small on purpose (no latent-style tables, no thumbnails): named paragraph styles per role, character
styles for opening phrases and emphasis, A4 page, a header with `{{ symbol }}` and a footer with the page
number. The first page has its own header: the UN masthead (`{{ organ }}`, `{{ symbol }}`, `{{ distribution }}`,
`{{ masthead_date }}`, `{{ version_language }}`, `{{ original }}`) when `{{ masthead }}` is set, else the symbol.
The body holds one paragraph `{{ body }}` where the assembled paragraphs go.

Run `python -m drafting.ooxml.wml.template templates/conference.docx` to regenerate it after editing here;
a clerk may instead edit the .docx in Word (keep the style names and the `{{ … }}` tags).
"""

from __future__ import annotations

import sys
from pathlib import Path

from drafting.ooxml.ns import PR_NS as PKG_RELS
from drafting.ooxml.ns import R_NS as R
from drafting.ooxml.ns import W_NS as W
from drafting.support.atomic import write_atomic

DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# (style id, name, based on, pPr xml, rPr xml)
PARAGRAPH_STYLES: tuple[tuple[str, str, str, str, str], ...] = (
    ("ConferenceTitle", "Conference Title", "Normal",
     '<w:keepNext/><w:spacing w:before="0" w:after="240"/><w:jc w:val="center"/>', '<w:b/><w:sz w:val="28"/>'),
    ("IssuingLine", "Issuing Line", "Normal", '<w:keepNext/><w:spacing w:after="360"/><w:jc w:val="center"/>',
     "<w:i/>"),
    ("SectionHeading", "Section Heading", "Normal",
     '<w:keepNext/><w:spacing w:before="240" w:after="240"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/>',
     "<w:b/>"),
    ("SubjectParagraph", "Subject Paragraph", "Normal", '<w:ind w:firstLine="567"/>', ""),
    ("PreambularParagraph", "Preambular Paragraph", "Normal", '<w:ind w:firstLine="567"/>', ""),
    ("LeadIn", "Lead-in", "Normal", '<w:keepNext/><w:ind w:firstLine="567"/>', ""),
    ("OperativeParagraph", "Operative Paragraph", "Normal", "", ""),
    ("SubParagraph", "Sub-paragraph", "Normal", "", ""),
    ("MemberListItem", "Member List Item", "Normal", '<w:spacing w:after="0"/><w:jc w:val="left"/>', ""),
    ("Continuation", "Continuation", "Normal", '<w:spacing w:before="120"/><w:ind w:left="1134"/>', ""),
    ("ClosingParagraph", "Closing Paragraph", "Normal", '<w:spacing w:before="240"/><w:ind w:firstLine="567"/>',
     ""),
    ("PlaceDate", "Place and Date", "Normal", '<w:keepLines/><w:spacing w:before="480"/><w:jc w:val="left"/>', ""),
    ("SignatureBlock", "Signature Block", "Normal",
     '<w:keepNext/><w:keepLines/><w:spacing w:before="480" w:after="720"/><w:jc w:val="left"/>', ""),
    ("Header", "header", "Normal", '<w:spacing w:after="0"/><w:jc w:val="right"/>', '<w:sz w:val="20"/>'),
    # The UN masthead (first page only): the meeting and the symbol over a rule, then a column of lines
    # (distribution, date, language, "Original:") at the right, as UN documents lay them out.
    ("MastheadTop", "Masthead Top", "Normal",
     '<w:pBdr><w:bottom w:val="single" w:sz="18" w:space="4" w:color="auto"/></w:pBdr>'
     '<w:tabs><w:tab w:val="right" w:pos="9070"/></w:tabs><w:spacing w:after="120"/><w:jc w:val="left"/>',
     '<w:b/><w:sz w:val="24"/>'),
    ("MastheadLine", "Masthead Line", "Normal",
     '<w:spacing w:after="0"/><w:ind w:left="6237"/><w:jc w:val="left"/>', '<w:sz w:val="20"/>'),
    ("Footer", "footer", "Normal", '<w:spacing w:after="0"/><w:jc w:val="center"/>', '<w:sz w:val="20"/>'),
    ("FootnoteText", "footnote text", "Normal",
     '<w:spacing w:after="0" w:line="240" w:lineRule="auto"/><w:ind w:left="284" w:hanging="284"/>',
     '<w:sz w:val="20"/>'),
    ("TableText", "Table Text", "Normal", '<w:spacing w:after="0"/><w:jc w:val="left"/>', ""),
)
CHARACTER_STYLES: tuple[tuple[str, str, str], ...] = (
    ("OpeningPhrase", "Opening Phrase", "<w:i/>"),
    ("Emphasis", "Emphasis", "<w:i/>"),
    ("Strong", "Strong", "<w:b/>"),
    ("FootnoteReference", "footnote reference", '<w:vertAlign w:val="superscript"/>'),
)


def _styles_xml() -> str:
    parts = [
        DECL,
        f'<w:styles xmlns:w="{W}">',
        "<w:docDefaults><w:rPrDefault><w:rPr>"
        '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="Times New Roman" '
        'w:cs="Times New Roman"/><w:sz w:val="24"/><w:szCs w:val="24"/><w:lang w:val="en-GB"/>'
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
        '<w:spacing w:after="160" w:line="259" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>',
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:jc w:val="both"/></w:pPr></w:style>',
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style>',
    ]
    for style_id, name, based, ppr, rpr in PARAGRAPH_STYLES:
        parts.append(
            f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="{based}"/><w:qFormat/>'
            + (f"<w:pPr>{ppr}</w:pPr>" if ppr else "")
            + (f"<w:rPr>{rpr}</w:rPr>" if rpr else "")
            + "</w:style>"
        )
    for style_id, name, rpr in CHARACTER_STYLES:
        parts.append(
            f'<w:style w:type="character" w:customStyle="1" w:styleId="{style_id}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr>{rpr}</w:rPr></w:style>'
        )
    parts.append("</w:styles>")
    return "".join(parts)


def _document_xml() -> str:
    return (
        f'{DECL}<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>'
        "<w:p><w:r><w:t>{{ body }}</w:t></w:r></w:p>"
        '<w:sectPr><w:headerReference w:type="default" r:id="rIdHeader1"/>'
        '<w:headerReference w:type="first" r:id="rIdHeader2"/>'
        '<w:footerReference w:type="default" r:id="rIdFooter1"/>'
        '<w:footerReference w:type="first" r:id="rIdFooter2"/>'
        '<w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1418" w:right="1418" w:bottom="1418" w:left="1418" w:header="709" w:footer="709" '
        'w:gutter="0"/><w:cols w:space="708"/><w:titlePg/></w:sectPr>'
        "</w:body></w:document>"
    )


def _header_xml() -> str:
    return (
        f'{DECL}<w:hdr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr>'
        "<w:r><w:t>{{ symbol }}</w:t></w:r></w:p></w:hdr>"
    )


def _first_header_xml() -> str:
    """The first page's header: the UN masthead when the profile has one (`masthead` is not empty), else
    the symbol as on every other page. `{%p … %}` tags keep or drop whole paragraphs (docxtpl)."""

    def line(text: str) -> str:
        return f'<w:p><w:pPr><w:pStyle w:val="MastheadLine"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'

    def tag(statement: str) -> str:
        return f"<w:p><w:r><w:t>{{%p {statement} %}}</w:t></w:r></w:p>"

    return (
        f'{DECL}<w:hdr xmlns:w="{W}" xmlns:r="{R}">'
        + tag("if masthead")
        + '<w:p><w:pPr><w:pStyle w:val="MastheadTop"/></w:pPr><w:r><w:t>{{ organ }}</w:t></w:r><w:r><w:tab/></w:r>'
        '<w:r><w:rPr><w:sz w:val="32"/></w:rPr><w:t>{{ symbol }}</w:t></w:r></w:p>'
        + line("{{ distribution }}") + line("{{ masthead_date }}")
        + tag("if version_language") + line("{{ version_language }}") + tag("endif")
        + line("{{ original }}")
        + tag("else")
        + '<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr><w:r><w:t>{{ symbol }}</w:t></w:r></w:p>'
        + tag("endif")
        + "</w:hdr>"
    )


def _first_footer_xml() -> str:
    return _footer_xml()  # the page number on the first page too


def _footer_xml() -> str:
    return (
        f'{DECL}<w:ftr xmlns:w="{W}" xmlns:r="{R}"><w:p><w:pPr><w:pStyle w:val="Footer"/></w:pPr>'
        '<w:r><w:t xml:space="preserve">- </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        '<w:r><w:t xml:space="preserve"> -</w:t></w:r></w:p></w:ftr>'
    )


def _settings_xml() -> str:
    return (
        f'{DECL}<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="567"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/><w:compat>'
        '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        "</w:compat></w:settings>"
    )


CT = "application/vnd.openxmlformats-officedocument"


def template_parts() -> dict[str, bytes]:
    """The parts of the conference template, in package order."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{CT}.wordprocessingml.document.main+xml"/>'
            f'<Override PartName="/word/styles.xml" ContentType="{CT}.wordprocessingml.styles+xml"/>'
            f'<Override PartName="/word/settings.xml" ContentType="{CT}.wordprocessingml.settings+xml"/>'
            f'<Override PartName="/word/numbering.xml" ContentType="{CT}.wordprocessingml.numbering+xml"/>'
            f'<Override PartName="/word/header1.xml" ContentType="{CT}.wordprocessingml.header+xml"/>'
            f'<Override PartName="/word/footer1.xml" ContentType="{CT}.wordprocessingml.footer+xml"/>'
            f'<Override PartName="/word/header2.xml" ContentType="{CT}.wordprocessingml.header+xml"/>'
            f'<Override PartName="/word/footer2.xml" ContentType="{CT}.wordprocessingml.footer+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f'<Override PartName="/docProps/app.xml" ContentType="{CT}.extended-properties+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'{DECL}<Relationships xmlns="{PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
            'core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>"
        ),
        "docProps/core.xml": (
            f"{DECL}<cp:coreProperties "
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title></dc:title></cp:coreProperties>'
        ),
        "docProps/app.xml": (
            f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            "<Application>drafting</Application></Properties>"
        ),
        "word/document.xml": _document_xml(),
        "word/_rels/document.xml.rels": (
            f'{DECL}<Relationships xmlns="{PKG_RELS}">'
            f'<Relationship Id="rIdStyles" Type="{rel}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rIdSettings" Type="{rel}/settings" Target="settings.xml"/>'
            f'<Relationship Id="rIdNumbering" Type="{rel}/numbering" Target="numbering.xml"/>'
            f'<Relationship Id="rIdHeader1" Type="{rel}/header" Target="header1.xml"/>'
            f'<Relationship Id="rIdFooter1" Type="{rel}/footer" Target="footer1.xml"/>'
            f'<Relationship Id="rIdHeader2" Type="{rel}/header" Target="header2.xml"/>'
            f'<Relationship Id="rIdFooter2" Type="{rel}/footer" Target="footer2.xml"/>'
            "</Relationships>"
        ),
        "word/styles.xml": _styles_xml(),
        "word/settings.xml": _settings_xml(),
        "word/numbering.xml": f'{DECL}<w:numbering xmlns:w="{W}"/>',
        "word/header1.xml": _header_xml(),
        "word/footer1.xml": _footer_xml(),
        "word/header2.xml": _first_header_xml(),
        "word/footer2.xml": _first_footer_xml(),
    }
    return {name: text.encode("utf-8") for name, text in parts.items()}


def build_template() -> bytes:
    from drafting.ooxml.wml.markup import write_package

    return write_package(template_parts())


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "templates/conference.docx")
    write_atomic(target, build_template())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
