"""The preview shows the draft a failed build wrote (dist/<issue>/.draft/), marked as a draft that failed its
pre-send checks, with the failures: issue 27 asks that the draft go beside the good output, "which the preview
shows". Before: the draft was written, and the build said "the draft is in dist/2026-11/.draft/, to preview",
but the preview knew nothing of it (it renders the files as they are) and served nothing of it."""

from __future__ import annotations

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.support.catalogs import catalog_path
from tests.test_kept_output import script_in_spanish
from tests.test_preview import get, open_preview, page, start_preview, stop_preview  # noqa: F401 (page: a fixture)

ISSUE = "2026-11"


@pytest.fixture
def failed_build(project, cli):
    """A good build, then one that fails a pre-send check (a <script> in a Spanish translation)."""
    assert cli("build", ISSUE, cwd=project).returncode == 0
    project.joinpath("spanish.po").write_bytes(catalog_path(project, "es").read_bytes())  # to put it right later
    script_in_spanish(project)
    failed = cli("build", ISSUE, cwd=project)
    assert failed.returncode == 1 and (project / "dist" / ISSUE / ".draft" / "failures.json").is_file()
    return [line.removeprefix("error: ") for line in failed.stderr.splitlines() if line.startswith("error: ")]


@pytest.fixture
def server(project):
    preview = start_preview(project)
    yield preview
    stop_preview(preview)


def summary(server) -> dict:
    with urllib.request.urlopen(f"{server.url}api/issues/{ISSUE}", timeout=60) as answer:
        return json.load(answer)


def test_the_summary_gives_the_draft_and_its_failures_and_serves_its_emails(project, cli, failed_build, server):
    draft = summary(server)["draft"]
    assert draft["folder"] == f"dist/{ISSUE}/.draft/"
    assert draft["failures"] == failed_build and any("translation refused" in line for line in failed_build)
    assert draft["locales"] == ["en", "es", "fr", "de", "ar", "zh_Hans"]
    status, body = get(server, f"/draft/{ISSUE}/es.html")
    assert status == 200 and body == (project / "dist" / ISSUE / ".draft" / "es" / "email.html").read_bytes()
    assert get(server, f"/draft/{ISSUE}/en_XA.html")[0] == 404  # not built into the draft

    (project / "dist" / ISSUE / ".draft" / "fr" / "email.html").unlink()
    (project / "dist" / ISSUE / ".draft" / "fr" / "email.html").symlink_to("/etc/passwd")
    assert get(server, f"/draft/{ISSUE}/fr.html")[0] == 404  # a link out of the draft is not followed

    catalog_path(project, "es").write_bytes(project.joinpath("spanish.po").read_bytes())  # the translator puts it right
    assert cli("build", ISSUE, cwd=project).returncode == 0
    assert summary(server)["draft"] is None  # a build that passes removes the draft
    assert get(server, f"/draft/{ISSUE}/es.html")[0] == 404


def test_the_page_marks_the_draft_with_its_failures_and_shows_its_email(failed_build, server, page):
    open_preview(page, server, "es")
    banner = page.locator("#draft")
    expect(banner).to_be_visible()
    expect(banner.locator("strong")).to_have_text(f"Draft: the last build of {ISSUE} failed its pre-send checks")
    expect(banner.locator(".draft-failures li")).to_have_count(len(failed_build))
    expect(banner.locator(".draft-failures li").first).to_have_text(failed_build[0])
    banner.locator("summary").click()
    expect(page.frame_locator("#draft-email").locator("html")).to_have_attribute("lang", "es")
    expect(banner.locator('a[href^="/draft/2026-11/fr.html"]')).to_have_text("fr")
