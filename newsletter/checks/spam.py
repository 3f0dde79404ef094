"""Spam score: each locale's MIME message, as a subscriber would receive it, scored by SpamAssassin
offline (--local: local tests only, no network). Above the threshold (newsletter.yaml
checks.spam_threshold) is an error; from half of it on, a warning listing the rules that fired.

SpamAssassin spends about a second loading and compiling its rules before it reads a message, so
a run scores all its messages with one spamd (rules loaded once, scoring on every core) and keeps
each report by the hash of the message: an unchanged locale is never scored twice."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from newsletter.checks.model import CheckedEmail, Finding
from newsletter.checks.tool_results import ToolResults, files_fingerprint
from newsletter.errors import Location, NewsletterError, Problem
from newsletter.faults import fault_point

SAMPLE_RECIPIENT = "Alex Example <alex@example.org>"  # the export leaves To: to the provider; scoring needs one
_RULE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$")
_SCORE = re.compile(r"(-?\d+(?:\.\d+)?)/-?\d+(?:\.\d+)?\n")  # spamc --full: "3.3/5.0", then the report


@dataclass(frozen=True)
class Rule:
    name: str
    points: float
    description: str


@dataclass(frozen=True)
class SpamScore:
    locale: str
    score: float
    threshold: float
    rules: tuple[Rule, ...]  # every rule that fired, highest points first

    def as_dict(self) -> dict:
        return {"locale": self.locale, "score": self.score, "threshold": self.threshold,
                "rules": [{"name": r.name, "points": r.points, "description": r.description} for r in self.rules]}

    def __str__(self) -> str:
        fired = ", ".join(f"{r.name} {r.points:g}" for r in self.rules if r.points > 0) or "no rule with points"
        return f"score {self.score:g} (threshold {self.threshold:g}): {fired}"


def available() -> bool:
    return all(shutil.which(tool) for tool in ("spamd", "spamc"))


def parse_report(output: str, locale: str, threshold: float) -> SpamScore:
    """Score and rules from `spamc --full` output: `score/required` on the first line, then the report table."""
    score = _SCORE.match(output)
    if score is None:
        raise ValueError(f"no score in SpamAssassin's output: {output[:200]!r}")
    rules, table = [], output.split("---- ----", 1)[-1].split("\n", 1)[-1] if "---- ----" in output else ""
    for line in table.splitlines():
        if not line.strip():
            break  # the table ends at the first blank line
        match = _RULE.match(line)
        if match:
            rules.append(Rule(match.group(2), float(match.group(1)), match.group(3).strip()))
        elif rules and line.startswith(" " * 10):
            last = rules.pop()  # a description continued on the next line
            rules.append(Rule(last.name, last.points, f"{last.description} {line.strip()}"))
    rules.sort(key=lambda rule: (-rule.points, rule.name))
    return SpamScore(locale, float(score.group(1)) or 0.0, threshold, tuple(rules))  # `or`: SpamAssassin may print -0.0


def import_message_builder() -> None:
    """Import the export's message builder now, in the calling thread. It is imported on first use
    (a build never needs it), and two threads importing the same package at once can fail."""
    import newsletter.providers.base
    import newsletter.providers.eml  # noqa: F401


def message_bytes(checked: CheckedEmail) -> bytes | None:
    """The message as a subscriber receives it: merge tags filled with sample values, a To: address; None
    when the email cannot be made into one (a stray `[[name]]` from the text: the placeholder check reports
    it at its line in the issue or catalog, and the email is scored once it is fixed)."""
    from newsletter.providers.base import sample_values
    from newsletter.providers.eml import EML_POLICY, build_message

    try:
        message = build_message(checked.email, checked.settings, merge=sample_values(checked.settings, checked.email))
    except NewsletterError:
        return None
    message["To"] = SAMPLE_RECIPIENT
    return message.as_bytes(policy=EML_POLICY)


def scores(emails: list[CheckedEmail], early: Future | None = None) -> list[SpamScore | None]:
    """Every email's score: from the cache when SpamAssassin already scored these exact bytes with these
    exact rules; the others by one spamd (`early`'s, started as the run began, or one started now), stopped
    after, one spamc per message."""
    if not emails:
        return []
    results = ToolResults(emails[0].settings.root, "spamassassin", rules_fingerprint())
    messages = [message_bytes(checked) for checked in emails]
    reports = {message: results.get(message) for message in messages if message is not None}
    unscored = [message for message, report in reports.items() if report is None]
    if unscored:
        with early.result() if early else Spamd(children=min(len(unscored), os.cpu_count() or 1)) as spamd, \
                ThreadPoolExecutor(len(unscored)) as pool:
            for message, report in zip(unscored, pool.map(spamd.report, unscored)):
                results.put(message, report)
                reports[message] = report
    return [_parsed(reports[message], checked) if message is not None else None for message, checked in zip(messages, emails)]


def _parsed(report: str, checked: CheckedEmail) -> SpamScore:
    try:
        return parse_report(report, checked.locale, checked.settings.checks.spam_threshold)
    except ValueError:
        raise _failure(f"could not score the {checked.locale} message: {report.strip()[:200] or 'no output'}") from None


def _failure(message: str) -> NewsletterError:
    return NewsletterError(Problem(Location("spamassassin"), message,
                                   "run: newsletter export ISSUE, then spamassassin -t -L < the .eml file"))


def rules_fingerprint() -> str:
    """SpamAssassin's program and rule files as installed: the rule folders are read from spamd itself,
    where they are written when SpamAssassin is built."""
    program = Path(shutil.which("spamd") or "spamd")
    try:
        folders = [Path(folder) for folder in _RULE_FOLDERS.findall(program.read_text(encoding="utf-8", errors="replace"))]
    except OSError:
        folders = []
    return files_fingerprint([program, *folders], "*.[cp][fr]*")  # *.cf and *.pre


_RULE_FOLDERS = re.compile(r"^my \$(?:DEF_RULES|LOCAL_RULES|LOCAL_STATE)_DIR\s*=\s*'([^']+)'", re.MULTILINE)


class Spamd:
    """spamd on a Unix socket in a private temporary folder, for this run only: it loads and compiles
    SpamAssassin's rules once (the second a `spamassassin` run spends before it reads a message), then
    forks `children` processes that score messages side by side. Nothing listens on the network.

    spamd and every child it forks run in a process group of their own, ended as the block is left
    however it is left (an error, Ctrl+C, SIGTERM: `stop_all` from the main thread); the folder names
    its owner, so that the next run ends a spamd whose owner was killed outright (`end_orphans`)."""

    def __init__(self, children: int):
        self.children = children

    def __enter__(self) -> Spamd:
        if getattr(self, "_process", None) is not None:
            return self  # started early (checks.external.spamd_started_early): its rules are loaded
        end_orphans()
        self._folder = tempfile.TemporaryDirectory(prefix=FOLDER_PREFIX)
        self.socket = Path(self._folder.name) / "spamd.sock"
        self._log = Path(self._folder.name) / "spamd.log"
        as_nobody = ["--username=nobody"] if os.geteuid() == 0 else []  # spamd refuses to score as root
        with _RUNNING_LOCK, self._log.open("wb") as log:
            self._process = subprocess.Popen(
                ["spamd", "--local", "--nouser-config", f"--socketpath={self.socket}", f"--max-children={self.children}",
                 f"--min-children={self.children}", "--syslog=stderr", *as_nobody],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
            _RUNNING.add(self)
        try:
            _write_owner(Path(self._folder.name), self._process.pid)
            self._wait_until_listening()
            fault_point("spamd")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.socket.exists():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise _failure(f"spamd did not start: {self._last_log_line()}")
            time.sleep(0.02)

    def report(self, message: bytes) -> str:
        """spamc's full report of one message (no safe fallback: a failure is an error, not a score of 0)."""
        done = subprocess.run(["spamc", f"--socket={self.socket}", "--full", "--no-safe-fallback",
                               f"--max-size={len(message) + 1}", f"--timeout={SCORE_TIMEOUT_S}"],
                              input=message, capture_output=True, timeout=SCORE_TIMEOUT_S + 10)
        output = done.stdout.decode("utf-8", "replace")
        if not _SCORE.match(output):
            detail = done.stderr.decode("utf-8", "replace").strip() or self._last_log_line()
            raise _failure(f"spamc could not score a message: {detail}")
        return output

    def _last_log_line(self) -> str:
        lines = self._log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit status {self._process.poll()}"

    def stop(self) -> None:
        """SIGTERM to spamd's process group, spamd and its children (they share it); SIGKILL after 10 s."""
        _end_group(self._process.pid)

    def __exit__(self, *exc) -> None:
        """Stop spamd and its children, wait for spamd, then remove the socket's folder (again: nothing)."""
        if getattr(self, "_process", None) is None:
            return  # it never started
        self.stop()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _kill_group(self._process.pid)
            self._process.wait()
        with _RUNNING_LOCK:
            _RUNNING.discard(self)
        self._folder.cleanup()


FOLDER_PREFIX = "newsletter-spamd-"
OWNER_FILE = "owner"  # "<owner pid> <its start time> <spamd pid> <its start time>", start times from /proc
_RUNNING: set[Spamd] = set()
_RUNNING_LOCK = threading.Lock()


def stop_all() -> None:
    """Stop every spamd this process started (called from the main thread as a run ends early: the
    scoring thread's spamc calls then fail at once instead of being waited for)."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for spamd in running:
        spamd.stop()


def _start_time(pid: int) -> str | None:
    """A process's start time (clock ticks since boot, /proc/PID/stat): with its pid, names it for sure."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()[19]


def _write_owner(folder: Path, spamd: int) -> None:
    (folder / OWNER_FILE).write_text(f"{os.getpid()} {_start_time(os.getpid())} {spamd} {_start_time(spamd)}\n")


def end_orphans() -> None:
    """End the spamd (and its children) of a run killed outright (SIGKILL: no clean-up ran), and remove
    its folder: one whose owner process is gone. Another run's spamd, its owner alive, is left alone."""
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        try:
            owner, owner_start, spamd_pid, spamd_start = (folder / OWNER_FILE).read_text().split()
            owner_pid, spamd = int(owner), int(spamd_pid)
        except (OSError, ValueError):
            continue  # not ours to read, or a run that is just starting its spamd
        if _start_time(owner_pid) == owner_start:
            continue  # its run is alive
        if _start_time(spamd) == spamd_start:
            _end_group(spamd)
            if not _group_gone(spamd, within_s=10):
                _kill_group(spamd)
        shutil.rmtree(folder, ignore_errors=True)


def _group_gone(leader: int, within_s: float) -> bool:
    """Whether every process of the group has ended (not our children: polled, not waited for)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if not group_members(leader):
            return True
        time.sleep(0.02)
    return False


def group_members(group: int) -> list[int]:
    """The processes of a process group still running (a zombie, ended but not yet reaped, is not)."""
    members = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # not a process, or ended meanwhile
        if fields[0] != "Z" and int(fields[2]) == group:
            members.append(int(entry.name))
    return members


def _end_group(leader: int) -> None:
    _signal_group(leader, signal.SIGTERM)


def _kill_group(leader: int) -> None:
    _signal_group(leader, signal.SIGKILL)


def _signal_group(leader: int, signum: signal.Signals) -> None:
    try:
        os.killpg(leader, signum)
    except (ProcessLookupError, PermissionError):
        pass  # ended already, or another user's (a shared temporary folder): not ours to end


START_TIMEOUT_S = 120
SCORE_TIMEOUT_S = 120


def findings(checked: CheckedEmail, result: SpamScore) -> Iterator[Finding]:
    hint = "rework what the listed rules point at (shouting, spammy words, image-only content), then check again"
    if result.score > result.threshold:
        yield checked.error("spam.score", f"{checked.source.file}: SpamAssassin {result}", hint)
    elif result.score >= result.threshold / 2:
        yield checked.warning("spam.score", f"{checked.source.file}: SpamAssassin {result}", hint)
