"""Renderers: leaves that consume the model (`Document`) and never import each other."""
