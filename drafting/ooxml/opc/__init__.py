"""ooxml/opc"""
