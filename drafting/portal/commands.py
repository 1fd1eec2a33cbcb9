"""`drafting serve`: the portal's command, registered on the CLI by the console entry (`drafting.__main__`),
since the CLI and the portal are sibling shells that do not import each other."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import click

from drafting.errors import DraftingError


@click.command()
@click.argument("workspaces", nargs=-1, required=True,
                type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (keep 127.0.0.1 behind a reverse proxy).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--site", default="drafting portal", show_default=True, help="The name shown on every page.")
@click.option("--readers", default=1, show_default=True, type=click.IntRange(0, 8),
              help="Processes reading uploaded returns beside the server's (0: in the server's own threads).")
def serve(workspaces: tuple[Path, ...], host: str, port: int, site: str, readers: int) -> None:
    """Serve the delegation portal for the workspaces WS… of one conference (one server process, and the
    process reading uploaded returns)."""
    import uvicorn

    from drafting.portal.server import create_app

    try:
        app = create_app(list(workspaces), site=site, readers=readers)
    except DraftingError as exc:
        raise click.ClickException(str(exc)) from exc
    for served in app.state.portal.served.values():
        click.echo(f"{served.title}: http://{host}:{port}{served.prefix}/")
    logging.getLogger("uvicorn.access").addFilter(RedactTokens())
    uvicorn.run(app, host=host, port=port, proxy_headers=True, server_header=False, log_level="info")


class RedactTokens(logging.Filter):
    """Keep one-time tokens (invitation links, staged uploads) out of the access log."""

    _TOKEN = re.compile(r"/(invite|uploads)/[A-Za-z0-9_-]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._TOKEN.sub(r"/\1/…", a) if isinstance(a, str) else a for a in record.args)
        return True
