"""The import layers of docs/architecture.md, checked by import-linter against pyproject.toml's contracts.

The first test is the one CI relies on; the second shows the contracts have teeth: the same check,
run on a copy of the package with one upward import added, fails and names that import.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from conftest import REPO

LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` on the package under root, with root's pyproject.toml (no cache written)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_every_import_follows_the_layers_and_no_package_has_a_circle():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_that_closes_a_circle_breaks_the_contracts(tmp_path: Path):
    shutil.copytree(REPO / "newsletter", tmp_path / "newsletter", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    render = tmp_path / "newsletter" / "render" / "__init__.py"
    render.write_text(render.read_text(encoding="utf-8") + "\nfrom newsletter.build import select_locales  # noqa\n",
                      encoding="utf-8")

    result = lint_imports(tmp_path)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "newsletter.render is not allowed to import newsletter.build" in result.stdout
    assert "No cycles are allowed in newsletter." in result.stdout


def test_the_document_names_every_room_of_the_tree_and_of_each_layers_contract():
    """docs/architecture.md is the map newcomers read: its diagram names every module and package at the
    package's top and every layer of the top-level contract; every layer of each package's own contract is
    named in the document; and every path under newsletter/ it names exists. A room added, moved or
    renamed without the map fails here."""
    document = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    diagram = document.split("```")[1]
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]

    def named(name: str, text: str) -> bool:
        return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text) is not None

    package = REPO / "newsletter"
    rooms = {path.stem for path in package.glob("*.py") if path.stem != "__init__"} | \
            {path.name for path in package.iterdir() if (path / "__init__.py").is_file()}
    assert [room for room in sorted(rooms) if not named(room, diagram)] == []
    for contract in contracts:
        if contract["type"] != "layers":
            continue
        where = diagram if contract["containers"] == ["newsletter"] else document
        layers = [name.strip() for layer in contract["layers"] for name in layer.split("|")]
        assert [name for name in layers if not named(name, where)] == [], contract["id"]
    paths = set(re.findall(r"`(newsletter/[\w/]+(?:\.py|/))", document))
    assert [path for path in sorted(paths) if not (REPO / path).exists()] == []


MODULE_LINES = 360  # docs/architecture.md: one subject per module, at most ~350 lines


def test_no_module_is_over_the_line_bound():
    """A module that grows past ~350 lines is holding a second subject (docs/architecture.md, "Where new
    things go"): every module of the package stays within the bound, so it is split by subject first."""
    lengths = {path.relative_to(REPO).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
               for path in sorted((REPO / "newsletter").rglob("*.py")) if "__pycache__" not in path.parts}
    assert {path: lines for path, lines in lengths.items() if lines > MODULE_LINES} == {}
