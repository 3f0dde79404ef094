"""What newsletter.yaml must gain for a new language, said by `newsletter i18n init`: the locale in
target_locales, and in every audience section that routes by list or segment (one per locale) a list for
it. Read from the project's own settings, so a provider added later is named too."""

from __future__ import annotations

from newsletter.model.settings import SETTINGS_FILE, Settings


def _line_of(settings: Settings, key: str) -> str:
    text = (settings.root / SETTINGS_FILE).read_text(encoding="utf-8")
    line = next((number for number, row in enumerate(text.splitlines(), 1) if row.startswith(f"{key}:")), None)
    return f"{SETTINGS_FILE}:{line}" if line else SETTINGS_FILE


def settings_needed(settings: Settings, locale: str) -> list[str]:
    """One line per setting the locale still needs, each with its place and what to write."""
    needed = []
    if locale not in settings.target_locales:
        needed.append(f"{_line_of(settings, 'target_locales')}: target_locales: add {locale} — only the listed "
                      "languages are built, counted and exported")
    audience = settings.audience
    for name, section in (audience.providers.items() if audience else ()):
        if section.groups and locale not in section.groups:
            where = section.location
            field = f"{where.field}: " if where.field else ""
            needed.append(f"{where}: {field}add '{locale}:' with the id of the {name} list or segment of the subscribers "
                          f"whose {audience.language_field} is {audience.value_of(locale)!r}")
    if audience and needed:
        needed.append(f"{audience.location}: audience.values: add '{locale}: VALUE' only if those subscribers' "
                      f"{audience.language_field} holds another value than {locale!r}")
    return needed
