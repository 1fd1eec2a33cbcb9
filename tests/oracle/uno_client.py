#!/usr/bin/python3
"""One UNO operation against a running LibreOffice, result printed as one JSON object.

Runs under Debian's ``/usr/bin/python3`` (the interpreter with the ``uno`` module), never under the project venv.
Usage: ``uno_client.py PORT OPERATION [JSON-ARGUMENTS]``; prints ``{"ok": true, "result": ...}`` or
``{"ok": false, "error": "..."}`` (exit status 0 / 1). The soffice side was started by ``libreoffice.py`` with
``--accept=socket,host=127.0.0.1,port=PORT;urp;`` and a private profile.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import traceback

import uno
from com.sun.star.beans import PropertyValue

PARAGRAPH_BREAK = 0  # com.sun.star.text.ControlCharacter.PARAGRAPH_BREAK
MACRO_NEVER_EXECUTE = 0  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
UPDATE_NO_UPDATE = 0  # com.sun.star.document.UpdateDocMode.NO_UPDATE
IMPORT_FILTERS = {".docx": "MS Word 2007 XML", ".odt": "writer8", ".doc": "MS Word 97"}


class OracleFailure(Exception):
    """A clear, expected failure reported back as ``{"ok": false}``."""


def pv(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


# -- connection and loading ------------------------------------------------------------------------------


def connect(port, attempts):
    """Return the remote component context, trying `attempts` times, a tenth of a second apart, while soffice
    starts (a count, not a clock: a busy machine makes each try slower, never fewer)."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    url = f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
    for attempt in range(max(1, attempts)):
        try:
            return resolver.resolve(url)
        except Exception as exc:
            if attempt + 1 >= attempts:
                raise OracleFailure(f"cannot reach LibreOffice on 127.0.0.1:{port}: {exc}") from exc
            time.sleep(0.1)
    raise OracleFailure(f"cannot reach LibreOffice on 127.0.0.1:{port}")


class Office:
    def __init__(self, ctx):
        self.ctx = ctx
        self.smgr = ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def service(self, name):
        return self.smgr.createInstanceWithContext(name, self.ctx)

    def load(self, path):
        """Load `path` hidden, macros off, links not updated; a None result is retried once."""
        path = os.path.abspath(path)
        if not os.path.isfile(path):
            raise OracleFailure(f"no such file: {path}")
        _remove_lock(path)
        props = [
            pv("Hidden", True),
            pv("MacroExecutionMode", MACRO_NEVER_EXECUTE),
            pv("UpdateDocMode", UPDATE_NO_UPDATE),
        ]
        filter_name = IMPORT_FILTERS.get(os.path.splitext(path)[1].lower())
        if filter_name:
            props.append(pv("FilterName", filter_name))
        url = uno.systemPathToFileUrl(path)
        last_error = None
        for attempt in range(2):
            try:
                doc = self.desktop.loadComponentFromURL(url, "_blank", 0, tuple(props))
            except Exception as exc:
                doc, last_error = None, exc
            if doc is not None:
                return doc
            if attempt == 0:
                time.sleep(0.5)
                _remove_lock(path)
        detail = f": {type(last_error).__name__}: {last_error}" if last_error else ""
        raise OracleFailure(f"LibreOffice could not load {path} (twice; unreadable file or stale .~lock file?){detail}")


def _remove_lock(path):
    directory, name = os.path.split(path)
    lock = os.path.join(directory, f".~lock.{name}#")
    if os.path.exists(lock):
        os.unlink(lock)


def close(doc):
    try:
        doc.close(True)
    except Exception:
        doc.dispose()


# -- reading -------------------------------------------------------------------------------------------


def iso(dt):
    """ISO 8601 text of a com.sun.star.util.DateTime."""
    text = f"{dt.Year:04d}-{dt.Month:02d}-{dt.Day:02d}T{dt.Hours:02d}:{dt.Minutes:02d}:{dt.Seconds:02d}"
    return text + ("Z" if getattr(dt, "IsUTC", False) else "")


def redline_list(doc):
    out = []
    enum = doc.Redlines.createEnumeration()
    while enum.hasMoreElements():
        red = enum.nextElement()
        item = {
            "type": red.getPropertyValue("RedlineType"),
            "author": red.getPropertyValue("RedlineAuthor"),
            "date": iso(red.getPropertyValue("RedlineDateTime")),
        }
        try:
            start, end = red.getPropertyValue("RedlineStart"), red.getPropertyValue("RedlineEnd")
            cursor = start.getText().createTextCursorByRange(start)
            cursor.gotoRange(end, True)
            item["text"] = cursor.getString()
        except Exception:
            item["text"] = None
        out.append(item)
    return out


def paragraph_objects(text):
    """Paragraphs of `text` in reading order; table cells are walked row by row."""
    out = []
    enum = text.createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in _cell_names_in_order(element):
                out.extend(paragraph_objects(element.getCellByName(name).getText()))
        elif element.supportsService("com.sun.star.text.Paragraph"):
            out.append(element)
    return out


def _cell_names_in_order(table):
    """Cell names sorted row-major (A1, B1, …, A2, …); nested names such as ``A1.1.1`` keep their order."""
    names = list(table.getCellNames())

    def key(name):
        head = name.split(".", 1)[0]
        letters = "".join(ch for ch in head if ch.isalpha())
        digits = "".join(ch for ch in head if ch.isdigit()) or "0"
        column = 0
        for ch in letters:
            column = column * 52 + (ord(ch) - (65 if ch.isupper() else 71))
        return (int(digits), column, name)

    return sorted(names, key=key)


def paragraph_info(doc):
    items = []
    for para in paragraph_objects(doc.getText()):
        label = ""
        try:
            label = para.getPropertyValue("ListLabelString") or ""
        except Exception:
            label = ""
        try:
            style = para.getPropertyValue("ParaStyleName")
        except Exception:
            style = ""
        items.append({"text": para.getString(), "label": label, "style": style})
    return items


def dispatch(office, doc, command):
    helper = office.service("com.sun.star.frame.DispatchHelper")
    helper.executeDispatch(doc.getCurrentController().getFrame(), command, "", 0, ())


# -- operations ----------------------------------------------------------------------------------------


def op_ping(office, args):
    return office.desktop is not None


def op_terminate(office, args):
    with contextlib.suppress(Exception):  # the bridge usually drops while terminating
        office.desktop.terminate()
    return True


def op_open_ok(office, args):
    try:
        doc = office.load(args["path"])
    except OracleFailure:
        return False
    close(doc)
    return True


def op_redlines(office, args):
    doc = office.load(args["path"])
    try:
        return redline_list(doc)
    finally:
        close(doc)


def op_paragraphs(office, args):
    mode = args.get("mode", "as-is")
    commands = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}
    if mode not in ("as-is", *commands):
        raise OracleFailure(f"unknown mode {mode!r}")
    doc = office.load(args["path"])
    try:
        if mode in commands:
            dispatch(office, doc, commands[mode])
            if redline_list(doc):
                raise OracleFailure(f"{commands[mode]} left redlines in {args['path']}")
        return paragraph_info(doc)
    finally:
        close(doc)


def op_bookmarks(office, args):
    doc = office.load(args["path"])
    try:
        return list(doc.getBookmarks().getElementNames())
    finally:
        close(doc)


def op_user_properties(office, args):
    doc = office.load(args["path"])
    try:
        props = doc.getDocumentProperties().getUserDefinedProperties()
        out = {}
        for prop in props.getPropertySetInfo().getProperties():
            value = props.getPropertyValue(prop.Name)
            if hasattr(value, "Year") and hasattr(value, "Month"):
                value = iso(value) if hasattr(value, "Hours") else f"{value.Year:04d}-{value.Month:02d}-{value.Day:02d}"
            elif isinstance(value, bool):
                value = "true" if value else "false"
            out[prop.Name] = str(value)
        return out
    finally:
        close(doc)


def store_docx(doc, out_path):
    out_path = os.path.abspath(out_path)
    doc.storeToURL(uno.systemPathToFileUrl(out_path), (pv("FilterName", "MS Word 2007 XML"),))
    return out_path


def op_save_as_docx(office, args):
    doc = office.load(args["path"])
    try:
        return store_docx(doc, args["out_path"])
    finally:
        close(doc)


def set_author(office, author):
    """Make LibreOffice's user full name (the redline author) equal `author`."""
    given, _, surname = author.strip().rpartition(" ")
    provider = office.service("com.sun.star.configuration.ConfigurationProvider")
    data = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess",
        (pv("nodepath", "/org.openoffice.UserProfile/Data"),),
    )
    data.setPropertyValue("givenname", given)
    data.setPropertyValue("sn", surname)
    data.commitChanges()


def _find(doc, needle):
    desc = doc.createSearchDescriptor()
    desc.SearchString = needle
    desc.SearchCaseSensitive = True
    desc.SearchRegularExpression = False
    found = doc.findFirst(desc)
    if found is None:
        raise OracleFailure(f"text not found: {needle!r}")
    return found


def _paragraph(doc, index):
    paras = paragraph_objects(doc.getText())
    if not 0 <= index < len(paras):
        raise OracleFailure(f"paragraph index {index} out of range (0..{len(paras) - 1})")
    return paras, paras[index]


def _in_text(text, para):
    """Whether `para` lies in `text` (the same body or table cell); UNO refuses to compare across texts."""
    try:
        text.compareRegionStarts(para.getStart(), para.getStart())
    except Exception:
        return False
    return True


def apply_op(doc, op):
    kind = op.get("op")
    if kind == "replace":
        _find(doc, op["old"]).setString(op["new"])
    elif kind == "insert":
        found = _find(doc, op["after"])
        text = found.getText()
        cursor = text.createTextCursorByRange(found.getEnd())
        text.insertString(cursor, op["text"], False)
    elif kind == "delete":
        _find(doc, op["text"]).setString("")
    elif kind == "insert_paragraph":
        index = op["after_paragraph"]
        _, para = _paragraph(doc, index)
        text = para.getText()
        text.insertControlCharacter(text.createTextCursorByRange(para.getEnd()), PARAGRAPH_BREAK, False)
        _, new = _paragraph(doc, index + 1)
        new.getText().insertString(new.getStart(), op["text"], False)
    elif kind == "delete_paragraph":
        index = op["index"]
        paras, para = _paragraph(doc, index)
        text = para.getText()
        cursor = text.createTextCursorByRange(para.getStart())
        after = paras[index + 1] if index + 1 < len(paras) else None
        before = paras[index - 1] if index > 0 else None
        if after is not None and _in_text(text, after):
            cursor.gotoRange(after.getStart(), True)
        elif before is not None and _in_text(text, before):
            cursor = text.createTextCursorByRange(before.getEnd())
            cursor.gotoRange(para.getEnd(), True)
        else:
            cursor.gotoRange(para.getEnd(), True)
        cursor.setString("")
    elif kind == "split":
        _, para = _paragraph(doc, op["paragraph"])
        offset = para.getString().find(op["at"])
        if offset < 0:
            raise OracleFailure(f"split text {op['at']!r} not in paragraph {op['paragraph']}")
        text = para.getText()
        cursor = text.createTextCursorByRange(para.getStart())
        cursor.goRight(offset, False)
        text.insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
    elif kind == "track":  # switch recording off/on: the "forgot Track Changes" case
        doc.setPropertyValue("RecordChanges", bool(op["on"]))
    else:
        raise OracleFailure(f"unknown op {op!r}")


def op_record_changes(office, args):
    set_author(office, args["author"])
    doc = office.load(args["path"])
    try:
        doc.setPropertyValue("RecordChanges", True)
        for op in args["ops"]:
            apply_op(doc, op)
        reds = redline_list(doc)
        store_docx(doc, args["out_path"])
        return reds
    finally:
        close(doc)


def op_accept_author(office, args):
    """Accept only the tracked changes whose author is one of `authors` (each selected, then
    .uno:AcceptTrackedChange), then Reject All the others unless `reject_others` is false; paragraph texts."""
    authors = set(args["authors"])
    doc = office.load(args["path"])
    try:
        controller = doc.getCurrentController()
        accepted = 0
        while True:
            target = next((red for red in _redline_objects(doc) if red.getPropertyValue("RedlineAuthor") in authors),
                          None)
            if target is None:
                break
            start, end = target.getPropertyValue("RedlineStart"), target.getPropertyValue("RedlineEnd")
            cursor = start.getText().createTextCursorByRange(start)
            cursor.gotoRange(end, True)
            controller.select(cursor)
            before = _authors_count(doc)
            dispatch(office, doc, ".uno:AcceptTrackedChange")
            after = _authors_count(doc)
            if sum(after.values()) >= sum(before.values()):
                who = target.getPropertyValue("RedlineAuthor")
                raise OracleFailure(f"LibreOffice did not accept a change by {who!r}")
            if any(after.get(name, 0) != count for name, count in before.items() if name not in authors):
                raise OracleFailure(f"accepting {sorted(authors)} touched others: {before} -> {after}")
            accepted += 1
        if args.get("reject_others", True):
            dispatch(office, doc, ".uno:RejectAllTrackedChanges")
        return {"accepted": accepted, "paragraphs": [item["text"] for item in paragraph_info(doc)],
                "left": redline_list(doc)}
    finally:
        close(doc)


def _authors_count(doc):
    counts = {}
    for red in _redline_objects(doc):
        name = red.getPropertyValue("RedlineAuthor")
        counts[name] = counts.get(name, 0) + 1
    return counts


def _redline_objects(doc):
    out = []
    enum = doc.Redlines.createEnumeration()
    while enum.hasMoreElements():
        out.append(enum.nextElement())
    return out


def _story_texts(doc):
    """Texts outside the body as LibreOffice holds them: notes, text frames, headers and footers, and the
    images and formulas (a formula by its text, an image by its pixel size)."""
    out = {"footnotes": [], "endnotes": [], "frames": [], "headers": [], "footers": [], "images": [],
           "formulas": []}
    for key, notes in (("footnotes", doc.getFootnotes()), ("endnotes", doc.getEndnotes())):
        for i in range(notes.getCount()):
            out[key].append(notes.getByIndex(i).getString())
    frames = doc.getTextFrames()
    for name in sorted(frames.getElementNames()):
        out["frames"].append(frames.getByName(name).getString())
    page = doc.getDrawPage()
    for i in range(page.getCount()):  # DrawingML text boxes are shapes with text
        shape = page.getByIndex(i)
        try:
            if shape.getPropertyValue("TextBox"):
                out["frames"].append(shape.getPropertyValue("TextBoxContent").getString())
        except Exception:
            continue
    styles = doc.getStyleFamilies().getByName("PageStyles")
    for name in sorted(styles.getElementNames()):
        style = styles.getByName(name)
        for key, on, prop in (("headers", "HeaderIsOn", "HeaderText"), ("footers", "FooterIsOn", "FooterText")):
            try:
                if style.getPropertyValue(on):
                    text = style.getPropertyValue(prop).getString()
                    if text:
                        out[key].append(text)
            except Exception:
                continue
    graphics = doc.getGraphicObjects()
    for name in sorted(graphics.getElementNames()):
        try:
            size = graphics.getByName(name).getPropertyValue("Graphic").getPropertyValue("SizePixel")
            out["images"].append(f"{size.Width}x{size.Height}")
        except Exception:
            out["images"].append("?")
    objects = doc.getEmbeddedObjects()
    for name in sorted(objects.getElementNames()):
        obj = objects.getByName(name)
        try:
            model = obj.getPropertyValue("Model")
            out["formulas"].append(model.getPropertyValue("Formula"))
        except Exception as exc:
            out["formulas"].append(f"? {type(exc).__name__}")
    return out


def op_stories(office, args):
    """The texts outside the body (`_story_texts`) as-is, after Accept All or after Reject All."""
    mode = args.get("mode", "as-is")
    commands = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}
    doc = office.load(args["path"])
    try:
        if mode in commands:
            dispatch(office, doc, commands[mode])
        return _story_texts(doc)
    finally:
        close(doc)


def op_comments(office, args):
    """Every comment (annotation) of the document: author, content, and the text of the paragraph it is in."""
    doc = office.load(args["path"])
    try:
        out = []
        fields = doc.getTextFields().createEnumeration()
        while fields.hasMoreElements():
            field = fields.nextElement()
            if not field.supportsService("com.sun.star.text.textfield.Annotation"):
                continue
            anchor = field.getAnchor()
            cursor = anchor.getText().createTextCursorByRange(anchor.getStart())
            cursor.gotoStartOfParagraph(False)
            cursor.gotoEndOfParagraph(True)
            out.append({"author": field.Author, "content": field.Content, "paragraph": cursor.getString()})
        return out
    finally:
        close(doc)


# -- untracked edits in every story (bench/corpus_uno.py builds its pairs with them) -------------------------


def _replace_in(text, old, new):
    """Replace the first `old` in the XText `text` (a note, a frame, a header, a cell) by `new`."""
    whole = text.getString()
    offset = whole.find(old)
    if offset < 0:
        raise OracleFailure(f"text not found: {old!r} in {whole[:80]!r}")
    cursor = text.createTextCursor()
    cursor.gotoStart(False)
    cursor.goRight(offset, False)
    cursor.goRight(len(old), True)
    cursor.setString(new)


def _notes(doc, kind):
    return doc.getFootnotes() if kind == "footnote" else doc.getEndnotes()


def _frame_texts(doc):
    """The texts of text frames and of drawing shapes that carry a text box, in a stable order."""
    out = []
    frames = doc.getTextFrames()
    for name in sorted(frames.getElementNames()):
        out.append(frames.getByName(name).getText())
    page = doc.getDrawPage()
    for i in range(page.getCount()):
        shape = page.getByIndex(i)
        with contextlib.suppress(Exception):
            if shape.getPropertyValue("TextBox"):
                out.append(shape.getPropertyValue("TextBoxContent").getText())
    return out


def _has_text_box(shape):
    try:
        return bool(shape.getPropertyValue("TextBox"))
    except Exception:
        return False


def _box_text(shape):
    return shape.getPropertyValue("TextBoxContent").getString()


def _graphic(office, path):
    provider = office.service("com.sun.star.graphic.GraphicProvider")
    return provider.queryGraphic((pv("URL", uno.systemPathToFileUrl(os.path.abspath(path))),))


def apply_story_edit(office, doc, op):
    """One untracked edit through the UNO API in the story it names (see `op_edit_stories`)."""
    kind = op.get("op")
    if kind == "body_replace":
        _find(doc, op["old"]).setString(op["new"])
    elif kind == "note_replace":
        _replace_in(_notes(doc, op["kind"]).getByIndex(op["index"]).getText(), op["old"], op["new"])
    elif kind == "note_insert":
        found = _find(doc, op["after"])
        note = doc.createInstance("com.sun.star.text.Footnote" if op["kind"] == "footnote"
                                  else "com.sun.star.text.Endnote")
        text = found.getText()
        text.insertTextContent(text.createTextCursorByRange(found.getEnd()), note, False)
        note.getText().setString(op["text"])
    elif kind == "note_delete":
        note = _notes(doc, op["kind"]).getByIndex(op["index"])
        note.getAnchor().getText().removeTextContent(note)
    elif kind == "header_replace":
        styles = doc.getStyleFamilies().getByName("PageStyles")
        for name in styles.getElementNames():
            style = styles.getByName(name)
            if style.getPropertyValue("HeaderIsOn") and op["old"] in style.getPropertyValue("HeaderText").getString():
                _replace_in(style.getPropertyValue("HeaderText"), op["old"], op["new"])
                break
        else:
            raise OracleFailure(f"no header holds {op['old']!r}")
    elif kind == "frame_replace":
        for text in _frame_texts(doc):
            if op["old"] in text.getString():
                _replace_in(text, op["old"], op["new"])
                break
        else:
            raise OracleFailure(f"no text frame or text box holds {op['old']!r}")
    elif kind == "row_insert":
        table = doc.getTextTables().getByIndex(op.get("table", 0))
        table.getRows().insertByIndex(op["index"], 1)
        for column, value in enumerate(op["cells"]):
            table.getCellByPosition(column, op["index"]).setString(value)
    elif kind == "table_insert":
        _, para = _paragraph(doc, op["after_paragraph"])
        text = para.getText()
        rows = op["rows"]
        table = doc.createInstance("com.sun.star.text.TextTable")
        table.initialize(len(rows), len(rows[0]))
        text.insertTextContent(text.createTextCursorByRange(para.getEnd()), table, False)
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                table.getCellByPosition(column, row).setString(value)
    elif kind == "frame_insert":
        found = _find(doc, op["after"])
        frame = doc.createInstance("com.sun.star.text.TextFrame")
        frame.setPropertyValue("AnchorType", uno.Enum("com.sun.star.text.TextContentAnchorType", "AT_PARAGRAPH"))
        size = uno.createUnoStruct("com.sun.star.awt.Size")
        size.Width, size.Height = 5000, 2500
        frame.setPropertyValue("Size", size)
        text = found.getText()
        text.insertTextContent(text.createTextCursorByRange(found.getEnd()), frame, False)
        frame.getText().setString(op["text"])
    elif kind == "row_delete":
        doc.getTextTables().getByIndex(op.get("table", 0)).getRows().removeByIndex(op["index"], 1)
    elif kind == "cell_replace":
        cell = doc.getTextTables().getByIndex(op.get("table", 0)).getCellByName(op["cell"])
        _replace_in(cell.getText(), op["old"], op["new"])
    elif kind == "image_insert":
        found = _find(doc, op["after"])
        image = doc.createInstance("com.sun.star.text.TextGraphicObject")
        image.setPropertyValue("Graphic", _graphic(office, op["image"]))
        image.setPropertyValue("AnchorType", uno.Enum("com.sun.star.text.TextContentAnchorType", "AS_CHARACTER"))
        size = uno.createUnoStruct("com.sun.star.awt.Size")
        size.Width = size.Height = int(op.get("size_mm100", 2540))
        image.setPropertyValue("Size", size)
        text = found.getText()
        text.insertTextContent(text.createTextCursorByRange(found.getEnd()), image, False)
    elif kind == "image_replace":
        graphics = doc.getGraphicObjects()
        names = sorted(graphics.getElementNames())
        graphics.getByName(names[op.get("index", 0)]).setPropertyValue("Graphic", _graphic(office, op["image"]))
    elif kind == "image_delete":
        graphics = doc.getGraphicObjects()
        image = graphics.getByName(sorted(graphics.getElementNames())[op.get("index", 0)])
        image.getAnchor().getText().removeTextContent(image)
    elif kind == "frame_delete":
        page = doc.getDrawPage()
        boxes = [page.getByIndex(i) for i in range(page.getCount())]
        boxes = [shape for shape in boxes if _has_text_box(shape) and op["text"] in _box_text(shape)]
        if not boxes:
            raise OracleFailure(f"no text box holds {op['text']!r}")
        page.remove(boxes[0])
    else:
        apply_op(doc, op)  # the body edits of record_changes: replace, insert, delete, *_paragraph, split


def op_edit_stories(office, args):
    """Load `path`, make `edits` through the UNO API with Track Changes OFF (the result is clean), and store it
    as "MS Word 2007 XML" at `out_path`. Edits: ``body_replace`` {old, new}; ``note_replace`` {kind: footnote|
    endnote, index, old, new}; ``note_insert`` {kind, after, text}; ``note_delete`` {kind, index};
    ``header_replace`` {old, new}; ``frame_replace`` {old, new} (text frames and text boxes); ``row_insert``
    {index, cells}; ``row_delete`` {index}; ``table_insert`` {after_paragraph, rows}; ``frame_insert`` {after,
    text} (a text frame); ``cell_replace`` {cell, old, new}; ``image_insert`` {after, image
    (a file)}; ``image_replace`` {index, image}; ``image_delete`` {index}; ``frame_delete`` {text} (a text
    box); and the body edits of `apply_op` (``delete_paragraph``, ``insert_paragraph``…). Returns the edited
    document's stories (as `op_stories`)."""
    doc = office.load(args["path"])
    try:
        doc.setPropertyValue("RecordChanges", False)
        for op in args["edits"]:
            apply_story_edit(office, doc, op)
        if redline_list(doc):
            raise OracleFailure(f"{args['path']}: tracked changes present after an untracked edit")
        store_docx(doc, args["out_path"])
        return _story_texts(doc)
    finally:
        close(doc)


OPERATIONS = {
    "comments": op_comments,
    "edit_stories": op_edit_stories,
    "ping": op_ping,
    "stories": op_stories,
    "terminate": op_terminate,
    "open_ok": op_open_ok,
    "redlines": op_redlines,
    "paragraphs": op_paragraphs,
    "bookmarks": op_bookmarks,
    "user_properties": op_user_properties,
    "save_as_docx": op_save_as_docx,
    "record_changes": op_record_changes,
    "accept_author": op_accept_author,
}


def main(argv):
    if len(argv) not in (3, 4) or argv[2] not in OPERATIONS:
        print(json.dumps({"ok": False, "error": f"usage: uno_client.py PORT {{{','.join(OPERATIONS)}}} [JSON]"}))
        return 2
    port, name = int(argv[1]), argv[2]
    args = json.loads(argv[3]) if len(argv) == 4 else {}
    try:
        office = Office(connect(port, int(args.get("connect_attempts", 50))))
        result = OPERATIONS[name](office, args)
    except OracleFailure as exc:
        print(json.dumps({"ok": False, "error": str(exc)}))
        return 1
    except Exception as exc:
        tb = traceback.format_exc(limit=3).replace("\n", " | ")
        print(json.dumps({"ok": False, "error": f"{name}: {type(exc).__name__}: {exc} [{tb}]"}))
        return 1
    print(json.dumps({"ok": True, "result": result}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
