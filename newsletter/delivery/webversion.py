"""Where "View in browser" leads: the issue's page in the web archive, when the project publishes one.

`[[web_version_url]]` is resolved here, before any provider maps the remaining placeholders to its
merge tags, so every export and proof links to the same archive page whatever the provider; without
`links.archive` it stays a placeholder for the provider's own hosted copy (Mailchimp `*|ARCHIVE|*`,
Brevo's mirror, listmonk's message page). A provider that hosts none (SES, SendGrid, Postmark, Mailgun,
and the .eml export) needs `links.archive`: nothing else gives its subscribers a page that exists.
"""

from __future__ import annotations

import html
from dataclasses import replace
from urllib.parse import urljoin

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.model.settings import SETTINGS_FILE, Settings
from newsletter.providers.base import Provider
from newsletter.providers.base import archive_page_path as page_path
from newsletter.render import RenderedEmail
from newsletter.render.templating import MergeTags


def require_web_version(provider: Provider, settings: Settings) -> None:
    """A provider without a hosted copy of the email links "View in browser" to the web archive, so the archive's
    address must be set: without it, the link would lead nowhere."""
    if settings.archive_url is None and not provider.hosts_web_version:
        raise NewsletterError(Problem(
            Location(SETTINGS_FILE, field="links.archive"),
            f"{provider.title} keeps no web copy of the email, so \"View in browser\" needs the web archive",
            "add under links: archive: https://www.example.com/newsletter/ (the address where newsletter archive's "
            "pages are published)"))


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
