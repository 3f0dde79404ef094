"""After a save, the preview reads again only what the saved file feeds: a catalog changes its own
locale's email and leaves the others' render keys (and their cached renders) alone; a template or
newsletter.yaml changes every email. The real pipeline renders; the page is tests/test_preview.py's."""

from __future__ import annotations

from newsletter.preview.previews import Previews
from newsletter.project import load_settings
from tests.support.catalogs import catalog_path

ISSUE = "2026-11"


def versions(previews: Previews) -> dict[str, str]:
    return {locale: previews.view(ISSUE, locale, with_qa=False).version for locale in previews.locales}


def test_a_saved_catalog_changes_its_locale_only_and_a_template_or_the_settings_every_locale(project):
    previews = Previews(load_settings(project))
    before = versions(previews)

    spanish = catalog_path(project, "es")
    spanish.write_text(spanish.read_text(encoding="utf-8").replace('msgstr "Solicitar una consulta"',
                                                                   'msgstr "Reserve su cita"'), encoding="utf-8")
    previews.refresh([previews.settings.relative(spanish)])
    after_catalog = versions(previews)
    assert [locale for locale in before if before[locale] != after_catalog[locale]] == ["es"]
    assert "Reserve su cita" in previews.view(ISSUE, "es").email.html

    footer = project / "templates" / "partials" / "footer.mjml.j2"
    footer.write_text(footer.read_text(encoding="utf-8") + "\n{# reviewed #}\n", encoding="utf-8")
    previews.refresh(["templates/partials/footer.mjml.j2"])
    after_template = versions(previews)
    assert all(after_template[locale] != after_catalog[locale] for locale in before)

    settings = project / "newsletter.yaml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("name: Northside Plastic Surgery",
                                                                     "name: Northside Clinic"), encoding="utf-8")
    previews.refresh(["newsletter.yaml"])
    assert all(version != after_template[locale] for locale, version in versions(previews).items())
    assert "Northside Clinic" in previews.view(ISSUE, "fr", with_qa=False).email.html
