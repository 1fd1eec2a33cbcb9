"""Where the project's data lives: the default clause library and the Word template.

In a checkout they are the top-level folders `clauses/` and `templates/`, which drafters and clerks edit in
place; an installed wheel carries the same two folders as package data (`drafting/data/…`, mapped by
`pyproject.toml`, no copies in the tree). The installed copy wins when present.
"""

from __future__ import annotations

from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[2]


def data_folder(name: str) -> Path:
    """The folder `name` (`clauses` or `templates`): package data in an install, else the checkout's."""
    package = Path(__file__).resolve().parents[1]
    if package.is_dir():  # installed as files (the usual case): no need to import importlib.resources
        return package / "data" / name if (package / "data" / name).is_dir() else _CHECKOUT / name
    from importlib.resources import files  # imported here: its own imports cost every command at start-up

    installed = files("drafting").joinpath("data", name)
    if installed.is_dir():
        return Path(str(installed))
    return _CHECKOUT / name


def default_clause_dir() -> Path:
    """The default clause library, relative to the working directory when inside it (shorter messages)."""
    folder = data_folder("clauses")
    try:
        return folder.relative_to(Path.cwd())
    except ValueError:
        return folder


def default_template() -> Path:
    """The Word template every document is built on unless another is given."""
    return data_folder("templates") / "conference.docx"
