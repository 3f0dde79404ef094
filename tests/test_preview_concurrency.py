"""The preview under 1,000 concurrent requests: every one answered, none with a 500.

Before: the glossary's Snowball stemmers were shared by the preview's threads, and a stemmer keeps the word
it is stemming in itself (snowballstemmer's BaseStemmer: `current`, `cursor`, `limit`), so two requests
checking translations at once broke each other's words: HTTP 500 on `GET /api/issues/2026-11` (8 of 600
in the issue's probe). Stems are cached once made, so the race is while they are first made: just after
the preview starts, or after a translator saves a catalog. Here the requests start at once on a preview
whose emails are rendered but whose stems are not made yet: first the issue's summaries (the release gate
runs every catalog's translator checks, glossary included: the dear request, one in 16), then each locale's
view (its catalog's QA), its pre-send checks and its email. 1,000 connections are opened at once over raw
sockets, so the server's thread pool is never idle. How long it takes is not asserted."""

from __future__ import annotations

import asyncio
import collections
import resource
import urllib.request

import pytest

from tests.test_preview import start_preview, stop_preview

REQUESTS = 1000
SUMMARY_EVERY = 16
GIVEN_UP_SECONDS = 300
STALLED_SECONDS = 120  # the first answers come after a while: the summaries that start together end together
LOCALES = ("en", "es", "fr", "de", "ar", "zh_Hans")
ISSUE = "/api/issues/2026-11"
CHEAP = [path for locale in LOCALES
         for path in (f"{ISSUE}/{locale}", f"{ISSUE}/{locale}/checks", f"/email/2026-11/{locale}.html")]


def paths() -> list[str]:
    summaries = REQUESTS // SUMMARY_EVERY  # first, so that many of them make their stems at the same time
    return [ISSUE] * summaries + [CHEAP[number % len(CHEAP)] for number in range(REQUESTS - summaries)]


async def status_of(port: int, path: str) -> int | str:
    """One request on its own connection; the status, or what went wrong instead of an answer."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as error:
        return type(error).__name__
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        answer = await reader.read()
    except OSError as error:
        return type(error).__name__
    finally:
        writer.close()
    status_line = answer.partition(b"\r\n")[0].split()
    return int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else f"no answer ({answer[:40]!r})"


async def all_at_once(port: int, wanted: list[str]) -> collections.Counter:
    """Every request started at once; how many got each status, per kind of path. It stops at the first answer
    that is not a 200 (the test has failed: no need to wait for the rest), when no answer at all came for
    STALLED_SECONDS (the preview hung: once it answers, it answers many a second) or after GIVEN_UP_SECONDS,
    counting what is still unanswered. Bounds, so that a hung server fails the test instead of hanging it."""
    kinds = {asyncio.create_task(status_of(port, path)): path.split("/")[-1] if path != ISSUE else "summary"
             for path in wanted}
    pending, given_up = set(kinds), asyncio.get_running_loop().time() + GIVEN_UP_SECONDS
    failed, stalled = False, False
    while pending and not failed and not stalled and (left := given_up - asyncio.get_running_loop().time()) > 0:
        done, pending = await asyncio.wait(pending, timeout=min(left, STALLED_SECONDS), return_when=asyncio.FIRST_COMPLETED)
        failed, stalled = any(task.result() != 200 for task in done), not done
    for task in pending:
        task.cancel()
    answered = collections.Counter((kinds[task], task.result()) for task in kinds if task.done() and not task.cancelled())
    if pending and not failed:
        answered["unanswered", f"no answer for {STALLED_SECONDS} s" if stalled else f"after {GIVEN_UP_SECONDS} s"] = len(pending)
    return answered


@pytest.fixture
def preview(project):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # a socket each, here and in the preview it starts
    if soft != resource.RLIM_INFINITY and soft < 4 * REQUESTS:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4 * REQUESTS, hard), hard))
    preview = start_preview(project)
    yield preview
    stop_preview(preview)


def test_a_thousand_concurrent_requests_get_no_500(preview):
    pseudo = [f"{ISSUE}/{locale}" for locale in ("en_XA", "ar_XB")]  # the summary shows them too
    for path in [*CHEAP, *pseudo]:  # every email rendered once, so the load is the checks, not first renders
        urllib.request.urlopen(f"http://127.0.0.1:{preview.port}{path}", timeout=120).close()
    answered = asyncio.run(all_at_once(preview.port, paths()))
    failed = {key: count for key, count in answered.items() if key[1] != 200}
    assert failed == {}, failed
    assert sum(answered.values()) == REQUESTS
