"""The architecture holds: imports run one way, no module cycles (function-level imports included), and the
import contracts that `make lint` runs fail on a planted violation."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "drafting"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every drafting module `path` imports anywhere in its body (functions and TYPE_CHECKING blocks too)."""
    found: set[str] = set()
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != here and target.startswith("drafting"):
                found.add(target)
    return found


def graph() -> dict[str, set[str]]:
    modules = all_modules()
    names = set(modules)
    edges = {name: imports_of(path, names) for name, path in modules.items()}
    # `from drafting.app.documents import x` runs drafting/app/__init__.py first, but that is the package's
    # own choice of re-exports, not a dependency of the importer on its siblings: keep the most specific module.
    for name, targets in edges.items():
        edges[name] = {t for t in targets if not any(o.startswith(t + ".") for o in targets) or t == "drafting"}
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [[m.strip() for m in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def layer_of(module: str, order: list[list[str]]) -> int | None:
    for rank, layer in enumerate(order):
        if any(module == m or module.startswith(m + ".") for m in layer):
            return rank
    return None


def test_no_module_cycles_counting_every_import() -> None:
    assert cycles(graph()) == []


def test_no_module_imports_a_higher_layer() -> None:
    order = layers()
    upward = []
    for importer, targets in graph().items():
        mine = layer_of(importer, order)
        for target in targets:
            theirs = layer_of(target, order)
            if mine is not None and theirs is not None and theirs < mine:
                upward.append(f"{importer} -> {target}")
    assert upward == []


def test_every_package_is_in_a_layer() -> None:
    order = layers()
    top_level = {name.split(".")[1] for name in all_modules() if name.count(".") >= 1}
    unplaced = sorted(p for p in top_level if layer_of(f"drafting.{p}", order) is None)
    assert unplaced == ["errors"]  # the exceptions every layer raises, importing nothing


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_make_lint_runs_the_import_contracts() -> None:
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "lint-imports" in recipe


@pytest.mark.parametrize(("module", "planted", "contract"), [
    ("drafting/model/document.py", "import drafting.cli", "One dependency direction"),
    ("drafting/render/markdown.py", "import drafting.render.docx", "Renderers never import each other"),
    ("drafting/conventions/assemble.py", "import lxml", "XML and Word libraries only in the OOXML layer"),
    ("drafting/app/negotiation.py", "import drafting.negotiation.store", "only through the workspace"),
    ("drafting/library/spec.py", "def _late():\n    import drafting.app", "One dependency direction"),
])
def test_the_contracts_fail_on_a_planted_violation(tmp_path: Path, module: str, planted: str, contract: str) -> None:
    copy = tmp_path / "tree"
    shutil.copytree(PACKAGE, copy / "drafting", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    env = {**os.environ, "PYTHONPATH": str(copy)}

    def lint() -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=copy, env=env, capture_output=True, text=True,
                              timeout=120)

    clean = lint()
    assert clean.returncode == 0, clean.stdout
    target = copy / module
    target.write_text(target.read_text(encoding="utf-8") + "\n" + planted + "\n", encoding="utf-8")
    broken = lint()
    assert broken.returncode != 0
    assert contract in broken.stdout.split("Broken contracts", 1)[1]
