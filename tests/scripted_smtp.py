"""SMTP servers that misbehave on purpose, on loopback: a plain asyncio server running a script per connection.

aiosmtpd plays a well-behaved server; these play the ones marketing meets on a bad day (RFC 5321's
dialogue, https://www.rfc-editor.org/rfc/rfc5321#section-4.2 for the multi-line `220-` replies)."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Awaitable, Callable

STALL = "stall"  # a reply that never comes
DROP = "drop"  # the connection closed instead of a reply


@dataclass
class Script:
    """What the server answers. `greeting` runs first (it may trickle); `data_replies` answer each DATA in turn
    (the last one for all those after); `auth_reply` answers AUTH, given the command line the client sent."""

    greeting: Callable[[asyncio.StreamWriter], Awaitable[None]] | None = None
    data_replies: list[str] = field(default_factory=lambda: ["250 OK"])
    auth_reply: Callable[[str], str] | None = None
    messages: list[bytes] = field(default_factory=list)  # the DATA accepted, across connections
    datas: int = 0


class ScriptedServer:
    """Listens on 127.0.0.1 in a thread of its own; `stop()` closes it and every connection."""

    def __init__(self, script: Script):
        self.script = script
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        self.ready.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._dialogue, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def stop(self) -> None:
        async def close():
            self.server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
        asyncio.run_coroutine_threadsafe(close(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    async def _dialogue(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._answer(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client left, or the test is over
        finally:
            writer.close()

    async def _answer(self, reader, writer) -> None:
        script = self.script
        if script.greeting:
            await script.greeting(writer)
        await send(writer, "220 scripted.example ESMTP")
        while line := (await reader.readline()).decode("ascii", "replace").rstrip("\r\n"):
            verb = line.split()[0].upper()
            if verb == "EHLO":
                await send(writer, "250-scripted.example\r\n250-AUTH PLAIN\r\n250 8BITMIME")
            elif verb == "AUTH" and script.auth_reply:
                await send(writer, script.auth_reply(line))
            elif verb == "DATA":
                await send(writer, "354 go ahead")
                content = await reader.readuntil(b"\r\n.\r\n")
                reply = script.data_replies[min(script.datas, len(script.data_replies) - 1)]
                script.datas += 1
                if reply == STALL:
                    await asyncio.sleep(3600)
                if reply == DROP:
                    return
                if reply.startswith("250"):
                    script.messages.append(content)
                await send(writer, reply)
            elif verb == "QUIT":
                await send(writer, "221 bye")
                return
            else:
                await send(writer, "250 OK")


async def send(writer: asyncio.StreamWriter, reply: str) -> None:
    writer.write(reply.encode() + b"\r\n")
    await writer.drain()


def trickling(every: float) -> Callable[[asyncio.StreamWriter], Awaitable[None]]:
    """A greeting that never ends: one `220-` continuation line every `every` seconds."""
    async def greeting(writer):
        while True:
            await send(writer, "220-still saying hello")
            await asyncio.sleep(every)
    return greeting


def silent() -> Callable[[asyncio.StreamWriter], Awaitable[None]]:
    async def greeting(writer):
        await asyncio.sleep(3600)
    return greeting
