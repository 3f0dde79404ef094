"""Proofs: one message per locale, sent over SMTP to the people checking the issue.

Merge tags are filled with sample values so the proof reads as a subscriber would see it;
the subject says `[PROOF <locale>]` (`[PROOF en_XA pseudo-locale]` for a pseudo-locale, which
only a proof may carry). The password comes from NEWSLETTER_SMTP_PASSWORD, never
from the command line (it would show in the shell history and the process list).
Transient failures (connection dropped, a 4xx reply) are retried a few times; a refused
connection, a TLS failure or a refused login is reported at once, as one line.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from newsletter.errors import Location, NewsletterError, Problem, UsageError
from newsletter.providers.base import sample_values
from newsletter.providers.eml import build_message
from newsletter.render import IssueBuild
from newsletter.settings import PSEUDO_LOCALES, Settings

PASSWORD_VARIABLE = "NEWSLETTER_SMTP_PASSWORD"
TIMEOUT_SECONDS = 20
ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 1.0  # doubled after each failed attempt


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str = "none"  # "none", "starttls" or "ssl"
    user: str | None = None
    password: str | None = None

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


class TransientSmtpError(Exception):
    """A failure worth another attempt: the connection dropped or the server said 'try later'."""


def server_from_args(args) -> SmtpServer:
    """The SMTP server from --smtp/--to/--starttls/--ssl/--user, and the password from the environment."""
    if not args.smtp or not args.to:
        raise UsageError(Problem(Location("--smtp"), "proofs need both --smtp HOST:PORT and --to ADDR",
                                 "for example: --smtp smtp.example.com:587 --starttls --to you@example.com"))
    host, _, port = args.smtp.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(Problem(Location("--smtp"), f"expected HOST:PORT, got {args.smtp!r}",
                                 "for example: smtp.example.com:587"))
    password = os.environ.get(PASSWORD_VARIABLE)
    if args.user and not password:
        raise UsageError(Problem(Location("--user"), f"no password for {args.user!r}",
                                 f"set the environment variable {PASSWORD_VARIABLE}"))
    security = "starttls" if args.starttls else "ssl" if args.ssl else "none"
    return SmtpServer(host, int(port), security, args.user, password if args.user else None)


def proof_message(email, settings: Settings, built: IssueBuild, recipients: list[str]) -> EmailMessage:
    """The export's message with sample merge values, a [PROOF <locale>] subject and a fresh Message-ID
    (Gmail hides a message whose Message-ID it has seen, so proofs must not reuse the export's)."""
    message = build_message(email, settings, merge=sample_values(settings, email), date=built.issue.date)
    pseudo = " pseudo-locale" if email.locale in PSEUDO_LOCALES else ""  # never sent to subscribers: say so
    message.replace_header("Subject", f"[PROOF {email.locale}{pseudo}] {email.subject}")
    message.replace_header("Date", formatdate(localtime=False))
    message.replace_header("Message-ID", make_msgid(domain=settings.sender.email.rpartition("@")[2]))
    message["To"] = ", ".join(recipients)
    return message


def send_proofs(built: IssueBuild, settings: Settings, server: SmtpServer, recipients: list[str]) -> list[str]:
    """Send one proof per locale; returns the locales sent. Retries transient failures, then gives up."""
    pending = {email.locale: proof_message(email, settings, built, recipients) for email in built.emails}
    pause = RETRY_PAUSE_SECONDS
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _deliver(server, pending)
            break
        except TransientSmtpError as error:
            if attempt == ATTEMPTS:
                raise _failure(server, f"{error} (gave up after {ATTEMPTS} attempts)",
                               "check that the server is up and accepting mail, then try again") from None
            time.sleep(pause)
            pause *= 2
    return [email.locale for email in built.emails]


def _deliver(server: SmtpServer, pending: dict[str, EmailMessage]) -> None:
    """One connection: send what is pending, removing each message once the server accepted it."""
    with _connect(server) as smtp:
        for locale, message in list(pending.items()):
            _classified(lambda message=message: smtp.send_message(message), server)
            del pending[locale]


def _connect(server: SmtpServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if server.security == "ssl":
        smtp = _classified(lambda: smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS,
                                                    context=context), server)
    else:
        smtp = _classified(lambda: smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS), server)
    try:
        if server.security == "starttls":
            _classified(lambda: _starttls(smtp, server, context), server)
        if server.user:
            _classified(lambda: smtp.login(server.user, server.password or ""), server)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _starttls(smtp: smtplib.SMTP, server: SmtpServer, context: ssl.SSLContext) -> None:
    smtp.ehlo()
    if not smtp.has_extn("starttls"):
        raise _failure(server, "the server does not offer STARTTLS",
                       "use the server's STARTTLS port (often 587), --ssl for its TLS port (often 465), or neither")
    smtp.starttls(context=context)
    smtp.ehlo()


def _failure(server: SmtpServer, message: str, hint: str) -> NewsletterError:
    return NewsletterError(Problem(Location(f"smtp://{server.address}"), message, hint))


def _classified(step, server: SmtpServer):
    """Run one SMTP step; turn its failure into one clear line, or a TransientSmtpError to retry."""
    try:
        return step()
    except ConnectionRefusedError:
        raise _failure(server, "connection refused", "check --smtp HOST:PORT and that the server is running") from None
    except ssl.SSLCertVerificationError as error:
        raise _failure(server, f"TLS failure: the server's certificate is not trusted ({error.verify_message})",
                       "check the host name, or ask for the server's certificate authority") from None
    except ssl.SSLError as error:
        raise _failure(server, f"TLS failure: {error.reason or error}",
                       "check --starttls/--ssl against what the server's port expects") from None
    except smtplib.SMTPAuthenticationError as error:
        raise _failure(server, f"authentication failed for {server.user!r}: {_reply(error)}",
                       f"check --user and {PASSWORD_VARIABLE}") from None
    except smtplib.SMTPNotSupportedError as error:
        raise _failure(server, f"not supported by the server: {error}",
                       "log in only after --starttls or --ssl, or leave out --user") from None
    except smtplib.SMTPRecipientsRefused as error:
        refused = ", ".join(f"{address} ({_reply_text(reply)})" for address, reply in error.recipients.items())
        raise _failure(server, f"recipients refused: {refused}", "check the --to addresses") from None
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TransientSmtpError(f"server replied {_reply(error)}") from None
        raise _failure(server, f"server replied {_reply(error)}", "the proof was not sent") from None
    except (TimeoutError, smtplib.SMTPServerDisconnected, ConnectionError) as error:
        raise TransientSmtpError(f"connection lost: {error or type(error).__name__}") from None
    except OSError as error:  # unknown host, network unreachable: retrying will not help
        raise _failure(server, f"cannot connect: {error.strerror or error}", "check --smtp HOST:PORT") from None


def _reply(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_reply_text((error.smtp_code, error.smtp_error))}"


def _reply_text(reply: tuple[int, bytes | str]) -> str:
    text = reply[1]
    return (text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)).strip()
