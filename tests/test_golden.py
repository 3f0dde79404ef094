"""The sample issue's output, reviewed as a diff (Pelican-style golden files).

When a change to templates, catalogs or code changes the output on purpose, regenerate with

    python -m pytest tests/test_golden.py --update-golden

and review `git diff tests/golden/` like any other change.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"
CHECKED = ("manifest.json", "*/email.txt", "*/email.mjml", "*/email.html")


def output_files(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): path.read_text(encoding="utf-8")
            for pattern in CHECKED for path in sorted(folder.glob(pattern))}


def test_sample_issue_matches_the_golden_files(project, cli, request):
    result = cli("build", "2026-11", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    built = project / "dist" / "2026-11"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN / "2026-11", ignore_errors=True)
        shutil.copytree(built, GOLDEN / "2026-11")
    expected, actual = output_files(GOLDEN / "2026-11"), output_files(built)
    assert sorted(actual) == sorted(expected), "files differ; regenerate with --update-golden"
    for name in expected:
        if actual[name] != expected[name]:
            diff = difflib.unified_diff(expected[name].splitlines(), actual[name].splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=1)
            raise AssertionError("\n".join(list(diff)[:40]) + "\n(regenerate with --update-golden)")
