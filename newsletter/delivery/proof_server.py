"""The SMTP server proofs go to, as the command line gives it: --smtp HOST:PORT (IPv6 in brackets), --to,
--starttls or --ssl, --user with the password from NEWSLETTER_SMTP_PASSWORD, --cafile, --smtp-timeout.
Each option is checked before the build, so a mistake costs one line and no rendering."""

from __future__ import annotations

import os
import re
import ssl
from dataclasses import dataclass

from newsletter.errors import Location, Problem, UsageError, quoted

PASSWORD_VARIABLE = "NEWSLETTER_SMTP_PASSWORD"
DEADLINE_SECONDS = 60.0  # the whole dialogue, all attempts: --smtp-timeout


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    security: str = "none"  # "none", "starttls" or "ssl"
    user: str | None = None
    password: str | None = None
    cafile: str | None = None  # a private certificate authority to trust (a company's own, a test server's)
    insecure_auth: bool = False
    deadline_seconds: float = DEADLINE_SECONDS

    @property
    def address(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


_HOST_PORT = re.compile(r"^(?:\[(?P<ipv6>[0-9A-Fa-f:.]+)\]|(?P<host>[^\s:\[\]]+)):(?P<port>\d{1,5})$")


def server_from_args(args) -> SmtpServer:
    """The SMTP server from --smtp/--to/--starttls/--ssl/--user/--cafile, and the password from the environment."""
    if not args.smtp or not args.to:
        raise UsageError(Problem(Location("--smtp"), "proofs need both --smtp HOST:PORT and --to ADDR",
                                 "for example: --smtp smtp.example.com:587 --starttls --to you@example.com"))
    host, port = _host_port(args.smtp)
    password = os.environ.get(PASSWORD_VARIABLE)
    if args.user and not password:
        raise UsageError(Problem(Location("--user"), f"no password for {args.user!r}",
                                 f"set the environment variable {PASSWORD_VARIABLE}"))
    security = "starttls" if args.starttls else "ssl" if args.ssl else "none"
    if args.user and security == "none" and not args.insecure_auth:
        raise UsageError(Problem(Location("--user"), "the password would cross the network in clear text",
                                 "add --starttls or --ssl (or --insecure-auth for a test server you trust)"))
    if args.cafile:
        tls_context(args.cafile)  # a wrong file is a usage error now, not a TLS failure after the build
    for address in args.to:
        _check_address(address)
    return SmtpServer(host, port, security, args.user, password if args.user else None, args.cafile,
                      bool(args.insecure_auth), _deadline_seconds(getattr(args, "smtp_timeout", None)))


def _check_address(address: str) -> None:
    """A --to with a line break would add a header of its own to the envelope: refused before the build."""
    if any(character in address for character in "\r\n\0"):
        raise UsageError(Problem(Location("--to"), f"{quoted(address)} holds a line break",
                                 "give one address per --to, on one line"))


def _deadline_seconds(text: str | None) -> float:
    if text is None:
        return DEADLINE_SECONDS
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise UsageError(Problem(Location("--smtp-timeout"), f"expected seconds between 0 and 3600, got {quoted(text)}",
                                 f"for example: --smtp-timeout {DEADLINE_SECONDS:g}"))
    return seconds


def _host_port(text: str) -> tuple[str, int]:
    """smtp.example.com:587, 192.0.2.1:25 or [2001:db8::1]:25 (an IPv6 address in brackets, as in URLs)."""
    match = _HOST_PORT.match(text)
    if not match or not 0 < int(match["port"]) < 65536:
        raise UsageError(Problem(Location("--smtp"), f"expected HOST:PORT, got {text!r}",
                                 "for example: smtp.example.com:587, or [::1]:25 for an IPv6 address"))
    return match["ipv6"] or match["host"], int(match["port"])


def tls_context(cafile: str | None) -> ssl.SSLContext:
    """The system's trusted authorities, or the one in --cafile."""
    try:
        return ssl.create_default_context(cafile=cafile)
    except FileNotFoundError:
        reason = "no such file"
    except (ssl.SSLError, OSError, ValueError) as error:
        reason = "no certificate in it" if isinstance(error, ssl.SSLError) else (error.strerror or str(error)).lower()
    raise UsageError(Problem(Location("--cafile"), f"cannot use {cafile}: {reason}",
                             "give the PEM file of the server's certificate authority"))
