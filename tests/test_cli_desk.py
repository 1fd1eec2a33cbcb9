"""The drafter's desk at the command line: clause display, languages on demand, helpful one-line errors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from drafting.cli import cli
from tests.conftest import CLAUSES


def test_clauses_show_prints_defaults_and_options_as_written() -> None:
    result = CliRunner().invoke(cli, ["clauses", "show", "operative.secretariat-seat", "--dir", str(CLAUSES)])
    assert result.exit_code == 0
    assert "param:      process (text, default: en: Almaty Process; ru: Алматинского процесса)" in result.output
    assert "mappingproxy" not in result.output
    members = CliRunner().invoke(cli, ["clauses", "show", "membership.initial-members", "--dir", str(CLAUSES)])
    assert "param:      members (states, required, form: short, order: alphabetical)" in members.output


def test_clauses_show_suggests_the_clause_meant() -> None:
    result = CliRunner().invoke(cli, ["clauses", "show", "operative.secretariat-sit", "--dir", str(CLAUSES)])
    assert result.exit_code == 1
    assert "unknown clause id 'operative.secretariat-sit' (did you mean 'operative.secretariat-seat'?)" in \
        result.output


def test_assemble_one_language_warns_about_the_other(spec_copy: Path, tmp_path: Path) -> None:
    text = spec_copy.read_text(encoding="utf-8").replace(
        "    - id: herewith\n", "    - id: english_only\n      text: Noting the point,\n    - id: herewith\n", 1)
    spec_copy.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["assemble", str(spec_copy), "-o", str(out), "--format", "md",
                                      "--language", "en"])
    assert result.exit_code == 0, result.output
    assert (out / "recommendations.md").exists() and not (out / "recommendations.ru.md").exists()
    assert "warning: " in result.output and "paragraph english_only has no ru text" in result.output
    both = CliRunner().invoke(cli, ["assemble", str(spec_copy), "-o", str(tmp_path / "x"), "--format", "md"])
    assert both.exit_code == 1 and "paragraph english_only has no ru text" in both.output
    bad = CliRunner().invoke(cli, ["assemble", str(spec_copy), "-o", str(out), "--language", "eng"])
    assert bad.exit_code == 2 and "did you mean 'en'?" in bad.output


def test_clauses_check_takes_several_libraries(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "a.yaml").write_text("- id: operative.secretariat-seat\n  kind: operative\n  text: t\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["clauses", "check", str(CLAUSES), str(own)])
    assert result.exit_code == 1
    assert f"{own / 'a.yaml'}:1: duplicate clause id 'operative.secretariat-seat'" in result.output
    assert str(CLAUSES / "operative.yaml") in result.output
