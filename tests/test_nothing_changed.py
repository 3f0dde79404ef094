"""A repeated export with nothing changed reads its caches and does nothing else: no external program
starts (SpamAssassin, the MJML validator, GNU gettext's msginit that the release gate's review runs),
no file of the project is written, and it says what the first run said. A change to what a verdict
was made from (here the glossary, which only the release gate's review reads) makes it judged again.

The real tools run; to see which start, logging launchers for them go first on PATH (each writes one
line, then runs the real program: tests/support/launchers.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.launchers import logging_path

ISSUE = "2026-11"
LOGGED_TOOLS = ("spamd", "spamc", "node", "msginit")
TARGET_LOCALES = 5  # es, fr, de, ar, zh_Hans: the locales the release gate judges


@pytest.fixture
def logged_path(tmp_path: Path) -> tuple[dict[str, str], Path]:
    return logging_path(tmp_path, LOGGED_TOOLS)


def started(log: Path) -> dict[str, int]:
    """How often each logged tool started since the last call (the log is emptied)."""
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return {tool: sum(line.split(" ", 1)[0] == tool for line in lines) for tool in LOGGED_TOOLS}


def files_as_they_are(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every file under the project: its inode, modification time and size (a rewrite changes one)."""
    return {path.relative_to(root).as_posix(): (status.st_ino, status.st_mtime_ns, status.st_size)
            for path in sorted(root.rglob("*")) if path.is_file() and (status := path.stat())}


def test_a_repeated_export_starts_no_program_and_writes_no_file(project, cli, logged_path):
    env, log = logged_path
    first = cli("export", ISSUE, cwd=project, env=env)
    assert first.returncode == 0, first.stderr
    assert started(log) == {"spamd": 1, "spamc": 6, "node": 1, "msginit": TARGET_LOCALES}
    before = files_as_they_are(project)

    second = cli("export", ISSUE, cwd=project, env=env)
    assert second.returncode == 0, second.stderr
    assert second.stderr == first.stderr, "the same findings and lines, from the caches"
    assert started(log) == dict.fromkeys(LOGGED_TOOLS, 0), "nothing changed: no program starts"
    assert files_as_they_are(project) == before, "nothing changed: no file is written"


def test_a_changed_glossary_has_the_release_gate_judge_again_and_nothing_else(project, cli, logged_path):
    env, log = logged_path
    assert cli("export", ISSUE, cwd=project, env=env).returncode == 0
    started(log)
    glossary = project / "locales" / "glossary.tbx"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "\n<!-- reviewed -->\n", encoding="utf-8")

    again = cli("export", ISSUE, cwd=project, env=env)
    assert again.returncode == 0, again.stderr
    assert started(log) == {"spamd": 0, "spamc": 0, "node": 0, "msginit": TARGET_LOCALES}, \
        "the gate reviews every locale again; the emails, unchanged, are not checked again"
