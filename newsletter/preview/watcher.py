"""Live reload: watch the project's sources and tell every open page what changed.

watchfiles (inotify on Linux) reports saved files; the open pages hear about it over
server-sent events and fetch their view again. A view whose inputs did not change keeps
its render key, so the page leaves that email alone.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from watchfiles import Change, DefaultFilter, awatch

from newsletter.model.settings import SETTINGS_FILE
from newsletter.preview.previews import Previews

WATCHED_FOLDERS = ("issues", "locales", "templates")
QUIET_MS = 20  # changes are reported once the folder was quiet this long (an editor's save is several events)
KEEP_ALIVE_SECONDS = 15


class SourceFilter(DefaultFilter):
    """Editors' swap and backup files are ignored, and so are compiled .mo catalogs (the build reads .po)."""

    def __call__(self, change: Change, path: str) -> bool:
        return super().__call__(change, path) and not path.endswith((".mo", "~"))


class SettingsFilter:
    def __init__(self, settings_file: Path):
        self.settings_file = str(settings_file)

    def __call__(self, change: Change, path: str) -> bool:
        return path == self.settings_file


class Hub:
    """Every open page's event queue."""

    def __init__(self) -> None:
        self._queues: set[asyncio.Queue] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    def publish(self, event: dict | None) -> None:
        for queue in self._queues:
            queue.put_nowait(event)

    def close_soon(self) -> None:
        """End every page's stream, from a signal handler too (Ctrl+C): an open stream never ends by itself,
        and the server would cancel it after its grace period, with an ASGI traceback."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._close)

    def _close(self) -> None:
        self._closed = True
        self.publish(None)

    async def stream(self) -> AsyncIterator[str]:
        """Server-sent events for one page: a hello, then one event per batch of saved files."""
        self._loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        self._queues.add(queue)
        try:
            yield 'retry: 500\ndata: {"hello": true}\n\n'
            while not self._closed:
                try:
                    event = await asyncio.wait_for(queue.get(), KEEP_ALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if event is not None:
                    yield f"data: {json.dumps(event)}\n\n"
        finally:
            self._queues.discard(queue)


async def watch(previews: Previews, hub: Hub, stop: asyncio.Event) -> None:
    """Until `stop` is set: on every batch of saved files, refresh the previews and notify the pages.

    newsletter.yaml is watched through its folder, not by itself: editors save by replacing the
    file, which would end a watch on the file.
    """
    root = previews.settings.root
    folders = [root / folder for folder in WATCHED_FOLDERS if (root / folder).is_dir()]
    settings_only = SettingsFilter(root / SETTINGS_FILE)
    await asyncio.gather(_follow(previews, hub, stop, folders, SourceFilter(), recursive=True),
                         _follow(previews, hub, stop, [root], settings_only, recursive=False))


async def _follow(previews: Previews, hub: Hub, stop: asyncio.Event, paths: list[Path], only, recursive: bool) -> None:
    async for changes in awatch(*paths, watch_filter=only, recursive=recursive, step=QUIET_MS, stop_event=stop,
                                debounce=1000):
        files = sorted({previews.settings.relative(Path(path)) for _, path in changes})
        await run_in_threadpool(previews.refresh, files)
        hub.publish({"changed": files})
