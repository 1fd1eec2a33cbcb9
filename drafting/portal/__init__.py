"""The delegation portal: a web front over the same workspaces and application layer as the CLI.

`drafting serve WS…` runs it (see `commands`); `server.create_app` builds the ASGI app; `pages` holds the
templates. The portal imports only `drafting.app`, `drafting.errors`, `drafting.model` and the sandboxed
Jinja factory: it adds pages, never negotiation logic.
"""
