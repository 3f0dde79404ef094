"""Compliance (CAN-SPAM, RFC 8058): an unsubscribe link and the postal address in both parts,
a sender identity, and one-click List-Unsubscribe headers in the message the export writes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage

from newsletter.checks.model import CheckedEmail, Finding
from newsletter.render.templating import MergeTags

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def unsubscribe(checked: CheckedEmail) -> Iterator[Finding]:
    hint = "keep the Unsubscribe link (merge.unsubscribe_url) in templates/partials/footer.mjml.j2 and email.txt.j2"
    links = [a for a in checked.html.all("a") if a.attrs.get("href") == MergeTags.unsubscribe_url and a.text]
    if not links:
        yield checked.error("compliance.unsubscribe", "templates/partials/footer.mjml.j2: the HTML has no unsubscribe link", hint)
    if MergeTags.unsubscribe_url not in checked.email.text:
        yield checked.error("compliance.unsubscribe", "templates/email.txt.j2: the text part has no unsubscribe link", hint)


def postal_address(checked: CheckedEmail) -> Iterator[Finding]:
    address = _collapsed(checked.settings.postal_address)
    hint = "keep {{ postal_address }} in the footer of both templates (CAN-SPAM requires it)"
    for part, text, template in (("HTML", checked.html.visible_text, "templates/partials/footer.mjml.j2"),
                                 ("text part", _collapsed(checked.email.text), "templates/email.txt.j2")):
        if address not in text:
            yield checked.error("compliance.postal-address", f"{template}: the {part} does not show the postal address "
                                f"({checked.setting('postal_address')})", hint)


def sender(checked: CheckedEmail) -> Iterator[Finding]:
    identity = checked.settings.sender
    if not identity.name.strip() or not _EMAIL.match(identity.email or ""):
        yield checked.error("compliance.sender", f"{checked.setting('sender')}: the sender needs a name and an email address",
                            "set sender.name and sender.email in newsletter.yaml")


def unsubscribe_header_problems(message: EmailMessage) -> list[str]:
    """What a MIME message lacks for one-click unsubscribe (RFC 8058), which Gmail and Yahoo require."""
    problems = []
    header = str(message.get("List-Unsubscribe", "")).strip()
    if not re.fullmatch(r"<[^<>\s]+>(\s*,\s*<[^<>\s]+>)*", header):
        problems.append(f"List-Unsubscribe is {header!r}, not an address in angle brackets")
    if str(message.get("List-Unsubscribe-Post", "")).strip() != "List-Unsubscribe=One-Click":
        problems.append("no 'List-Unsubscribe-Post: List-Unsubscribe=One-Click' header")
    return problems


def list_unsubscribe(checked: CheckedEmail) -> Iterator[Finding]:
    from newsletter.providers.eml import message_headers

    for problem in unsubscribe_header_problems(message_headers(checked.email, checked.settings)):
        yield checked.error("compliance.list-unsubscribe", f"newsletter/providers/eml.py: the MIME message: {problem}",
                            "the export must add both headers (RFC 8058 one-click unsubscribe)")


CHECKS = (unsubscribe, postal_address, sender)
EXPORT_CHECKS = (list_unsubscribe,)  # about the MIME message, which only the export writes
