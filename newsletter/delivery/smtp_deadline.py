"""An SMTP client whose whole dialogue has one deadline, and server replies with the credentials taken out.

smtplib's timeout is per socket operation: a server that sends one `220-` line every few seconds, or one
byte at a time, keeps it waiting for ever. Here every read, write, connect and TLS handshake is given only
the time left before the deadline, so the dialogue as a whole (greeting, each command, DATA) ends on time.
"""

from __future__ import annotations

import base64
import io
import smtplib
import socket
import time
from dataclasses import dataclass, field


class DeadlinePassed(Exception):
    """The dialogue ran out of time; `step` is what the server was being waited for. Not an OSError, so that
    smtplib does not take it for a dropped connection worth another attempt."""

    def __init__(self, step: str, seconds: float):
        super().__init__(f"no answer to {step} within {seconds:g} s")
        self.step, self.seconds = step, seconds


@dataclass
class Deadline:
    seconds: float
    ends: float = field(init=False)
    step: str = "the greeting"  # what is being waited for, to say so when the time is up

    def __post_init__(self) -> None:
        self.ends = time.monotonic() + self.seconds

    def left(self) -> float:
        """Seconds left; raises DeadlinePassed when none are."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise DeadlinePassed(self.step, self.seconds)
        return left

    def bound(self, sock: socket.socket) -> socket.socket:
        sock.settimeout(self.left())
        return sock

    def timed_out(self) -> DeadlinePassed:
        return DeadlinePassed(self.step, self.seconds)


class _BoundedReader(io.RawIOBase):
    """The socket as a raw file whose every recv is given only the time left (smtplib reads replies line by line)."""

    def __init__(self, sock: socket.socket, deadline: Deadline):
        self.sock, self.deadline = sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            return self.deadline.bound(self.sock).recv_into(buffer)
        except TimeoutError:
            raise self.deadline.timed_out() from None


class _DeadlineMixin:
    """What SMTP and SMTP_SSL share: the time left on every socket operation, the step named for messages."""

    deadline: Deadline

    def putcmd(self, cmd, args=""):
        self.deadline.step = cmd.split()[0].upper() if cmd.strip() else "the command"
        super().putcmd(cmd, args)

    def send(self, s):
        if self.sock:
            self.deadline.bound(self.sock)  # sendall's timeout covers the whole write (Python ≥ 3.5)
        try:
            super().send(s)
        except TimeoutError:
            raise self.deadline.timed_out() from None

    def getreply(self):
        if self.file is None and self.sock:
            self.file = io.BufferedReader(_BoundedReader(self.sock, self.deadline))
        return super().getreply()

    def starttls(self, *args, **kwargs):
        self.deadline.step = "STARTTLS"
        if self.sock:
            self.deadline.bound(self.sock)  # the handshake, too
        return super().starttls(*args, **kwargs)

    def __exit__(self, *failure):
        if failure[0] is not None:
            self.close()  # no QUIT into a dialogue that just failed: it would wait in its turn
            return
        try:
            super().__exit__(*failure)
        except DeadlinePassed:
            self.close()  # everything was sent; only the goodbye ran out of time

    def _get_socket(self, host, port, timeout):
        self.deadline.step = "the connection"
        try:
            sock = super()._get_socket(host, port, self.deadline.left())
        except TimeoutError:
            raise self.deadline.timed_out() from None
        self.deadline.step = "the greeting"
        return sock


class DeadlineSMTP(_DeadlineMixin, smtplib.SMTP):
    def __init__(self, host: str, port: int, deadline: Deadline):
        self.deadline = deadline
        super().__init__(host, port, timeout=deadline.left())


class DeadlineSMTP_SSL(_DeadlineMixin, smtplib.SMTP_SSL):
    def __init__(self, host: str, port: int, deadline: Deadline, context):
        self.deadline = deadline
        super().__init__(host, port, timeout=deadline.left(), context=context)


def redacted(text: str, user: str | None, password: str | None) -> str:
    """A server's reply with the password taken out, as sent in clear or in AUTH PLAIN/LOGIN's base64."""
    if not password:
        return text
    secrets = [password, _b64(password), _b64(f"\0{user or ''}\0{password}"), _b64(f"{user or ''}\0{user or ''}\0{password}")]
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return text


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()
