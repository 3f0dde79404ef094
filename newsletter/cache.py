"""Incremental build cache: a rendered email, and its pre-send findings, are reused while
nothing they depend on changed.

The key hashes everything a render reads — the issue file, the settings, every template,
the locale's catalog, and the package's own code — so a stale hit is impossible by design.
The cache lives in .cache/ under the project (git-ignored) and is always safe to delete.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import fields
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from newsletter.checks.external import SendVerdict, tools_fingerprint
from newsletter.checks.model import Finding
from newsletter.checks.tool_results import ToolResults, files_fingerprint
from newsletter.i18n.catalogs import po_path
from newsletter.i18n.gate import LocaleGate, gate_locale
from newsletter.i18n.glossary import glossary_path
from newsletter.i18n.translator import Fallback
from newsletter.model.settings import SETTINGS_FILE, Settings
from newsletter.output import write_file_atomic
from newsletter.render import RenderedEmail
from newsletter.uptodate import watch_file, watch_tree

FORMAT = "2"  # 2: entries also hold the pre-send findings


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    digest = hashlib.sha256(FORMAT.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _listing(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Every file under `folder`: its name, size and modification time (a saved file changes them)."""
    watch_tree(folder)
    found = []
    for path in sorted(folder.rglob("*")):
        try:
            status = path.stat()
        except OSError:
            continue  # removed meanwhile
        if path.is_file():
            found.append((path.relative_to(folder).as_posix(), status.st_size, status.st_mtime_ns))
    return tuple(found)


@lru_cache(maxsize=8)
def _templates_digest(folder: Path, listing: tuple[tuple[str, int, int], ...]) -> bytes:
    """The names and contents of the templates, read again only when one was saved (several caches of
    one run, and a preview between saves, share it)."""
    digest = hashlib.sha256()
    for name, _, _ in listing:
        digest.update(name.encode())
        digest.update(_file_digest(folder / name))
    return digest.digest()


def _file_digest(path: Path) -> bytes:
    watch_file(path)
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except FileNotFoundError:
        return b"missing"


class RenderCache:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.folder = settings.root / ".cache" / "renders"
        shared = hashlib.sha256(_code_fingerprint().encode())
        shared.update(_file_digest(settings.root / SETTINGS_FILE))
        shared.update(_templates_digest(settings.templates_dir, _listing(settings.templates_dir)))
        self._shared = shared

    def key(self, issue_file: Path, locale: str) -> str:
        digest = self._shared.copy()
        digest.update(locale.encode())
        digest.update(_file_digest(issue_file))
        digest.update(_file_digest(po_path(self.settings, locale)))
        return digest.hexdigest()

    def get(self, key: str) -> RenderedEmail | None:
        entry = self._read(key)
        return entry[0] if entry else None

    def get_checked(self, key: str) -> tuple[RenderedEmail, tuple[Finding, ...]] | None:
        """The email and its pre-send findings; None unless both were stored."""
        entry = self._read(key)
        return entry if entry and entry[1] is not None else None

    def _read(self, key: str) -> tuple[RenderedEmail, tuple[Finding, ...] | None] | None:
        if key in _RECENT:
            return _RECENT[key]
        entry = self._read_file(key)
        if entry is not None:
            _remember(key, entry)
        return entry

    def _read_file(self, key: str) -> tuple[RenderedEmail, tuple[Finding, ...] | None] | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_bytes())
            findings = data.pop("findings")
            data["fallbacks"] = tuple(Fallback(**item) for item in data["fallbacks"])
            email = RenderedEmail(**data)
            return email, None if findings is None else tuple(Finding(**item) for item in findings)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing or unreadable: render again

    def put(self, key: str, email: RenderedEmail, findings: tuple[Finding, ...] | None = None) -> None:
        data = {field.name: getattr(email, field.name) for field in fields(email)}
        data["fallbacks"] = [vars(fallback) for fallback in email.fallbacks]
        data["findings"] = None if findings is None else [vars(finding) for finding in findings]
        write_file_atomic(self.folder / f"{key}.json", json.dumps(data, ensure_ascii=False).encode())
        _remember(key, (email, findings))


# Entries read or written by this process, by key: a long-running preview, or a build that follows
# another in the same process, skips reading them back. Keys name content, so an entry never goes stale.
_RECENT: dict[str, tuple[RenderedEmail, tuple[Finding, ...] | None]] = {}
RECENT_ENTRIES = 512


def _remember(key: str, entry: tuple[RenderedEmail, tuple[Finding, ...] | None]) -> None:
    _RECENT.pop(key, None)
    _RECENT[key] = entry
    while len(_RECENT) > RECENT_ENTRIES:
        del _RECENT[next(iter(_RECENT))]  # the oldest


class GateCache:
    """The release gate's verdict on one locale (its share translated, its failed translation checks, the
    glossary review included), kept by what it read — the catalog, the glossary, newsletter.yaml (the
    gate's rules, the locales), the issue's id — and by what judged it: the package's code, GNU gettext's
    msginit (the plural rules), the stemmers and Babel as installed. `judge` stands in for gate_locale."""

    def __init__(self, settings: Settings):
        self._results = ToolResults(settings.root, "release-gate", _judges_fingerprint())

    def judge(self, settings: Settings, locale: str, issue_id: str | None) -> LocaleGate:
        read = b"\0".join([locale.encode(), str(issue_id).encode(), _file_digest(settings.root / SETTINGS_FILE),
                           _file_digest(glossary_path(settings.locales_dir)), _file_digest(po_path(settings, locale))])
        said = self._results.get(read)
        if said is not None:
            translated, failed = json.loads(said)
            return LocaleGate(locale, translated, failed, settings.release_gate.rule_for(locale))
        gate = gate_locale(settings, locale, issue_id)
        if gate.unreadable is None:  # a catalog that cannot be read is said again, at its line, every time
            self._results.put(read, json.dumps([gate.translated, gate.failed_checks]))
        return gate


@lru_cache(maxsize=1)
def _judges_fingerprint() -> str:
    """The installed stemmers and Babel, located without importing them, and msginit."""
    origins = [Path(spec.origin) for name in ("snowballstemmer", "babel") if (spec := find_spec(name)) and spec.origin]
    msginit = shutil.which("msginit")
    return _code_fingerprint() + files_fingerprint([*origins, *([Path(msginit)] if msginit else [])])


class VerdictCache:
    """What the send checks said of each email of one issue (run_checks' `verdicts`), kept under the
    render cache's key of that email (everything it is made from) and the external tools' fingerprint."""

    def __init__(self, renders: RenderCache, issue_file: Path):
        self._renders, self._issue_file = renders, issue_file
        self._results = ToolResults(renders.settings.root, "send-checks", tools_fingerprint(renders.settings))

    def get(self, locale: str) -> SendVerdict | None:
        said = self._results.get(self._renders.key(self._issue_file, locale).encode())
        try:
            return None if said is None else SendVerdict.from_json(said)
        except (ValueError, TypeError, KeyError):
            return None  # unreadable: check again

    def put(self, locale: str, verdict: SendVerdict) -> None:
        self._results.put(self._renders.key(self._issue_file, locale).encode(), verdict.as_json())
