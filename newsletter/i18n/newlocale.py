"""What newsletter.yaml must gain for a new language, said by `newsletter i18n init`: the locale in
target_locales, and in every audience section that routes by list, segment or group (a mapping with
one entry per locale, and "other") an entry for it. Read from newsletter.yaml itself, so a provider
added later is named too."""

from __future__ import annotations

import yaml

from newsletter.model.settings import SETTINGS_FILE, Settings


def _where(node: yaml.Node) -> str:
    return f"{SETTINGS_FILE}:{node.start_mark.line + 1}:{node.start_mark.column + 1}"


def _mapping(node: yaml.Node | None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _locale_keyed(audience: yaml.Node | None, locales: tuple[str, ...]):
    """(audience.<provider>.<key>, its node) of every mapping keyed by all the current target locales."""
    for provider, (_, section) in _mapping(audience).items():
        for key, (_, value) in _mapping(section).items():
            if locales and set(locales) <= set(_mapping(value)):
                yield provider, f"audience.{provider}.{key}", value


def settings_needed(settings: Settings, locale: str) -> list[str]:
    """One line per setting the locale still needs, each with its place and what to write."""
    with open(settings.root / SETTINGS_FILE, encoding="utf-8") as handle:
        top = _mapping(yaml.compose(handle))
    needed = []
    if locale not in settings.target_locales and "target_locales" in top:
        needed.append(f"{_where(top['target_locales'][0])}: target_locales: add {locale} — only the listed languages "
                      "are built, counted and exported")
    audience = settings.audience
    field = audience.language_field if audience else "language field"
    value = audience.value_of(locale) if audience else locale
    lists = [(provider, path, node) for provider, path, node in _locale_keyed(top.get("audience", (None, None))[1],
                                                                              settings.target_locales)
             if locale not in _mapping(node)]
    for provider, path, node in lists:
        needed.append(f"{_where(node)}: {path}: add '{locale}:' with the id of the {provider} list, segment or group "
                      f"of the subscribers whose {field} is {value!r}")
    if lists and "audience" in top:
        needed.append(f"{_where(top['audience'][0])}: audience.values: add '{locale}: VALUE' only if those subscribers' "
                      f"{field} holds another value than {locale!r}")
    return needed
