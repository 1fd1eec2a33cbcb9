"""The package installs from a wheel and works outside the checkout: the template and the default clause
library come from the wheel's package data, not from the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ALMATY_SPEC, ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    build = tmp_path_factory.mktemp("build")
    shutil.copytree(ROOT, build / "src", ignore=shutil.ignore_patterns(
        ".venv", ".git", "outputs", "__pycache__", "*.egg-info", "build", ".*_cache", ".hypothesis", "bench"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(build / "src")], check=True, capture_output=True, timeout=300)
    (found,) = out.glob("drafting-*.whl")
    return found


def test_the_wheel_carries_the_template_the_clauses_and_the_licence(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"drafting/data/clauses/{p.name}" for p in (ROOT / "clauses").glob("*.yaml")}
    assert shipped <= names
    assert "drafting/data/templates/conference.docx" in names
    assert "drafting/data/templates/conference.skeletons" in names
    assert "drafting/py.typed" in names
    assert "drafting/library/un-states.txt" in names  # the registry's States
    assert "drafting/library/world-states.json" in names  # and them ready-built
    assert any(n.endswith("licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "bench/", "examples/")) for n in names)


def test_an_installed_drafting_assembles_the_sample_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    """A fresh venv holding only the wheel (its dependencies are lent from the test's own environment, without
    the checkout): `drafting assemble` run elsewhere finds its template and clause library in the install."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
                    "-q", str(wheel)], check=True, capture_output=True, timeout=300)
    site = next(venv.glob("lib/python*/site-packages"))
    lent = [p for p in sys.path if p.endswith("site-packages")]
    (site / "lent-dependencies.pth").write_text("\n".join(lent) + "\n")  # a plain path list: no editable finder
    work = tmp_path / "elsewhere"
    work.mkdir()
    spec = work / "recommendations.yaml"
    lines = ALMATY_SPEC.read_text(encoding="utf-8").splitlines(keepends=True)
    spec.write_text("".join(line for line in lines if not line.startswith("clauses:")), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["DRAFTING_CACHE_DIR"] = "off"
    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import drafting, drafting.support.resources as r; print(drafting.__file__); "
                            "print(r.default_template()); print(r.data_folder('clauses'))"],
                           cwd=work, env=env, capture_output=True, text=True, check=True, timeout=60).stdout.split()
    assert all(str(site) in line for line in where), where
    result = subprocess.run([str(venv / "bin" / "drafting"), "assemble", spec.name, "-o", "out", "--format", "md,docx"],
                            cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    md = (work / "out" / "recommendations.md").read_text(encoding="utf-8")
    assert "Endorse" in md and "Regional Cooperation Framework" in md
    with zipfile.ZipFile(work / "out" / "recommendations.docx") as docx:
        assert "AP/NCM/2012/1" in "".join(docx.read(n).decode() for n in docx.namelist() if n.startswith("word/header"))
    assert (work / "out" / "recommendations.ru.md").exists()
