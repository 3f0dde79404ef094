"""Provider-neutral export: one complete MIME message (.eml) per locale.

multipart/alternative with text/plain first and text/html last (clients show the last part they
can render), UTF-8, Content-Language, From/Reply-To from settings, and the one-click
unsubscribe headers Gmail and Yahoo require of bulk senders (RFC 8058).

There is no To header: the export is one message for every subscriber of the locale, and the
sender that delivers it sets each subscriber's address (proofs set the proof recipients').
"""

from __future__ import annotations

import datetime as dt
import hashlib
from email import policy
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr

from newsletter.model.settings import Settings
from newsletter.providers.base import ExportFile, MergeValues, Provider, fill, issue_date, keep_placeholders
from newsletter.providers.routing import Send
from newsletter.render import RenderedEmail
from newsletter.render.templating import MergeTags

SEND_HOUR_UTC = 9  # the Date header is the issue's date at this hour: deterministic, and plausible

WORD_PAYLOAD = 52  # "=?utf-8?q?" + 52 characters + "?=" is 64 (RFC 2047 allows 75): a folded line stays under 76
_Q_LITERAL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")  # RFC 2047 §5 (3)


def _q_encoded(character: str) -> str:
    if character in _Q_LITERAL:
        return character
    return "_" if character == " " else "".join(f"={byte:02X}" for byte in character.encode())


def encoded_words(text: str) -> list[str]:
    """The text as RFC 2047 Q-encoded words of whole characters, each at most 64 characters long.

    Q rather than base64: a base64 word of whole characters can end in `=` padding, and GMime (mu,
    notmuch, Geary, Balsa) joins adjacent words before decoding and stops at the pad."""
    words, word = [], ""
    for character in text:
        encoded = _q_encoded(character)
        if word and len(word) + len(encoded) > WORD_PAYLOAD:
            words.append(word)
            word = ""
        word += encoded
    return [f"=?utf-8?q?{piece}?=" for piece in [*words, word]]


class _EncodedWordsPolicy(EmailPolicy):
    """RFC 5322 with CRLF; a non-ASCII Subject is written as encoded words one a line, folded, each line
    under 76 characters (RFC 2047 §2) — Python's own folder writes 76-character words on 78-character
    lines and may put two spaces before a continuation line. ASCII headers stay unfolded up to RFC
    5322's limit of 998, because Python folds a value that fits on one line onto the next, and its own
    parser then reads it back with a leading space."""

    def _fold(self, name, value, refold_binary=False):
        if name.lower() == "subject" and not str(value).isascii():
            return f"{name}: {(self.linesep + ' ').join(encoded_words(str(value)))}{self.linesep}"
        return super()._fold(name, value, refold_binary)


EML_POLICY = _EncodedWordsPolicy(linesep="\r\n", max_line_length=998)
BODY_POLICY = policy.SMTP.clone(max_line_length=76)  # quoted-printable lines of at most 76 characters (RFC 2045 §6.7)


def _digest(email: RenderedEmail, salt: str) -> str:
    return hashlib.sha256(f"{salt}\0{email.issue_id}\0{email.locale}".encode()).hexdigest()[:24]


def build_message(email: RenderedEmail, settings: Settings, *, merge: MergeValues | None = None,
                  date: dt.date | None = None) -> EmailMessage:
    """The email as one MIME message, deterministic for the same input.

    merge: None keeps the provider-neutral placeholders (`[[unsubscribe_url]]` … also in the
        List-Unsubscribe header), for a sender that substitutes them itself; MergeValues (for
        instance `base.sample_values(settings, email)`) fills them in, as proofs do.
    date: the issue's date, for the Date header (09:00 UTC that day); None uses the first day
        of the issue's month.
    The MIME boundary and Message-ID derive from issue and locale, so two runs give the same bytes.
    """
    text, html = email.text, email.html
    if merge is not None:
        text, html = fill(text, email, merge, is_html=False), fill(html, email, merge, is_html=True)
    message = message_headers(email, settings, merge=merge, date=date)
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    # "=_" cannot occur in quoted-printable bodies, so this fixed boundary never collides with content.
    message.set_boundary(f"=_{_digest(email, 'boundary')}")
    message["Content-Language"] = email.lang  # after the body: making it multipart moves Content-* headers into the parts
    message.policy = EML_POLICY  # how it is written out, here and by smtplib
    return message


def message_headers(email: RenderedEmail, settings: Settings, *, merge: MergeValues | None = None,
                    date: dt.date | None = None) -> EmailMessage:
    """The message's own headers, without its body (encoding the body is most of the work): what
    build_message starts from, and what the List-Unsubscribe check reads."""
    message = EmailMessage(policy=BODY_POLICY)
    _set_headers(message, email, settings, issue_date(email, date),
                 MergeTags.unsubscribe_url if merge is None else merge.unsubscribe_url)
    return message


def _set_headers(message: EmailMessage, email: RenderedEmail, settings: Settings, day: dt.date,
                 unsubscribe: str) -> None:
    sender = settings.sender
    message["From"] = formataddr((sender.name, sender.email))
    if sender.reply_to:
        message["Reply-To"] = sender.reply_to
    message["Subject"] = email.subject
    message["Date"] = format_datetime(dt.datetime.combine(day, dt.time(SEND_HOUR_UTC), tzinfo=dt.UTC))
    message["Message-ID"] = f"<{email.issue_id}.{email.locale}.{_digest(email, 'id')}@{sender.email.rpartition('@')[2]}>"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"


# Said in the file itself, where a reader of the raw message (or a spam filter's report) looks first; MIME
# clients never show a preamble (RFC 2046 §5.1.1).
EXPORT_PREAMBLE = (
    "A newsletter export, to be completed by the software that delivers it\n"
    "to each subscriber: [[unsubscribe_url]] (also in List-Unsubscribe) and\n"
    "[[first_name|...]] are placeholders for that subscriber's values (the\n"
    "web version's address is already the issue's page in the web archive);\n"
    "there is no To header, as each copy gets its own;\n"
    f"the Date is the issue's date at {SEND_HOUR_UTC:02d}:00 UTC, for the time of sending.\n"
)


class Eml(Provider):
    name = "eml"
    title = "provider-neutral MIME (.eml)"
    audience_in_files = False

    def files(self, email: RenderedEmail, settings: Settings, date: dt.date, send: Send) -> list[ExportFile]:
        for part in (email.text, email.html):
            keep_placeholders(part, email)  # refuse a placeholder no sender could fill
        message = build_message(email, settings, date=date)
        message.preamble = EXPORT_PREAMBLE
        return [ExportFile(f"{email.locale}.eml", message.as_bytes(policy=EML_POLICY))]
