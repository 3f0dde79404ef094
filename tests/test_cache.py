"""Rebuilds reuse unchanged renders, never serve a stale one, and the cache is safe to delete."""

from __future__ import annotations

import shutil


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in folder.rglob("*") if p.is_file()}


def test_unchanged_rebuild_rewrites_nothing(project, cli):
    assert cli("build", cwd=project).returncode == 0
    before = snapshot(project / "dist")
    assert cli("build", cwd=project).returncode == 0
    assert snapshot(project / "dist") == before


def test_catalog_edit_reaches_the_email_through_the_cache(project, cli):
    assert cli("build", "--locale", "de", cwd=project).returncode == 0
    catalog = project / "locales/de/LC_MESSAGES/newsletter.po"
    text = catalog.read_text()
    start = text.index('msgid "Unsubscribe"')
    end = text.index("\n\n", start) if "\n\n" in text[start:] else len(text)
    catalog.write_text(text[:start] + 'msgid "Unsubscribe"\nmsgstr "Newsletter abbestellen"' + text[end:])
    assert cli("build", "--locale", "de", cwd=project).returncode == 0
    assert "Newsletter abbestellen" in (project / "dist/2026-11/de/email.html").read_text()


def test_output_is_the_same_with_or_without_the_cache(project, cli):
    assert cli("build", "--out", "cached", cwd=project).returncode == 0
    assert cli("build", "--out", "cached", cwd=project).returncode == 0
    shutil.rmtree(project / ".cache")
    assert cli("build", "--out", "fresh", "--no-cache", cwd=project).returncode == 0
    cached, fresh = snapshot(project / "cached"), snapshot(project / "fresh")
    assert {k: v[1] for k, v in cached.items()} == {k: v[1] for k, v in fresh.items()}


def test_warnings_and_errors_are_the_same_when_the_emails_come_from_the_cache(project, cli):
    issue = project / "issues/2026-11.yaml"  # an English edit not yet translated: warnings in every locale
    issue.write_text(issue.read_text().replace("Many of you have asked", "Many patients have asked"))
    first = cli("build", cwd=project)  # renders, runs the pre-send checks, fills the cache
    again = cli("build", cwd=project)  # every email and its findings from the cache
    assert first.returncode == again.returncode == 0
    assert "warning:" in first.stderr
    assert again.stderr == first.stderr


def test_template_edit_reaches_the_email_through_the_compiled_templates(project, cli):
    assert cli("build", "--locale", "en", cwd=project).returncode == 0
    assert list((project / ".cache" / "templates").rglob("*.cache")), "compiled templates are kept"
    footer = project / "templates/partials/footer.mjml.j2"
    footer.write_text(footer.read_text().replace("</mj-text>", "Printed on recycled electrons.</mj-text>", 1))
    assert cli("build", "--locale", "en", cwd=project).returncode == 0
    assert "Printed on recycled electrons." in (project / "dist/2026-11/en/email.html").read_text()
