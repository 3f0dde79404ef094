"""Connections that may not sit idle: uvicorn's HTTP protocol with a deadline for each request's headers.

uvicorn closes a keep-alive connection idle after a response (timeout_keep_alive), but not one that never
sends a request or sends its headers a byte at a time (slowloris): each would hold a socket for ever.
Here every connection must deliver a whole request head within REQUEST_HEAD_SECONDS of opening or of its
last response, or it is closed. A response that streams (the live-reload events) is not cut.
"""

from __future__ import annotations

import asyncio
import os

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

# The tests shorten it (a person's browser sends its request head at once).
REQUEST_HEAD_SECONDS = float(os.environ.get("NEWSLETTER_PREVIEW_REQUEST_SECONDS", "10"))
KEEP_ALIVE_SECONDS = 5  # idle between requests on one connection


class DeadlineProtocol(H11Protocol):
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE and self._head_deadline:
            self._head_deadline.cancel()  # the request's head is in: the rest is the application's
            self._head_deadline = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc) -> None:
        if self._head_deadline:
            self._head_deadline.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._head_deadline:
            self._head_deadline.cancel()
        self._head_deadline = self.loop.call_later(REQUEST_HEAD_SECONDS, self._too_slow)

    def _too_slow(self) -> None:
        self._head_deadline = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():  # no whole request head yet
            self.transport.close()
