"""The quick commands (--help, status, log, decide, mark) start without the heavy libraries: no YAML parser,
no lxml, no OOXML layer, no pycountry (the registry's States) is imported (their speed is measured by
bench/startup.py, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ALMATY, ALMATY_SPEC
from tests.fixtures.probe import imported

HEAVY = ["yaml", "lxml", "docx", "docxtpl", "jinja2", "pycountry", "drafting.ooxml", "drafting.library.yamlsrc",
         "drafting.library.world"]


def drafting(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "drafting", *argv], capture_output=True, text=True, check=True)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    ws = tmp_path_factory.mktemp("startup") / "ws"
    drafting("negotiation", "init", str(ws), "--base", str(ALMATY_SPEC))
    drafting("submit", str(ws), "--by-file-name", str(ALMATY / "submissions" / "kazakhstan.docx"))
    status = json.loads(drafting("status", str(ws), "--json").stdout)
    amendment = next(a["id"] for p in status["paragraphs"] for a in p["amendments"])
    return ws, amendment


@pytest.mark.parametrize("command", ["--help", "status", "log", "decide", "mark"])
def test_quick_commands_import_no_yaml_lxml_or_ooxml(command: str, workspace: tuple[Path, str]) -> None:
    ws, amendment = workspace
    argv = {"--help": ["--help"], "status": ["status", str(ws)], "log": ["log", str(ws)],
            "decide": ["decide", str(ws), amendment, "accept"], "mark": ["mark", str(ws), "endorse_rcf", "agreed"]}
    report = imported(argv[command], HEAVY)
    assert report["code"] in (0, None), report.get("stderr")
    assert report["imported"] == []


def test_a_lookup_by_name_still_reads_the_registry(workspace: tuple[Path, str]) -> None:
    from drafting.app import open_workspace

    ws, _ = workspace
    with open_workspace(ws) as opened:
        assert opened.registry is not None
        party = opened.registry.find("Kazakhstan")
        assert party is not None and party.code == "KAZ"
