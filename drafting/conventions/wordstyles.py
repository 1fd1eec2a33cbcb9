"""Word paragraph styles of each paragraph role (the names a clerk sees and may restyle in the template).

Shared by the Word renderer (role -> style) and the .docx reader (style -> role) so both agree.
"""

from __future__ import annotations

from drafting.model.document import Role

STYLE_BY_ROLE = {
    Role.TITLE: "ConferenceTitle",
    Role.ISSUING: "IssuingLine",
    Role.HEADING: "SectionHeading",
    Role.SUBJECT: "SubjectParagraph",
    Role.PREAMBULAR: "PreambularParagraph",
    Role.CHAPEAU: "LeadIn",
    Role.OPERATIVE: "OperativeParagraph",
    Role.SUBITEM: "SubParagraph",
    Role.BULLET: "MemberListItem",
    Role.CONTINUATION: "Continuation",
    Role.CLOSING: "ClosingParagraph",
    Role.PLACE_DATE: "PlaceDate",
    Role.SIGNATURE: "SignatureBlock",
    Role.TEXT: "Normal",
    Role.FOOTNOTE: "FootnoteText",
    Role.CELL: "TableText",
}
ROLE_BY_STYLE = {style: role for role, style in STYLE_BY_ROLE.items()}
