"""The console entry (`drafting …` and `python -m drafting …`)."""

from __future__ import annotations

import gc


def main() -> None:
    """Run the CLI with the cyclic garbage collector off.

    A command is a short process whose data is acyclic (frozen dataclasses, tuples, lxml trees), so reference
    counting frees it; the collector would only walk, again and again, the tens of thousands of long-lived
    objects that imports create (a twentieth of a short command). The library API leaves the collector alone.
    """
    gc.disable()
    from drafting.cli import cli
    from drafting.cli import main as run
    from drafting.portal.commands import serve

    cli.add_command(serve)  # the portal is a sibling shell: the CLI does not import it, the entry joins them
    run()


if __name__ == "__main__":
    main()
