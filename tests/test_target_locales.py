"""target_locales as marketing edits it: a locale taken out of the list, listed twice, or the source
locale listed as a target."""

from __future__ import annotations

import json
import re
from pathlib import Path


def set_targets(project: Path, targets: str) -> int:
    """Write target_locales; returns its line in newsletter.yaml."""
    settings = project / "newsletter.yaml"
    text = re.sub(r"(?m)^target_locales: .*$", f"target_locales: {targets}", settings.read_text(encoding="utf-8"))
    settings.write_text(text, encoding="utf-8")
    return text.splitlines().index(f"target_locales: {targets}") + 1


def test_a_locale_listed_twice_or_the_source_locale_as_a_target_is_refused_with_its_place(project, cli):
    line = set_targets(project, "[es, fr, es, en]")
    result = cli("build", cwd=project)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"error: newsletter.yaml:{line}:26: target_locales[2]: 'es' is listed twice — keep one",
        f"error: newsletter.yaml:{line}:30: target_locales[3]: 'en' is the source locale (source_locale), not a "
        "translation — remove it from target_locales: the source locale is always built"]
    assert not (project / "dist").exists()


def test_a_locale_taken_out_of_target_locales_leaves_dist_and_the_manifest_with_a_note(project, cli):
    assert cli("build", cwd=project).returncode == 0
    issue = project / "issues/2026-11.yaml"
    issue.write_text(issue.read_text(encoding="utf-8").replace("Exosomes", "Exosomes, again"), encoding="utf-8")
    set_targets(project, "[es, fr]")
    result = cli("build", cwd=project)
    assert result.returncode == 0, result.stderr
    dist = project / "dist/2026-11"
    for locale in ("de", "ar", "zh_Hans"):
        assert f"note: {dist / locale}/: removed, {locale} is no longer in target_locales (newsletter.yaml)" \
            in result.stderr.splitlines()
    assert sorted(path.name for path in dist.iterdir()) == ["en", "es", "fr", "manifest.json"]
    manifest = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))
    assert [entry["locale"] for entry in manifest["locales"]] == ["en", "es", "fr"]


def test_a_pseudo_locale_built_on_request_stays_beside_the_targets(project, cli):
    assert cli("build", "--locale", "en_XA", cwd=project).returncode == 0
    assert cli("build", cwd=project).returncode == 0
    manifest = json.loads((project / "dist/2026-11/manifest.json").read_text(encoding="utf-8"))
    assert [entry["locale"] for entry in manifest["locales"]] == ["en", "es", "fr", "de", "ar", "zh_Hans", "en_XA"]
