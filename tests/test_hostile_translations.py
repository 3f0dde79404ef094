"""Translations are text: whatever a translator (or someone posing as one) writes in a PO file is
either shipped as the text it is, or refused at its PO line; a template is never blamed for it."""

from __future__ import annotations

import subprocess
from pathlib import Path

SPANISH = "locales/es/LC_MESSAGES/newsletter.po"


def catalog(project: Path) -> Path:
    return project / SPANISH


def translate(project: Path, msgid: str, msgstr: str) -> int:
    """Set the Spanish msgstr of a one-line msgid entry; returns the msgstr's line number."""
    path = catalog(project)
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index(f'msgid "{msgid}"') + 1
    while lines[index + 1].startswith('"'):  # a msgstr continued over several lines
        del lines[index + 1]
    lines[index] = f"msgstr {po_quoted(msgstr)}"
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


def po_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)


# PO files as editors save them


def test_a_catalog_saved_with_a_byte_order_mark_is_read(project, cli):
    path = catalog(project)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())  # Notepad's UTF-8
    assert cli("i18n", "check", "--locale", "es", cwd=project).returncode == 0
    build = cli("build", "--locale", "es", cwd=project)
    assert build.returncode == 0, build.stderr
    assert "Cancelar la suscripción" in (project / "dist/2026-11/es/email.html").read_text(encoding="utf-8")


def test_an_unclosed_quote_is_reported_where_it_opens(project, cli):
    path = catalog(project)
    lines = path.read_text(encoding="utf-8").split("\n")
    index = lines.index('msgid "Unsubscribe"') + 1
    lines[index] = '  msgstr "Cancelar la suscripción'
    path.write_text("\n".join(lines), encoding="utf-8")
    assert "end-of-line within string" in msgfmt_check(path).stderr  # GNU gettext refuses it too
    for command in (["i18n", "check", "--locale", "es"], ["build", "--locale", "es"]):
        result = cli(*command, cwd=project)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert (f"error: {SPANISH}:{index + 1}:10: this quoted string has no closing quote — "
                'end it with " on the same line') in result.stderr, result.stderr
