"""Comparison engine for redlines: paragraph alignment (`align`) and word-level diffs (`diff`).

Pure Python over plain strings: no XML, no I/O. Renderers turn the results into tracked changes.
"""
