"""ooxml/tracked"""
