"""ooxml/wml"""
