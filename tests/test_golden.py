"""The sample issue's output, reviewed as a diff (Pelican-style golden files).

When a change to templates, catalogs or code changes the output on purpose, regenerate with

    python -m pytest tests/test_golden.py --update-golden

and review `git diff tests/golden/` like any other change.

Values that come from a library's data rather than from us (the issue date as CLDR writes it in
each language) are recorded beside the golden files when they are reviewed; a newer Babel that
writes a date differently changes them in both the golden and the built files before comparing,
so a CLDR update is not mistaken for a change of ours (nor hides one: the new value is Babel's own).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import shutil
from pathlib import Path

from babel.dates import format_date

from newsletter.model.settings import babel_locale

GOLDEN = Path(__file__).parent / "golden"
CHECKED = ("manifest.json", "*/email.txt", "*/email.mjml", "*/email.html")
LIBRARY_VALUES = "library-values.json"
SIZES = ("html_bytes", "text_bytes")  # follow the library values' lengths


def output_files(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): path.read_text(encoding="utf-8")
            for pattern in CHECKED for path in sorted(folder.glob(pattern))}


def library_values(built: Path) -> dict[str, str]:
    """Each locale's issue date as the installed Babel writes it (the email's dateline)."""
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    day = dt.date.fromisoformat(manifest["date"])
    return {entry["locale"]: format_date(day, format="long", locale=babel_locale(entry["locale"]))
            for entry in manifest["locales"]}


def with_todays_library_values(files: dict[str, str], reviewed: dict[str, str], today: dict[str, str]) -> dict[str, str]:
    """The golden files as they would read had they been reviewed with today's library data."""
    if reviewed == today:
        return files
    changed = dict(files)
    for name, text in files.items():
        locale = name.split("/", 1)[0]
        if locale in reviewed and locale in today:
            changed[name] = text.replace(reviewed[locale], today[locale])
    return changed


def without_sizes(manifest: str) -> str:
    data = json.loads(manifest)
    for entry in data["locales"]:
        for key in SIZES:
            entry.pop(key, None)
    return json.dumps(data, indent=2)


def test_sample_issue_matches_the_golden_files(project, cli, request):
    result = cli("build", "2026-11", "--quiet", cwd=project)
    assert result.returncode == 0, result.stderr
    built = project / "dist" / "2026-11"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN / "2026-11", ignore_errors=True)
        shutil.copytree(built, GOLDEN / "2026-11")
        values = json.dumps({"dates": library_values(built)}, ensure_ascii=False, indent=2, sort_keys=True)
        (GOLDEN / "2026-11" / LIBRARY_VALUES).write_text(values + "\n", encoding="utf-8")
    reviewed = json.loads((GOLDEN / "2026-11" / LIBRARY_VALUES).read_text(encoding="utf-8"))["dates"]
    expected, actual = output_files(GOLDEN / "2026-11"), output_files(built)
    if reviewed != library_values(built):  # a newer CLDR: compare what is ours, not Babel's data or its lengths
        expected = with_todays_library_values(expected, reviewed, library_values(built))
        expected["manifest.json"], actual["manifest.json"] = (without_sizes(expected["manifest.json"]),
                                                               without_sizes(actual["manifest.json"]))
    assert sorted(actual) == sorted(expected), "files differ; regenerate with --update-golden"
    for name in expected:
        if actual[name] != expected[name]:
            diff = difflib.unified_diff(expected[name].splitlines(), actual[name].splitlines(),
                                        f"golden/{name}", f"built/{name}", lineterm="", n=1)
            raise AssertionError("\n".join(list(diff)[:40]) + "\n(regenerate with --update-golden)")
