"""Shared fixtures: the project's sample, a session-wide LibreOffice oracle, CLI runner."""

from __future__ import annotations

import os
import shutil
import tempfile
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


def pytest_configure(config: pytest.Config) -> None:
    """Tests (and the processes they start) keep the template-frame cache in a private directory, never ~/.cache."""
    if "DRAFTING_CACHE_DIR" not in os.environ:
        private = tempfile.mkdtemp(prefix="drafting-test-cache-")
        os.environ["DRAFTING_CACHE_DIR"] = private
        config.add_cleanup(lambda: shutil.rmtree(private, ignore_errors=True))


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
