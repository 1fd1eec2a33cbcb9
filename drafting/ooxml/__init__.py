"""The OOXML layer: the only code that touches WordprocessingML, OPC packages and lxml.

Names follow ECMA-376 (w:ins, w:del, w:bookmarkStart); domain code above this layer never sees XML.
"""
