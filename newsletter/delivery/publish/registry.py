"""The providers `newsletter publish` can carry an export to, by the name the export uses."""

from __future__ import annotations

from newsletter.delivery.publish.engine import Publisher
from newsletter.delivery.publish.brevo import BrevoPublisher
from newsletter.delivery.publish.listmonk import ListmonkPublisher
from newsletter.delivery.publish.mailchimp import MailchimpPublisher
from newsletter.delivery.publish.mailgun import MailgunPublisher
from newsletter.delivery.publish.postmark import PostmarkPublisher
from newsletter.delivery.publish.sendgrid import SendGridPublisher
from newsletter.delivery.publish.ses import SesPublisher

PUBLISHERS: dict[str, type[Publisher]] = {p.name: p for p in (BrevoPublisher, ListmonkPublisher, MailchimpPublisher,
                                                                 MailgunPublisher, PostmarkPublisher, SendGridPublisher,
                                                                 SesPublisher)}
