"""drafting's redline on pairs edited through LibreOffice over UNO (issue 11, item 6; `bench/corpus_uno.py`):
right (LibreOffice's Accept All reads as NEW and Reject All as OLD, story by story, images by media hash) or
refused by name with exit 1 — never exit 0 with a wrong result. The full table, with Docxodus and
XmlPowerTools beside it, is `bench/redline.py --corpus`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli

pytestmark = pytest.mark.libreoffice

BENCH = Path(__file__).resolve().parents[1] / "bench"
PAIRS = ["footnote edited", "table row inserted", "footnote inserted"]
# A new note before an existing one: written in reference order and numbered in it, as Word writes notes
# (LibreOffice 7.4 pairs a reference with the note of its rank, not of its w:id). Silently wrong until then.
SILENTLY_WRONG: dict[str, str] = {}


def _bench(name: str) -> object:
    """bench/NAME.py as the module ``bench_NAME`` (bench/ is not a package)."""
    key = f"bench_{name}"
    if key in sys.modules:
        return sys.modules[key]
    spec = importlib.util.spec_from_file_location(key, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[key] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def uno_pairs(libreoffice, tmp_path_factory):
    corpus_uno = _bench("corpus_uno")
    return corpus_uno.build(libreoffice, tmp_path_factory.mktemp("corpus-uno"), names=PAIRS)


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=SILENTLY_WRONG[n])) if n in SILENTLY_WRONG else n
    for n in PAIRS])
def test_redline_of_a_pair_edited_in_libreoffice_is_right_or_refused_by_name(name, uno_pairs, libreoffice, tmp_path):
    old, new = uno_pairs[name]
    view = _bench("redline")._client_view
    want = {"accept": view(libreoffice, new, "as-is", new), "reject": view(libreoffice, old, "as-is", old)}
    assert want["accept"] != want["reject"], "the UNO edit changed nothing LibreOffice can see"
    out = tmp_path / "redline.docx"
    result = CliRunner().invoke(cli, ["redline", str(old), str(new), "--author", "Delegation A", "--date",
                                      "2024-05-01T10:00:00Z", "-o", str(out)])
    if result.exit_code == 1:  # refused: one line naming what it cannot write, nothing written
        assert result.output.strip() and "Traceback" not in result.output
        assert not out.exists()
        return
    assert result.exit_code == 0, result.output
    for mode in ("accept", "reject"):
        assert view(libreoffice, out, mode, out) == want[mode], f"{name}: {mode} all differs"
