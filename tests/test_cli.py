"""The CLI wiring: fixed exit codes (0 ok, 1 rejected input, 2 usage), one-line errors, no partial output."""

from __future__ import annotations

from pathlib import Path

import pytest

from drafting.cli import cli
from tests.conftest import ALMATY_SPEC, CLAUSES


def test_assemble_writes_each_format(runner, tmp_path):
    result = runner.invoke(cli, ["assemble", str(ALMATY_SPEC), "-o", str(tmp_path), "--format", "md,docx"])
    assert result.exit_code == 0, result.output
    # The spec's own language keeps the plain name; its Russian version is <name>.ru.<ext>.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recommendations.docx", "recommendations.md",
                                                          "recommendations.ru.docx", "recommendations.ru.md"]


def test_profile_and_name_options(runner, tmp_path):
    result = runner.invoke(cli, ["assemble", str(ALMATY_SPEC), "-o", str(tmp_path), "--format", "md",
                                 "--profile", "un-resolution", "--name", "un-style"])
    assert result.exit_code == 0, result.output
    assert "1\\. *Endorse*" in (tmp_path / "un-style.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ["assemble", str(ALMATY_SPEC), "-o", "x", "--format", "odt"],
        ["assemble", str(ALMATY_SPEC)],
        ["assemble", str(ALMATY_SPEC), "-o", "x", "--name", "../../etc/x"],
        ["nosuchcommand"],
    ],
)
def test_usage_errors_exit_2(runner, tmp_path, args):
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_rejected_input_exits_1_with_one_line_and_writes_nothing(runner, tmp_path, spec_copy):
    text = spec_copy.read_text(encoding="utf-8").replace("params: {seat: {en: Almaty, ru: Алматы}}", "params: {}")
    spec_copy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["assemble", str(spec_copy), "-o", str(out), "--format", "md,docx"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"Error: {spec_copy}:")
    assert "missing required parameter 'seat'" in lines[0]
    assert not out.exists() or not any(out.iterdir())
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_failing_pdf_leaves_no_other_output(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTING_SOFFICE", str(tmp_path / "no-soffice"))
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "out"
    result = runner.invoke(cli, ["assemble", str(ALMATY_SPEC), "-o", str(out), "--format", "md,docx,pdf"])
    assert result.exit_code == 1, result.output
    assert "libreoffice-writer" in result.output
    assert not out.exists() or not any(out.iterdir())


def test_garbage_spec_bytes_are_refused(runner, tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    result = runner.invoke(cli, ["assemble", str(spec), "-o", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_clauses_list_filters(runner):
    result = runner.invoke(cli, ["clauses", "list", "--kind", "preambular"])
    assert result.exit_code == 0
    ids = [line.split("\t")[0] for line in result.output.splitlines()]
    assert "almaty.pp.consultative-forum" in ids and "operative.endorse-draft" not in ids
    tagged = runner.invoke(cli, ["clauses", "list", "--tag", "secretariat"])
    assert {line.split("\t")[0] for line in tagged.output.splitlines()} == {
        "operative.secretariat-seat", "operative.request-support"}


def test_clauses_show(runner):
    result = runner.invoke(cli, ["clauses", "show", "operative.endorse-draft"])
    assert result.exit_code == 0
    assert "param:      instrument (text, required)" in result.output
    assert runner.invoke(cli, ["clauses", "show", "nope"]).exit_code == 1


def test_clauses_check_exit_codes(runner, tmp_path):
    assert runner.invoke(cli, ["clauses", "check", str(CLAUSES)]).exit_code == 0
    assert runner.invoke(cli, ["clauses", "check", str(CLAUSES), "--strict"]).exit_code == 1
    (tmp_path / "bad.yaml").write_text("- id: x\n  kind: nope\n  text: t\n", encoding="utf-8")
    result = runner.invoke(cli, ["clauses", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'bad.yaml'}:2: unknown kind 'nope'" in result.output


def test_lint_reports_the_2012_style(runner):
    result = runner.invoke(cli, ["lint", str(ALMATY_SPEC), "--json"])
    assert result.exit_code == 1
    assert '"rule": "S9"' in result.output and '"paragraph": "herewith"' in result.output


def test_lint_clean_document_exits_0(runner, tmp_path):
    library = tmp_path / "clauses"
    library.mkdir()
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "document: {id: t, title: Test, place: Geneva, date: 2024-05-01, profile: un-resolution}\n"
        f"clauses: {library}\n"
        "preamble:\n  paragraphs:\n    - {id: recalling, opening: Recalling, text: its earlier resolutions}\n"
        "operative:\n  paragraphs:\n    - {id: decides, opening: Decides, text: to meet again}\n"
        "    - {id: requests, opening: Requests, text: a report}\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli, ["lint", str(spec)])
    assert result.exit_code == 0, result.output


def test_version(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0 and "drafting" in result.output


def test_help_lists_commands(runner):
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("assemble", "clauses", "lint"):
        assert command in result.output


def test_secure_factories_are_the_only_constructors():
    """Nothing outside the factories constructs an XML parser, a Jinja environment or a Markdown parser."""
    root = Path(__file__).resolve().parents[1] / "drafting"
    allowed = {"factories.py", "parser.py"}
    offenders = []
    for path in root.rglob("*.py"):
        if path.name in allowed:
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("etree.XMLParser(", "Environment(", "MarkdownIt(", "set_default_parser(", "recover=True"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
        for line in text.splitlines():
            if "etree.fromstring(" in line and "parser=" not in line:
                offenders.append(f"{path.name}: bare etree.fromstring")
    assert offenders == []
