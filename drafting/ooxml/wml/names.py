"""WordprocessingML names and schema child order (ECMA-376 Part 1, §17).

`qn("w:ins")` gives Clark notation for a prefixed name. `CHILD_ORDER` declares, for the few parents whose
children we add, the schema sequence of their children (CT_PPr, CT_ParaRPr/CT_RPr, CT_Settings);
`insert_in_order` is the one place that uses it, so a `w:pPrChange` always ends up last and
`w:trackRevisions` always sits before `w:defaultTabStop`.
"""

from __future__ import annotations

from lxml import etree

from drafting.ooxml.ns import M_NS, R_NS, SL_NS, W_NS, XML_NS

NSMAP = {"w": W_NS, "r": R_NS, "m": M_NS, "sl": SL_NS, "xml": XML_NS}


_CLARK: dict[str, str] = {}  # prefixed name -> Clark name, filled as names are asked for (a few hundred)


def qn(tag: str) -> str:
    """Clark name (`{uri}local`) of a prefixed name such as ``w:ins`` or ``xml:space``."""
    clark = _CLARK.get(tag)
    if clark is None:
        prefix, _, local = tag.partition(":")
        if not local:
            raise ValueError(f"qualified name expected, got {tag!r}")
        clark = _CLARK[tag] = f"{{{NSMAP[prefix]}}}{local}"
    return clark


_W_NSMAP = {"w": W_NS}
_W_NAMES: dict[str, str] = {}  # "ins" or "w:ins" -> Clark name of the w: element or attribute


def _w_name(name: str) -> str:
    clark = _W_NAMES.get(name)
    if clark is None:
        clark = _W_NAMES[name] = qn(name if ":" in name else f"w:{name}")
    return clark


def w_el(tag: str, **attrs: str) -> etree._Element:
    """A new ``w:`` element with ``w:`` attributes, e.g. ``w_el("ins", id="7", author="A")`` (or "w:ins")."""
    if not attrs:
        return etree.Element(_w_name(tag), nsmap=_W_NSMAP)
    return etree.Element(_w_name(tag), {_w_name(name): value for name, value in attrs.items()}, nsmap=_W_NSMAP)


# -- schema child order -----------------------------------------------------------------------------------

_PPR = (
    "w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl", "w:numPr",
    "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip

# CT_ParaRPr (paragraph mark) starts with the mark's revision elements; CT_RPr (run) never has them, so one
# sequence serves both: EG_ParaRPrTrackChanges, EG_RPrBase, rPrChange.
_RPR = (
    "w:ins", "w:del", "w:moveFrom", "w:moveTo",
    "w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike", "w:dstrike",
    "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden",
    "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
    "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath", "w:rPrChange",
)  # fmt: skip

_SETTINGS = (
    "w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation", "w:removeDateAndTime",
    "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape", "w:printPostScriptOverText",
    "w:printFractionalCharacterWidth", "w:printFormsData", "w:embedTrueTypeFonts", "w:embedSystemFonts",
    "w:saveSubsetFonts", "w:saveFormsData", "w:mirrorMargins", "w:alignBordersAndEdges",
    "w:bordersDoNotSurroundHeader", "w:bordersDoNotSurroundFooter", "w:gutterAtTop", "w:hideSpellingErrors",
    "w:hideGrammaticalErrors", "w:activeWritingStyle", "w:proofState", "w:formsDesign", "w:attachedTemplate",
    "w:linkStyles", "w:stylePaneFormatFilter", "w:stylePaneSortMethod", "w:documentType", "w:mailMerge",
    "w:revisionView", "w:trackRevisions", "w:doNotTrackMoves", "w:doNotTrackFormatting",
    "w:documentProtection", "w:autoFormatOverride", "w:styleLockTheme", "w:styleLockQFSet",
    "w:defaultTabStop", "w:autoHyphenation", "w:consecutiveHyphenLimit", "w:hyphenationZone",
    "w:doNotHyphenateCaps", "w:showEnvelope", "w:summaryLength", "w:clickAndTypeStyle",
    "w:defaultTableStyle", "w:evenAndOddHeaders", "w:bookFoldRevPrinting", "w:bookFoldPrinting",
    "w:bookFoldPrintingSheets", "w:drawingGridHorizontalSpacing", "w:drawingGridVerticalSpacing",
    "w:displayHorizontalDrawingGridEvery", "w:displayVerticalDrawingGridEvery",
    "w:doNotUseMarginsForDrawingGridOrigin", "w:drawingGridHorizontalOrigin", "w:drawingGridVerticalOrigin",
    "w:doNotShadeFormData", "w:noPunctuationKerning", "w:characterSpacingControl", "w:printTwoOnOne",
    "w:strictFirstAndLastChars", "w:noLineBreaksAfter", "w:noLineBreaksBefore", "w:savePreviewPicture",
    "w:doNotValidateAgainstSchema", "w:saveInvalidXml", "w:ignoreMixedContent", "w:alwaysShowPlaceholderText",
    "w:doNotDemarcateInvalidXml", "w:saveXmlDataOnly", "w:useXSLTWhenSaving", "w:saveThroughXslt",
    "w:showXMLTags", "w:alwaysMergeEmptyNamespace", "w:updateFields", "w:hdrShapeDefaults", "w:footnotePr",
    "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang",
    "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade",
    "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults",
    "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator",
)  # fmt: skip

CHILD_ORDER: dict[str, tuple[str, ...]] = {
    "w:pPr": _PPR,
    "w:rPr": _RPR,
    "w:settings": _SETTINGS,
}
"""Schema sequence of children, by parent name (ECMA-376 Part 1 CT_PPr, CT_ParaRPr/CT_RPr, CT_Settings)."""

_RANKS: dict[str, dict[str, int]] = {
    qn(parent): {qn(child): rank for rank, child in enumerate(seq)} for parent, seq in CHILD_ORDER.items()
}


def insert_in_order(parent: etree._Element, child: etree._Element) -> etree._Element:
    """Insert `child` into `parent` before the first existing child that the schema puts after it.

    Children the table does not know (extension elements) are skipped over; with no later sibling the child
    is appended. Raises `KeyError` when `parent` or `child` is not in `CHILD_ORDER` (no silent guessing).
    """
    ranks = _RANKS[parent.tag]
    mine = ranks[child.tag]
    for i, existing in enumerate(parent):
        rank = ranks.get(existing.tag) if isinstance(existing.tag, str) else None
        if rank is not None and rank > mine:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def get_or_add(parent: etree._Element, tag: str) -> etree._Element:
    """The first `tag` child of `parent`, created in schema order when missing."""
    found = parent.find(qn(tag))
    if found is not None:
        return found
    return insert_in_order(parent, etree.Element(qn(tag), nsmap={"w": W_NS}))


def get_or_add_ppr(p: etree._Element) -> etree._Element:
    """The `w:pPr` of paragraph `p` (always its first child), created when missing."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = etree.Element(qn("w:pPr"), nsmap={"w": W_NS})
        p.insert(0, ppr)
    return ppr
