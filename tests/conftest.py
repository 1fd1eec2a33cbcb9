"""Shared fixtures: the project's sample, a session-wide LibreOffice oracle, CLI runner."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, settings

from tests.oracle.libreoffice import LibreOffice, libreoffice_session

ROOT = Path(__file__).resolve().parents[1]
CLAUSES = ROOT / "clauses"
ALMATY = ROOT / "examples" / "almaty-2012"
ALMATY_SPEC = ALMATY / "recommendations.yaml"
REFERENCE_TEXT = ALMATY / "reference-2012.txt"

# -- hypothesis profiles -----------------------------------------------------------------------------------------
# `quick` (the default, for `make test` while working) runs each property on a few dozen examples; `thorough`
# (HYPOTHESIS_PROFILE=thorough, as `.ci/run` sets it) on the full counts the properties were written with.
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "quick")
settings.register_profile("quick", max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(PROFILE)


def examples(thorough: int) -> int:
    """How many examples a property with `thorough` examples gets under the current profile."""
    return thorough if PROFILE == "thorough" else max(10, thorough // 8)


def pytest_configure(config: pytest.Config) -> None:
    """Tests (and the processes they start) keep the template-frame cache in a private directory, never ~/.cache."""
    if "DRAFTING_CACHE_DIR" not in os.environ:
        private = tempfile.mkdtemp(prefix="drafting-test-cache-")
        os.environ["DRAFTING_CACHE_DIR"] = private
        config.add_cleanup(lambda: shutil.rmtree(private, ignore_errors=True))
    # Progress (stderr, shown once work takes a second) would make output checks depend on the machine's load;
    # tests/support/test_progress.py turns it back on.
    os.environ.setdefault("DRAFTING_QUIET", "1")
    # Commands run in their own process: a resident interpreter (drafting/resident.py) outlives the test that
    # started it. tests/test_resident.py turns it on, each test with a private directory it cleans up.
    os.environ["DRAFTING_RESIDENT"] = "0"


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
