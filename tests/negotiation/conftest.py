"""Fixtures of the negotiation tests: the sample assembled once per module, and a fresh workspace on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.negotiation import Base, assemble_base, new_workspace


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Base:
    return assemble_base(tmp_path_factory.mktemp("base"))


@pytest.fixture
def ws(tmp_path: Path, base: Base) -> Path:
    return new_workspace(tmp_path / "ws", base)
