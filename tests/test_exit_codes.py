"""Only domain errors exit 1 (issue 12, item 6): an unexpected exception is a bug, exit 3, with a crash report
whose path the message names; characters no document can hold are refused where they are written (file and
line); the machine's refusals (a file where a directory should be) are the user's to fix, exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli

SPEC = """\
document: {id: x, name: x, title: Resolution, place: Almaty, date: 2012-09-07, profile: un-resolution,
  symbol: SYMBOL, languages: [en]}
clauses: CLAUSES
operative:
  paragraphs:
    - {clause: op.decides, id: decides, params: {what: PARAM}}
"""
CLAUSE = '- {id: op.decides, kind: operative, opening: Decides, text: "TEXT {{ what }}", params: {what: {}}}\n'


def run(*args: object, **env: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, [str(a) for a in args], env={"DRAFTING_ACTOR": "clerk", **env})
    return result.exit_code, [line for line in result.output.splitlines() if line.strip()]


def library(tmp_path: Path, text: str = "to do") -> Path:
    directory = tmp_path / "clauses"
    directory.mkdir(exist_ok=True)
    (directory / "op.yaml").write_text(CLAUSE.replace("TEXT", text), encoding="utf-8")
    return directory


def spec(tmp_path: Path, *, symbol: str = "X/1", param: str = "it", text: str = "to do") -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.replace("SYMBOL", symbol).replace("PARAM", param)
                    .replace("CLAUSES", str(library(tmp_path, text))), encoding="utf-8")
    return path


def test_a_clean_spec_assembles(tmp_path: Path) -> None:
    code, lines = run("assemble", spec(tmp_path), "-o", tmp_path / "out", "--format", "md,docx")
    assert code == 0, lines


@pytest.mark.parametrize("escape", ["\\0", "\\uFFFF", "\\x1b", "\\x7f"])
def test_clause_text_no_document_can_hold_is_refused_with_file_and_line(tmp_path: Path, escape: str) -> None:
    directory = library(tmp_path, f"to {escape} do")
    code, lines = run("clauses", "check", directory)
    assert code == 1, lines
    assert lines[0].startswith(f"{directory / 'op.yaml'}:1: character U+"), lines
    assert "is not allowed" in lines[0]


@pytest.mark.parametrize(("where", "values"), [
    ("parameter", {"param": '"it \\0 now"'}),
    ("symbol", {"symbol": '"X/\\uFFFF/1"'}),
    ("clause", {"text": "to \\uFFFE do"}),
])
def test_assemble_refuses_them_before_writing_anything(tmp_path: Path, where: str, values: dict[str, str]) -> None:
    path = spec(tmp_path, **values)
    code, lines = run("assemble", path, "-o", tmp_path / "out", "--format", "md,docx")
    assert code == 1 and len(lines) == 1, (where, lines)
    assert "is not allowed" in lines[0], lines
    assert f"{path}:2:" in lines[0] or f"{path}:6:" in lines[0] or f"{tmp_path / 'clauses' / 'op.yaml'}:1:" in lines[0]
    assert not (tmp_path / "out").exists()


def test_an_output_path_through_a_regular_file_is_a_refusal_not_a_crash(tmp_path: Path) -> None:
    path = spec(tmp_path)
    code, lines = run("assemble", path, "-o", path / "x", "--format", "md")
    assert code == 1 and len(lines) == 1, lines
    assert f"{path / 'x'}: cannot write or read here: a file is in the way" in lines[0]
    assert "internal error" not in lines[0]


def test_an_unexpected_exception_exits_3_with_a_crash_report(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import drafting.app as app

    def broken(*args: object, **kwargs: object) -> object:
        raise ValueError("an invariant did not hold")

    monkeypatch.setattr(app, "assemble_to", broken)
    code, lines = run("assemble", spec(tmp_path), "-o", tmp_path / "out", XDG_CACHE_HOME=str(tmp_path / "cache"))
    assert code == 3, lines
    assert len(lines) == 1
    assert lines[0].startswith("Error: internal error (ValueError: an invariant did not hold): this is a bug in "
                               "drafting, not a problem with your input; the details are in ")
    report = Path(lines[0].split("the details are in ", 1)[1].split(";", 1)[0])
    assert report.parent == tmp_path / "cache" / "drafting" / "crash-reports"
    text = report.read_text(encoding="utf-8")
    assert "Traceback" in text and "an invariant did not hold" in text and "def broken" not in text


def test_debug_lets_the_traceback_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import drafting.app as app

    monkeypatch.setattr(app, "assemble_to", lambda *a, **k: (_ for _ in ()).throw(ValueError("boom")))
    result = CliRunner().invoke(cli, ["assemble", str(spec(tmp_path)), "-o", str(tmp_path / "out")],
                                env={"DRAFTING_DEBUG": "1"})
    assert isinstance(result.exception, ValueError)


def test_a_final_symbol_no_document_can_hold_is_refused(tmp_path: Path) -> None:
    code, lines = run("finalize", spec(tmp_path), "-o", tmp_path / "final", "--symbol", "X/\uffff/1")
    assert code == 1 and len(lines) == 1, lines
    assert lines[0] == "Error: --symbol: character U+FFFF is not allowed in a symbol (no document can hold it)"
    assert not (tmp_path / "final").exists()
