"""Negotiation workspaces: submissions, compilation texts, decisions and revisions."""
