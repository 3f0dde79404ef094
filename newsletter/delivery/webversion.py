"""Where "View in browser" leads: the issue's page in the web archive, when the project publishes one.

`[[web_version_url]]` is resolved here, before any provider maps the remaining placeholders to its
merge tags, so every export and proof links to the same archive page whatever the provider; without
`links.archive` it stays a placeholder for the provider's own hosted copy.
"""

from __future__ import annotations

import html
from dataclasses import replace
from urllib.parse import urljoin

from newsletter.render import MergeTags, RenderedEmail
from newsletter.model.settings import Settings


def page_path(issue_id: str, locale: str) -> str:
    """An issue's page in the archive, relative to its root: one folder per locale, then per issue."""
    return f"{locale}/{issue_id}/"


def page_url(base: str, issue_id: str, locale: str) -> str:
    return urljoin(base, page_path(issue_id, locale))


def with_web_version(email: RenderedEmail, settings: Settings) -> RenderedEmail:
    """The email with `[[web_version_url]]` pointing at its archive page (subscriber locales only: a
    pseudo-locale has no page), when `links.archive` is set; otherwise unchanged."""
    if settings.archive_url is None or email.locale not in settings.locales:
        return email
    url = page_url(settings.archive_url, email.issue_id, email.locale)
    return replace(email, html=email.html.replace(MergeTags.web_version_url, html.escape(url)),
                   text=email.text.replace(MergeTags.web_version_url, url))
