"""Shared fixtures: the project's sample, a session-wide LibreOffice oracle, CLI runner."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.oracle.libreoffice import LibreOffice, libreoffice_session

ROOT = Path(__file__).resolve().parents[1]
CLAUSES = ROOT / "clauses"
ALMATY = ROOT / "examples" / "almaty-2012"
ALMATY_SPEC = ALMATY / "recommendations.yaml"
REFERENCE_TEXT = ALMATY / "reference-2012.txt"


@pytest.fixture(scope="session")
def libreoffice() -> Iterator[LibreOffice]:
    """One headless LibreOffice for the whole run (the independent client that checks our files)."""
    with libreoffice_session() as office:
        yield office


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A writable copy of the project's clause library."""
    target = tmp_path / "clauses"
    shutil.copytree(CLAUSES, target)
    return target


@pytest.fixture
def spec_copy(tmp_path: Path, library_copy: Path) -> Path:
    """A writable copy of the Almaty spec pointing at `library_copy`."""
    text = ALMATY_SPEC.read_text(encoding="utf-8").replace("clauses: ../../clauses", f"clauses: {library_copy}")
    target = tmp_path / "spec.yaml"
    target.write_text(text, encoding="utf-8")
    return target
