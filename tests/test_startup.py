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

PROBE = """
import json, sys
sys.argv = ["drafting", *json.loads(sys.argv[1])]
from drafting.__main__ import main
try:
    main()
except SystemExit as exit:
    code = exit.code
else:
    code = 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {"yaml", "lxml", "docx", "docxtpl", "jinja2", "pycountry"}
               or m.startswith(("drafting.ooxml", "drafting.library.yamlsrc", "drafting.library.world")))
print("\\n" + json.dumps({"code": code, "heavy": heavy}))
"""


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
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(argv[command])], capture_output=True, text=True)
    report = json.loads(done.stdout.rstrip().rsplit("\n", 1)[-1])
    assert report["code"] in (0, None), done.stderr
    assert report["heavy"] == []


def test_a_lookup_by_name_still_reads_the_registry(workspace: tuple[Path, str]) -> None:
    from drafting.app import open_workspace

    ws, _ = workspace
    with open_workspace(ws) as opened:
        assert opened.registry is not None
        party = opened.registry.find("Kazakhstan")
        assert party is not None and party.code == "KAZ"
