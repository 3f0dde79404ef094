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


LIST_IDS = {"mailchimp": "4e0c2a1b08", "brevo": "9", "listmonk": "8", "sendgrid": "1b6c2a1e-0b1a-4f7e-9a51-3c0f6a1d2e08",
            "mailgun": "newsletter-it@mg.example.com"}  # what marketing copies from each provider's account


def follow(project: Path, instructions: list[str]) -> None:
    """Do what `i18n init` said, line by line: add the locale where each named line of newsletter.yaml says."""
    settings = project / "newsletter.yaml"
    lines = settings.read_text(encoding="utf-8").splitlines()
    for instruction in sorted(instructions, key=lambda line: -int(line.split(":")[1])):  # bottom up: lines stay put
        place = re.match(r"newsletter\.yaml:(\d+):(\d+): (\S+): add (?:'it:'|it )", instruction)
        if not place:
            continue
        number, column, key = int(place.group(1)) - 1, int(place.group(2)) - 1, place.group(3)
        if key == "target_locales":
            lines[number] = lines[number].replace("]", ", it]")
            continue
        provider = key.split(".")[1]
        if lines[number][column] == "{":  # a flow mapping: {en: 2, es: 3, …}
            lines[number] = lines[number][:column + 1] + f"it: {LIST_IDS[provider]}, " + lines[number][column + 1:]
        else:
            indent = re.match(r"\s*", lines[number + 1]).group(0)
            lines.insert(number + 1, f"{indent}it: {LIST_IDS[provider]}")
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_new_language_is_added_by_doing_what_init_says(project, cli):
    """`i18n init it` names every setting Italian needs (docs/translating.md, "A new language"): target_locales
    and a list in each audience section that routes by list (newsletter.yaml's audience comment: "one per
    locale, and other for everyone else"). Done as said, every command works again; until then it named them all."""
    done = cli("i18n", "init", "it", cwd=project)
    assert done.returncode == 0, done.stderr
    instructions = [line.strip() for line in done.stderr.splitlines() if line.startswith("  newsletter.yaml:")]
    keys = [line.split(": ")[1] for line in instructions]
    assert keys == ["target_locales", "audience.mailchimp.interests", "audience.brevo.lists", "audience.sendgrid.segments", "audience.listmonk.lists",
                    "audience.mailgun.lists", "audience.values"], done.stderr
    follow(project, instructions)
    status = cli("i18n", "status", cwd=project)
    assert status.returncode == 0 and any(line.startswith("it ") for line in status.stdout.splitlines()), status
    built = cli("build", "--locale", "it", cwd=project)
    assert built.returncode == 0, built.stderr
    assert (project / "dist/2026-11/it/email.html").is_file()
    assert cli("i18n", "update", cwd=project).returncode == 0
