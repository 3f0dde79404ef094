"""Exports for mailing providers: one small module per provider behind providers/base.py."""

from __future__ import annotations

from newsletter.errors import Location, Problem, UsageError
from newsletter.model.audience import AudienceSections
from newsletter.providers.base import Provider
from newsletter.providers.brevo import Brevo
from newsletter.providers.eml import Eml
from newsletter.providers.listmonk import Listmonk
from newsletter.providers.mailchimp import Mailchimp
from newsletter.providers.mailgun import Mailgun
from newsletter.providers.postmark import Postmark
from newsletter.providers.sendgrid import SendGrid
from newsletter.providers.ses import Ses

PROVIDERS: dict[str, type[Provider]] = {p.name: p for p in (Eml, Mailchimp, Ses, SendGrid, Postmark, Mailgun, Brevo, Listmonk)}
# The audience.<provider> sections newsletter.yaml may hold, each read by its provider, in the order the schema lists them.
AUDIENCES: AudienceSections = {p.name: p.audience_yaml for p in (Mailchimp, Brevo, SendGrid, Listmonk, Mailgun, Ses)}


def provider_named(name: str) -> Provider:
    """The provider called `name`; an unknown name is a usage error that lists the known ones."""
    if name not in PROVIDERS:
        raise UsageError(Problem(Location("--provider"), f"unknown provider {name!r}",
                                 f"use one of: {', '.join(PROVIDERS)}"))
    return PROVIDERS[name]()
