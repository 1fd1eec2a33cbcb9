"""The docs for drafters cannot rot: the guide's commands run, the references are generated from the code, and
every rule code the package cites is defined in docs/reference/."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from drafting.cli import cli
from drafting.conventions.lint import RULES, catalogue_markdown
from drafting.library.clauses import _CLAUSE_FIELDS, _OPTION_VALUES, _PARAM_FIELDS
from drafting.library.spec import SCHEMA, reference_markdown
from drafting.library.yamlsrc import YList, YMap, load_yaml
from tests.conftest import CLAUSES, ROOT

DOCS = ROOT / "docs"
GUIDE = DOCS / "guide.md"
DRAFTING = Path(sys.executable).parent / "drafting"
_BLOCK = re.compile(r"(?:<!-- (file|expect-error): (.+?) -->\n)?```(\w+)\n(.*?)```", re.S)


def _guide_steps() -> list[tuple[str, str, str]]:
    """(kind, argument, body) in the guide's order: ("file", path, text), ("sh", expected error or "", commands)."""
    steps = []
    for marker, argument, language, body in _BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        if marker == "file":
            steps.append(("file", argument, body))
        elif language == "sh":
            steps.append(("sh", argument if marker == "expect-error" else "", body))
    return steps


def _run_guide(workdir: Path) -> list[tuple[str, subprocess.CompletedProcess[str]]]:
    shutil.copytree(CLAUSES, workdir / "clauses")
    steps = _guide_steps()
    # Files are written first: the guide shows some of them after the command that reads them.
    for kind, path, body in steps:
        if kind == "file":
            (workdir / path).parent.mkdir(parents=True, exist_ok=True)
            (workdir / path).write_text(body, encoding="utf-8")
    results = []
    for kind, expected_error, body in steps:
        if kind != "sh":
            continue
        for line in body.splitlines():
            command = line.split("#", 1)[0].strip()
            if not command:
                continue
            argv = shlex.split(command)
            assert argv[0] == "drafting", f"the guide runs only drafting commands: {line!r}"
            result = subprocess.run([str(DRAFTING), *argv[1:]], cwd=workdir, capture_output=True, text=True,
                                    timeout=600, check=False)
            if expected_error:
                assert result.returncode == 1, (command, result.stdout, result.stderr)
                assert expected_error in result.stderr, (command, result.stderr)
            else:
                assert result.returncode == 0, (command, result.stdout, result.stderr)
            results.append((command, result))
    return results


@pytest.mark.libreoffice
def test_the_guide_runs_and_produces_its_document(tmp_path: Path) -> None:
    results = _run_guide(tmp_path)
    commands = [command for command, _ in results]
    assert any(c.startswith("drafting assemble") for c in commands)
    assert any(c.startswith("drafting finalize") for c in commands)
    out = tmp_path / "out"
    assert {p.name for p in out.iterdir()} >= {"declaration.md", "declaration.docx", "declaration.pdf"}
    # What the guide says the document is: the masthead, seven numbered paragraphs, members in the text.
    with zipfile.ZipFile(out / "declaration.docx") as package:
        masthead = package.read("word/header2.xml").decode("utf-8")
    for words in ("AP/MC.2/2025/L.1", "Distr.: Limited", "5 June 2025", "Original: English"):
        assert words in masthead
    markdown = (out / "declaration.md").read_text(encoding="utf-8")
    assert "7\\. *Also decides* that the Member States of the *Almaty Process* are the following: Afghanistan, " \
           "Azerbaijan, Kazakhstan" in markdown
    assert len(re.findall(r"^\d+\\\. ", markdown, flags=re.M)) == 7
    lint = dict(results)["drafting lint mc2/declaration.yaml"]
    assert "0 finding(s)" in lint.stderr
    with zipfile.ZipFile(tmp_path / "final" / "declaration.docx") as package:
        assert "AP/MC.2/2025/1<" in package.read("word/header1.xml").decode("utf-8")
    assert (tmp_path / "final" / "declaration.pdf").read_bytes().startswith(b"%PDF")


def test_the_guide_shows_only_commands_it_runs() -> None:
    steps = _guide_steps()
    assert sum(kind == "file" for kind, _, _ in steps) == 3
    assert any(expected for kind, expected, _ in steps if kind == "sh")
    shown = re.findall(r"^drafting .*$", GUIDE.read_text(encoding="utf-8"), flags=re.M)
    ran = [line.strip() for kind, _, body in steps if kind == "sh" for line in body.splitlines()]
    assert set(shown) <= set(ran)


# -- the spec reference ---------------------------------------------------------------------------------------


def test_the_spec_reference_is_generated_from_the_loader() -> None:
    assert (DOCS / "spec-reference.md").read_text(encoding="utf-8") == reference_markdown(), \
        "docs/spec-reference.md is stale: run `python -m drafting.library.spec docs/spec-reference.md`"


def _key_paths(node: object, prefix: str) -> set[str]:
    """Every key path of a spec, with paragraph entries as ENTRY."""
    out: set[str] = set()
    entry_lists = {"preamble.paragraphs", "operative.paragraphs", "membership", "closing"}
    entry_keys = {"preamble.subject", "operative.chapeau"}
    if isinstance(node, YMap):
        for key, value in node.items():
            path = f"{prefix}.{key}" if prefix else key
            if prefix == "ENTRY" and key in ("params", "translations", "items"):
                out.add(path)
                continue
            if path in ("document.translations", "preamble.heading"):
                out.add(path)
                continue
            out.add(path)
            if path in entry_keys:
                out |= _key_paths(value, "ENTRY")
            elif path in entry_lists:
                out |= {p for item in value for p in _key_paths(item, "ENTRY")}
            elif path == "clauses" and isinstance(value, YList):
                out |= {f"clauses[].{k}" for item in value if isinstance(item, YMap) for k in item}
            else:
                out |= _key_paths(value, path)
    return out


def _specs() -> list[tuple[str, bytes]]:
    found = [(str(p), p.read_bytes()) for p in sorted((ROOT / "examples").rglob("*.yaml"))
             if b"\ndocument:" in b"\n" + p.read_bytes()]
    guide = [(path, body.encode("utf-8")) for kind, path, body in _guide_steps()
             if kind == "file" and "document:" in body]
    return found + guide


@pytest.mark.parametrize(("name", "data"), _specs(), ids=lambda v: Path(v).name if isinstance(v, str) else "")
def test_every_key_a_spec_uses_is_in_the_reference(name: str, data: bytes) -> None:
    reference = (DOCS / "spec-reference.md").read_text(encoding="utf-8")
    documented = {key.path for key in SCHEMA}
    for path in _key_paths(load_yaml(data, name), ""):
        assert path in documented and f"`{path}`" in reference, f"{name}: {path} is not in docs/spec-reference.md"


def test_every_schema_key_has_a_type_a_default_and_an_example() -> None:
    for key in SCHEMA:
        assert key.type and key.default and key.example and key.doc, key.path


# -- clauses, lint rules ------------------------------------------------------------------------------------


def test_the_clause_format_documents_every_field_and_setting() -> None:
    text = (DOCS / "clauses.md").read_text(encoding="utf-8")
    for name in sorted(_CLAUSE_FIELDS | _PARAM_FIELDS):
        assert f"| `{name}` |" in text, name
    for setting, values in _OPTION_VALUES.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{setting}` |"))
        assert all(value in row for value in values), setting


def test_the_lint_catalogue_is_generated_from_the_rules() -> None:
    assert (DOCS / "lint-rules.md").read_text(encoding="utf-8") == catalogue_markdown(), \
        "docs/lint-rules.md is stale: run `python -m drafting.conventions.lint > docs/lint-rules.md`"
    for rule in RULES.values():
        assert rule.summary and rule.section("Example") and rule.section("Fix"), rule.code


def test_lint_help_lists_the_rules_lint_reports() -> None:
    result = CliRunner().invoke(cli, ["lint", "--help"])
    assert result.exit_code == 0
    listed = re.findall(r"^\s+(S\d+)\s", result.output, flags=re.M)
    assert listed == list(RULES)
    assert "S4–S12" not in result.output


# -- codes cited by the package ------------------------------------------------------------------------------

_CODE = re.compile(r"\b([A-Z])(\d{1,2})\b")
_FAMILIES = set("SNFDMZOXTP")


def _cited_codes() -> dict[str, set[str]]:
    """Codes of the reference catalogues cited in the package, with the files citing them. A code a module
    defines itself (a line starting with it, as a module's own numbered steps would be) is that module's own."""
    cited: dict[str, set[str]] = {}
    for path in sorted((ROOT / "drafting").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        own = set(re.findall(r"^([A-Z]\d{1,2})\s", text, flags=re.M))
        for family, number in _CODE.findall(text):
            code = family + number
            if family in _FAMILIES and code not in own:
                cited.setdefault(code, set()).add(str(path.relative_to(ROOT)))
    return cited


def test_every_code_the_package_cites_is_defined_in_docs_reference() -> None:
    defined = set()
    for path in (DOCS / "reference").glob("*.md"):
        defined |= set(re.findall(r"^\| ([A-Z]\d{1,2}) \|", path.read_text(encoding="utf-8"), flags=re.M))
    cited = _cited_codes()
    assert {"S12", "M5", "O6", "Z9", "X7"} <= set(cited)
    missing = {code: sorted(files) for code, files in cited.items() if code not in defined}
    assert not missing, f"codes cited but not defined in docs/reference/: {missing}"


def test_the_readme_points_to_the_docs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in ("docs/guide.md", "docs/spec-reference.md", "docs/clauses.md", "docs/lint-rules.md",
                "docs/reference/"):
        assert doc in readme, doc
    assert "S4–S12" not in readme
