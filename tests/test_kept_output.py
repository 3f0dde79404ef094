"""What a failed build leaves: the previous good output and its exports, byte for byte, and the draft beside
them in dist/<issue>/.draft/ (README: "a failed build leaves the previous output untouched", and of a failed
pre-send check "the draft is still written, to preview"). Before: a build that failed a check swapped its
draft in for the good output, and the exports went with it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.support.catalogs import catalog_path, editing_catalog

ISSUE = "2026-11"


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def send_py(project: Path, *args: str, fault: str | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(REPO), **({"NEWSLETTER_FAULT": fault} if fault else {})}
    return subprocess.run([sys.executable, str(REPO / "send.py"), ISSUE, "--skip-external-checks", *args], cwd=project,
                          env=environment, capture_output=True, text=True, timeout=120)


def script_in_spanish(project: Path) -> None:
    """A translator's <script> in one es msgstr: the translation is refused (an error), English stands in."""
    with editing_catalog(catalog_path(project, "es"), "es") as catalog:
        entry = next(m for m in catalog if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string)
        entry.string += " <script>alert(1)</script>"


def test_a_build_that_fails_a_check_keeps_the_good_output_and_its_exports_and_writes_the_draft_beside(project, cli):
    assert cli("build", ISSUE, cwd=project).returncode == 0
    assert send_py(project).returncode == 0  # dist/2026-11/eml/
    issue = project / "dist" / ISSUE
    good = folder_bytes(issue)
    archive = folder_bytes(project / "dist" / "archive")  # the sample sets links.archive: the build writes it
    assert any(name.startswith("es/") for name in archive)
    assert any(name.startswith("eml/") for name in good)
    spanish = catalog_path(project, "es").read_bytes()
    script_in_spanish(project)

    failed = cli("build", ISSUE, cwd=project)
    assert failed.returncode == 1
    assert "error: " in failed.stderr and "translation refused" in failed.stderr
    after = folder_bytes(issue)
    assert {name: data for name, data in after.items() if not name.startswith(".draft/")} == good
    # the public web archive (where "View in browser" leads) keeps the good pages too, not the draft's
    assert folder_bytes(project / "dist" / "archive") == archive
    draft = json.loads(after[".draft/manifest.json"])
    assert [entry["locale"] for entry in draft["locales"]] == [entry["locale"] for entry in json.loads(good["manifest.json"])["locales"]]
    assert ".draft/es/email.html" in after and "<script>" not in after[".draft/es/email.html"].decode()
    assert sorted(p.name for p in issue.parent.iterdir() if p.name.startswith(".")) == []
    assert f"{ISSUE}: the pre-send checks failed: the draft is in dist/{ISSUE}/.draft/, to preview; the previous output " \
           "and its exports are unchanged" in failed.stderr

    catalog_path(project, "es").write_bytes(spanish)  # the translator puts it right
    again = cli("build", ISSUE, cwd=project)
    assert again.returncode == 0, again.stderr
    assert folder_bytes(issue) == good  # the stale draft is gone, the exports made from these same files stay


def change_subject(project: Path) -> None:
    """An edit that makes the next build replace dist/2026-11 (an unchanged rebuild rewrites nothing)."""
    path = project / "issues" / f"{ISSUE}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nsubject: \"", "\nsubject: \"New: ", 1), encoding="utf-8")


def leftovers(project: Path) -> list[str]:
    return sorted(path.name for path in (project / "dist").iterdir() if path.name.startswith("."))


def build_killed_at(project: Path, stage: str) -> subprocess.CompletedProcess:
    """`newsletter build` SIGKILLed at a stage of the folder swap (NEWSLETTER_FAULT, newsletter/faults.py)."""
    return subprocess.run([sys.executable, "-m", "newsletter", "build", ISSUE], cwd=project, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(REPO), "NEWSLETTER_FAULT": f"{stage}:KILL"},
                          capture_output=True, text=True)


def test_a_kill_between_the_two_renames_of_the_swap_is_rolled_back_by_the_next_command(project, cli):
    """Before: dist/2026-11 stayed missing, a broken build said "its previous output is unchanged", and the next
    good build deleted the previous folder (.2026-11.*.old) with its export."""
    assert cli("build", ISSUE, cwd=project).returncode == 0
    assert send_py(project).returncode == 0
    issue = project / "dist" / ISSUE
    good = folder_bytes(issue)
    change_subject(project)
    assert build_killed_at(project, "swap").returncode == -9
    assert not issue.exists() and any(name.endswith(".old") for name in leftovers(project))  # the instant it was killed

    (project / "issues" / f"{ISSUE}.yaml").write_text("id: [", encoding="utf-8")  # a broken issue: nothing to build
    broken = cli("build", ISSUE, cwd=project)
    assert broken.returncode == 1
    assert folder_bytes(issue) == good  # its export with it
    assert f"note: dist/{ISSUE}: restored the previous output, which a command stopped while replacing it had left in " \
           f".{ISSUE}." in broken.stderr
    assert leftovers(project) == []


def test_a_kill_after_the_swap_leaves_a_previous_folder_that_an_unchanged_rebuild_removes(project, cli):
    assert cli("build", ISSUE, cwd=project).returncode == 0
    change_subject(project)
    assert build_killed_at(project, "swapped").returncode == -9
    issue = project / "dist" / ISSUE
    new = folder_bytes(issue)
    assert any(name.endswith(".old") for name in leftovers(project))
    again = cli("build", ISSUE, cwd=project)  # nothing changed since: nothing is rewritten
    assert again.returncode == 0, again.stderr
    assert leftovers(project) == [] and folder_bytes(issue) == new
    assert "restored" not in again.stderr


def test_an_export_after_a_kill_between_the_renames_finds_the_previous_exports(project, cli):
    assert cli("build", ISSUE, cwd=project).returncode == 0
    assert send_py(project).returncode == 0
    before = folder_bytes(project / "dist" / ISSUE / "eml")
    change_subject(project)
    assert build_killed_at(project, "swap").returncode == -9
    brevo = send_py(project, "--provider", "brevo")
    assert brevo.returncode == 0, brevo.stderr
    assert "restored the previous output" in brevo.stderr
    assert (project / "dist" / ISSUE / "brevo" / "manifest.json").is_file()
    assert leftovers(project) == []
    assert folder_bytes(project / "dist" / ISSUE / "eml") == before  # carried into the export's folder
