"""target_locales as marketing edits it: a locale taken out of the list, listed twice, or the source
locale listed as a target."""

from __future__ import annotations

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
