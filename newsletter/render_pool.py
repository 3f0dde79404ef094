"""Rendering and checking every email of a build, in forked worker processes when that pays.

What runs where:
- here, in the building process: the cache lookups (an issue whose every locale is in the cache,
  rendered and checked, never reaches a worker), compiling the templates once before the fork,
  whatever the caller does inside `with RenderPool(...)` before reading the results, and
  putting each issue's results together in locale order;
- in each worker: rendering one email, running the pre-send checks on it, and storing both in
  the cache. The workers are forked, so they inherit the jobs, the settings and the compiled
  templates instead of receiving them pickled; a task is only a job's index.
- With fewer than PARALLEL_MIN_EMAILS emails to render, one core, or no fork on this system,
  every job runs here, one after the other, with the same results.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import NamedTuple

from newsletter.cache import RenderCache
from newsletter.checks import Finding, check_build
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.faults import fault_point
from newsletter.i18n.translator import translator_for
from newsletter.model.content import Issue
from newsletter.model.settings import Settings
from newsletter.output import STOP_SIGNALS, signals_held
from newsletter.render import IssueBuild, RenderedEmail, prepare, render_email

# An email takes about 20 ms to render and check; a pool of forked workers starts in about 10 ms.
PARALLEL_MIN_EMAILS = 4


class CheckedIssue(NamedTuple):
    """One issue's emails in locale order, and their pre-send findings."""

    emails: tuple[RenderedEmail, ...]
    findings: tuple[Finding, ...]


def render_locale(issue: Issue, settings: Settings, locale: str, cache: RenderCache | None,
                  store: bool = True) -> RenderedEmail:
    """One email, from the cache when its inputs are unchanged, else rendered (and stored)."""
    key = cache.key(settings.root / issue.file, locale) if cache else ""
    email = cache.get(key) if cache else None
    if email is None:
        email = render_email(issue, settings, locale, translator_for(settings, locale))
        if cache and store:
            cache.put(key, email)
    return email


@dataclass(frozen=True)
class RenderJob:
    """One email to render and check."""

    issue: Issue
    settings: Settings
    locale: str
    cache: RenderCache | None

    def run(self) -> tuple[RenderedEmail, tuple[Finding, ...]] | list[Problem]:
        """Render (or reuse) the email, then check it, and cache its findings with it: an unchanged
        email is neither rendered nor checked again. A failure comes back as its problems."""
        try:
            email = render_locale(self.issue, self.settings, self.locale, self.cache, store=False)
            findings = tuple(check_build(IssueBuild(self.issue, (email,)), self.settings))
        except NewsletterError as error:
            return error.problems
        if self.cache:
            self.cache.put(self.cache.key(self.settings.root / self.issue.file, self.locale), email, findings)
        return email, findings


class RenderPool:
    """Every issue's emails, rendered and checked, each issue as soon as it is ready.

        with RenderPool(issues, settings, locales, cache) as pool:
            ...                                    # runs here while the workers render
            for issue, checked in pool.results():  # in issue order: a CheckedIssue or a NewsletterError
                ...

    The workers start on entering the `with` and stop on leaving it.
    """

    def __init__(self, issues: list[Issue], settings: Settings, locales: tuple[str, ...], cache: RenderCache | None):
        self.issues, self.settings, self.locales = issues, settings, locales
        self.from_cache = [_cached(issue, settings, locales, cache) for issue in issues]
        self._jobs = tuple(RenderJob(issue, settings, locale, cache)
                           for issue, hit in zip(issues, self.from_cache) if hit is None for locale in locales)
        self._stack = ExitStack()
        self._done: Iterator = iter(())

    def __enter__(self) -> RenderPool:
        self._done = self._stack.enter_context(_started(self._jobs, self.settings, self.locales))
        return self

    def __exit__(self, *exc_info) -> None:
        self._stack.close()

    def cached(self) -> Iterator[tuple[Issue, CheckedIssue]]:
        """The issues that came whole from the cache: nothing of theirs is left to render."""
        return ((issue, hit) for issue, hit in zip(self.issues, self.from_cache) if hit is not None)

    def results(self) -> Iterator[tuple[Issue, CheckedIssue | NewsletterError]]:
        for issue, hit in zip(self.issues, self.from_cache):
            yield issue, hit if hit is not None else _gather([next(self._done) for _ in self.locales])


def _cached(issue: Issue, settings: Settings, locales: tuple[str, ...], cache: RenderCache | None) -> CheckedIssue | None:
    """Every locale of the issue, rendered and checked, from the cache; None when any is missing."""
    if cache is None:
        return None
    hits = [cache.get_checked(cache.key(settings.root / issue.file, locale)) for locale in locales]
    if None in hits:
        return None
    return CheckedIssue(tuple(email for email, _ in hits), tuple(finding for _, found in hits for finding in found))


def _gather(results: list) -> CheckedIssue | NewsletterError:
    """One issue's emails and findings in locale order, or the problems of the locales that failed."""
    problems = [problem for result in results if isinstance(result, list) for problem in result]
    if problems:
        return NewsletterError(list(dict.fromkeys(problems)))  # a template error fails every locale alike
    return CheckedIssue(tuple(email for email, _ in results), tuple(finding for _, found in results for finding in found))


@contextmanager
def _started(jobs: tuple[RenderJob, ...], settings: Settings, locales: tuple[str, ...]) -> Iterator[Iterator]:
    """The jobs' results, in order: from forked workers when they pay (started at once, stopped on exit),
    else run here one by one as they are read."""
    workers = min(os.cpu_count() or 1, len(jobs))
    if workers > 1 and len(jobs) >= PARALLEL_MIN_EMAILS and "fork" in get_all_start_methods():
        prepare(settings, locales)  # compiled and parsed once here, shared by the forked workers
        pool = _Workers(jobs)
        try:
            with signals_held():  # none reaches a worker before it has set itself up (_serve)
                pool.start(workers)
            yield pool.results()
        finally:
            with signals_held():  # a Ctrl+C now would stop the clean-up half-way, with workers left behind
                pool.stop()
    else:
        yield (job.run() for job in jobs)


class _Workers:
    """Forked workers, each with a pipe of its own. multiprocessing.Pool's workers share a lock on its task
    queue: one killed while holding it (SIGTERM to the process group) left Pool.terminate() waiting for ever.
    Here nothing is shared, so a worker may die at any instant; the building process then says so and stops."""

    def __init__(self, jobs: tuple[RenderJob, ...]):
        self.jobs = jobs
        self.workers: dict[Connection, BaseProcess] = {}

    def start(self, count: int) -> None:
        context = get_context("fork")
        for _ in range(count):
            here, there = context.Pipe()
            # the building process's ends, this pipe's and the other workers', closed in the worker: when the
            # building process dies (SIGKILL), the worker's read ends at once instead of waiting for ever
            process = context.Process(target=_serve, args=(there, self.jobs, [here, *self.workers]), daemon=True)
            process.start()
            there.close()
            self.workers[here] = process

    def results(self) -> Iterator:
        """Each job's result in job order, the next job given to whichever worker is free."""
        waiting, done, idle, busy = iter(range(len(self.jobs))), {}, list(self.workers), set()
        for index in range(len(self.jobs)):
            while index not in done:
                for here in idle:
                    job = next(waiting, None)
                    if job is not None:
                        here.send(job)
                        busy.add(here)
                idle = wait(list(busy))
                busy.difference_update(idle)
                done.update(self._received(here) for here in idle)
            yield done.pop(index)

    def _received(self, here: Connection) -> tuple[int, object]:
        try:
            return here.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            process = self.workers[here]
            process.join(1)
            raise NewsletterError(Problem(Location("newsletter"), f"a render worker ended before its email was done "
                                          f"({_how_it_ended(process)}): nothing was written",
                                          "run the command again")) from None

    def stop(self) -> None:
        """Every worker ended now: they hold nothing of ours (each result is whole or not sent), so SIGKILL."""
        for here, process in self.workers.items():
            if process.exitcode is None:
                process.kill()
            here.close()
        for process in self.workers.values():
            process.join()


def _how_it_ended(process: BaseProcess) -> str:
    if process.exitcode is not None and process.exitcode < 0:
        return f"stopped by {signal.Signals(-process.exitcode).name}"
    return f"exit code {process.exitcode}"


def _serve(there: Connection, jobs: tuple[RenderJob, ...], theirs: list[Connection]) -> None:
    """A worker: the jobs arrive through the fork (never pickled); each task is an index, each answer its result.

    Ctrl+C and SIGTERM are left to the building process: a terminal's Ctrl+C reaches every process of
    the group, and each worker would print a KeyboardInterrupt traceback; the building process cleans
    up, then stops the workers. SIGTERM's default ends a worker at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    for connection in theirs:
        connection.close()
    while True:
        try:
            index = there.recv()
        except EOFError:
            return  # the building process is gone or done
        if index == 0:
            fault_point("render")  # the first email only: one worker, once
        try:
            there.send((index, jobs[index].run()))
        except BrokenPipeError:
            return  # the building process is gone
