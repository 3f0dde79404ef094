"""Proofs: one message per locale, sent over SMTP to the people checking the issue.

Merge tags are filled with sample values so the proof reads as a subscriber would see it;
the subject says `[PROOF <locale>]` (`[PROOF en_XA pseudo-locale]` for a pseudo-locale, which
only a proof may carry). The password comes from NEWSLETTER_SMTP_PASSWORD, never
from the command line (it would show in the shell history and the process list).
Transient failures (connection dropped, a 4xx reply) are retried a few times, with a pause that
doubles; a refused connection, a TLS failure or a refused login is reported at once, as one line.
Each recipient's fate is told: accepted, accepted after retries (with the server's 'try later'),
or refused (with the server's reply) — a refused recipient fails the command. A login happens
only over TLS unless --insecure-auth says otherwise. The whole dialogue, every attempt included, has one
deadline (--smtp-timeout): a server that trickles its greeting or stalls in DATA is given up on at once.
Replies are shown with the password taken out (a 535 may echo what was sent), and when a failure stops
the sending, the proofs already accepted are still told.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from newsletter.delivery.proof_server import PASSWORD_VARIABLE, SmtpServer, tls_context
from newsletter.delivery.smtp_deadline import Deadline, DeadlinePassed, DeadlineSMTP, DeadlineSMTP_SSL, redacted
from newsletter.delivery.webversion import with_web_version
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.model.settings import PSEUDO_LOCALES, Settings
from newsletter.providers.base import sample_values
from newsletter.providers.eml import build_message
from newsletter.render import IssueBuild

ATTEMPTS = 3
RETRY_PAUSE_SECONDS = 1.0  # doubled after each failed attempt


class TransientSmtpError(Exception):
    """A failure worth another attempt: the connection dropped or the server said 'try later'."""


def summary(deliveries: list[Delivery], server: SmtpServer) -> list[str]:
    """The proofs the server accepted, in one line; and a reminder when the password went in clear text."""
    accepted = [delivery for delivery in deliveries if delivery.accepted]
    lines = []
    if accepted:
        locales, recipients = dict.fromkeys(d.locale for d in accepted), dict.fromkeys(d.recipient for d in accepted)
        lines.append(f"sent {len(locales)} proofs ({', '.join(locales)}) to {', '.join(recipients)} via {server.address}")
    if server.user and server.security == "none":
        lines.append("warning: --insecure-auth: the password crossed the network in clear text")
    return lines


def proof_message(email, settings: Settings, built: IssueBuild, recipients: list[str]) -> EmailMessage:
    """The export's message with sample merge values, a [PROOF <locale>] subject and a fresh Message-ID
    (Gmail hides a message whose Message-ID it has seen, so proofs must not reuse the export's)."""
    email = with_web_version(email, settings)  # the archive page, when there is one, as subscribers will get it
    message = build_message(email, settings, merge=sample_values(settings, email), date=built.issue.date)
    pseudo = " pseudo-locale" if email.locale in PSEUDO_LOCALES else ""  # never sent to subscribers: say so
    message.replace_header("Subject", f"[PROOF {email.locale}{pseudo}] {email.subject}")
    message.replace_header("Date", formatdate(localtime=False))
    message.replace_header("Message-ID", make_msgid(domain=settings.sender.email.rpartition("@")[2]))
    message["To"] = ", ".join(recipients)
    return message


@dataclass
class Delivery:
    """One recipient's fate for one proof: accepted, or refused with the server's reply; how many retries it took."""

    locale: str
    recipient: str
    accepted: bool = False
    reply: str = ""  # the refusal, or the last 'try later'
    retries: int = 0
    final: bool = False  # False while a 'try later' leaves it to the next attempt
    message_refused: bool = False  # refused at MAIL or DATA (the message itself), not at RCPT (the address)


class ProofsStopped(NewsletterError):
    """A failure that ended the sending; `deliveries` still tells which proofs were accepted before it."""

    def __init__(self, problem: Problem, deliveries: list[Delivery]):
        super().__init__(problem)
        self.deliveries = deliveries


Pending = dict[str, tuple[EmailMessage, list[Delivery]]]  # by locale: the proof, and its recipients' fates


def send_proofs(built: IssueBuild, settings: Settings, server: SmtpServer, recipients: list[str]) -> list[Delivery]:
    """Send one proof per locale to every recipient; returns each recipient's fate for each proof.

    A 'try later' (4xx) for the whole message or a recipient, or a dropped connection, is tried again
    after a pause that doubles, ATTEMPTS times in all; what is still waiting then counts as refused.
    """
    pending = {email.locale: (proof_message(email, settings, built, recipients),
                              [Delivery(email.locale, recipient) for recipient in recipients]) for email in built.emails}
    deliveries = [delivery for _, fates in pending.values() for delivery in fates]
    try:
        _attempts(server, pending, Deadline(server.deadline_seconds))
    except NewsletterError as error:
        raise _stopped(error.problems[0], deliveries) from None
    for delivery in deliveries:
        delivery.final = True  # one still told 'try later' after the last attempt was not accepted
    return deliveries


def _attempts(server: SmtpServer, pending: Pending, deadline: Deadline) -> None:
    pause = RETRY_PAUSE_SECONDS
    for attempt in range(1, ATTEMPTS + 1):
        try:
            _deliver(server, _waiting(pending), deadline)
        except TransientSmtpError as error:
            if attempt == ATTEMPTS:
                raise _failure(server, f"{error} (gave up after {ATTEMPTS} attempts)",
                               "check that the server is up and accepting mail, then try again") from None
        if not _waiting(pending) or attempt == ATTEMPTS:
            return
        time.sleep(min(pause, deadline.ends - time.monotonic()))
        pause *= 2


def _stopped(problem: Problem, deliveries: list[Delivery]) -> ProofsStopped:
    """The failure that ended the sending, saying which proofs it left unsent when others went through."""
    if any(delivery.accepted for delivery in deliveries):
        unsent = dict.fromkeys(delivery.locale for delivery in deliveries if not delivery.accepted)
        problem = Problem(problem.location, f"{problem.message}; not sent: {', '.join(unsent)}", problem.hint)
    return ProofsStopped(problem, deliveries)


def _waiting(pending: Pending) -> Pending:
    """The proofs with recipients still to try, each with only those recipients."""
    waiting = {locale: (message, [d for d in fates if not d.final]) for locale, (message, fates) in pending.items()}
    return {locale: entry for locale, entry in waiting.items() if entry[1]}


def _deliver(server: SmtpServer, waiting: Pending, deadline: Deadline) -> None:
    """One connection: send each waiting proof to its waiting recipients and note what the server said of each."""
    with _connect(server, deadline) as smtp:
        for message, deliveries in waiting.values():
            refused, whole = _classified(lambda message=message, deliveries=deliveries: _send(smtp, message, deliveries),
                                         server)
            for delivery in deliveries:
                _note(delivery, refused.get(delivery.recipient), server, whole)


def _send(smtp: smtplib.SMTP, message: EmailMessage, deliveries: list[Delivery]) -> tuple[dict, bool]:
    """The refused recipients with the server's reply, and whether the message itself was refused (at MAIL or
    DATA, for every recipient); each refusal is a result for that proof, not the end of the others."""
    recipients = [delivery.recipient for delivery in deliveries]
    try:
        return smtp.send_message(message, to_addrs=recipients), False
    except smtplib.SMTPRecipientsRefused as error:
        smtp.rset()  # the envelope was left open without recipients
        return error.recipients, False
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        if error.smtp_code < 500:
            raise  # 'try later' for the whole message: the next attempt, as for a dropped connection
        smtp.rset()
        return {recipient: (error.smtp_code, error.smtp_error) for recipient in recipients}, True


def _note(delivery: Delivery, refusal: tuple[int, bytes] | None, server: SmtpServer, whole: bool = False) -> None:
    if refusal is None:
        delivery.accepted = delivery.final = True
        return
    delivery.reply = f"{refusal[0]} {_reply_text(refusal, server)}"
    delivery.message_refused = whole
    if 400 <= refusal[0] < 500:  # 'try later' (greylisting, a full mailbox): the next attempt tries again
        delivery.retries += 1
    else:
        delivery.final = True


def outcomes(deliveries: list[Delivery], server: SmtpServer) -> tuple[list[str], list[Problem]]:
    """What happened, recipient by recipient, proofs with the same fate together: lines to print, and problems."""
    lines, problems = [], []
    groups: dict[tuple, list[str]] = {}
    for delivery in deliveries:
        key = (delivery.recipient, delivery.accepted, delivery.retries, delivery.reply, delivery.message_refused)
        groups.setdefault(key, []).append(delivery.locale)
    for (recipient, accepted, retries, reply, message_refused), locales in groups.items():
        proofs = f"{len(locales)} proof{'s' if len(locales) != 1 else ''} ({', '.join(locales)})"
        if accepted:
            after = f" after {retries} retr{'ies' if retries != 1 else 'y'} ({reply})" if retries else ""
            lines.append(f"{recipient}: accepted {proofs}{after}")
        elif reply.startswith("4"):
            problems.append(Problem(Location(f"smtp://{server.address}"), f"{recipient}: not accepted {proofs} after "
                                    f"{ATTEMPTS} attempts: {reply}", "try again later, or ask the server's administrator"))
        else:
            hint = "the server refused the message itself: read its reply" if message_refused else "check the --to address"
            problems.append(Problem(Location(f"smtp://{server.address}"), f"{recipient}: refused {proofs}: {reply}", hint))
    return lines, problems


def accepted_lines(deliveries: list[Delivery], server: SmtpServer) -> list[str]:
    """What the server accepted, recipient by recipient: told even when a later failure ended the sending."""
    return outcomes([delivery for delivery in deliveries if delivery.accepted], server)[0]


def _connect(server: SmtpServer, deadline: Deadline) -> smtplib.SMTP:
    context = tls_context(server.cafile)
    if server.security == "ssl":
        smtp = _classified(lambda: DeadlineSMTP_SSL(server.host, server.port, deadline, context), server)
    else:
        smtp = _classified(lambda: DeadlineSMTP(server.host, server.port, deadline), server)
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
    except DeadlinePassed as error:
        raise _failure(server, f"{error}: the whole dialogue may take {error.seconds:g} s (--smtp-timeout)",
                       "check that the server is up and answering, or allow it more with --smtp-timeout") from None
    except ConnectionRefusedError:
        raise _failure(server, "connection refused", "check --smtp HOST:PORT and that the server is running") from None
    except ssl.SSLCertVerificationError as error:
        raise _failure(server, f"TLS failure: the server's certificate is not trusted ({error.verify_message})",
                       "check the host name, or ask for the server's certificate authority") from None
    except ssl.SSLError as error:
        raise _failure(server, f"TLS failure: {error.reason or error}",
                       "check --starttls/--ssl against what the server's port expects") from None
    except smtplib.SMTPAuthenticationError as error:
        raise _failure(server, f"authentication failed for {server.user!r}: {_reply(error, server)}",
                       f"check --user and {PASSWORD_VARIABLE}") from None
    except smtplib.SMTPNotSupportedError as error:
        raise _failure(server, f"not supported by the server: {redacted(str(error), server.user, server.password)}",
                       "log in only after --starttls or --ssl, or leave out --user") from None
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TransientSmtpError(f"server replied {_reply(error, server)}") from None
        raise _failure(server, f"server replied {_reply(error, server)}", "the proof was not sent") from None
    except (TimeoutError, smtplib.SMTPServerDisconnected, ConnectionError) as error:
        raise TransientSmtpError(f"connection lost: {error or type(error).__name__}") from None
    except OSError as error:  # unknown host, network unreachable: retrying will not help
        raise _failure(server, f"cannot connect: {error.strerror or error}", "check --smtp HOST:PORT") from None


def _reply(error: smtplib.SMTPResponseException, server: SmtpServer) -> str:
    return f"{error.smtp_code} {_reply_text((error.smtp_code, error.smtp_error), server)}"


def _reply_text(reply: tuple[int, bytes | str], server: SmtpServer) -> str:
    """The server's words, on one line, with the password out of them."""
    text = reply[1]
    text = (text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)).strip()
    return redacted(" ".join(text.split()), server.user, server.password)
