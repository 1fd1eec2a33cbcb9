"""The console entry: `python -m drafting` runs the CLI with its fixed exit codes."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ALMATY_SPEC, ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "drafting", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)


def test_exit_codes_through_the_console_entry(tmp_path):
    assert run("--version").returncode == 0
    assert run("lint", "--no-such-option", "x.yaml").returncode == 2  # usage
    missing = run("lint", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 1 and "missing.yaml: cannot read spec" in missing.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("document: [unclosed\n", encoding="utf-8")
    rejected = run("lint", str(bad))
    assert rejected.returncode == 1
    assert rejected.stderr.count("\n") == 1 and str(bad) in rejected.stderr and "Traceback" not in rejected.stderr


def test_assembles_through_the_console_entry(tmp_path):
    result = run("assemble", str(ALMATY_SPEC), "-o", str(tmp_path), "--format", "md,docx")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "recommendations.docx").read_bytes()[:2] == b"PK"
    assert "Endorse" in (tmp_path / "recommendations.md").read_text(encoding="utf-8")
