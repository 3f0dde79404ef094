"""The export a publish carries out: dist/<issue>/<provider>/manifest.json and each locale's files.

Publish never renders: it reads what `newsletter export` wrote, and refuses files that changed since
(their SHA-256 is in the manifest), so what the provider gets is what the pre-send checks passed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from newsletter.errors import Location, NewsletterError, Problem

MANIFEST = "manifest.json"
MAX_FILE = 16 * 1024 * 1024  # bytes: far above any email (Gmail clips at 102 kB), a bound on what is read


@dataclass(frozen=True)
class ExportedSend:
    """One locale's send as exported: its stable name, its audience and its files (parsed JSON)."""

    locale: str
    name: str
    audience: str  # who gets it, in words, as the export's manifest states it (LANGUAGE is es; language group es)
    lists: tuple[str | int, ...]  # the provider's lists or segments, where it routes by list
    documents: dict[str, object]  # file name → parsed JSON


@dataclass(frozen=True)
class ExportedIssue:
    issue: str
    provider: str
    folder: Path
    default_locale: str
    sends: tuple[ExportedSend, ...]


def read_export(out: Path, issue: str, provider: str, shown: str) -> ExportedIssue:
    """The export of `issue` for `provider` under `out` (shown to people as `shown`), checked against its manifest."""
    folder = out / issue / provider
    manifest = _json(folder / MANIFEST, f"{shown}/{MANIFEST}", issue, provider)
    plan = manifest.get("send_plan") if isinstance(manifest, dict) else None
    if not isinstance(plan, dict) or manifest.get("issue") != issue or manifest.get("provider") != provider:
        raise _no_export(f"{shown}/{MANIFEST}", issue, provider, "is not an export manifest of this issue and provider")
    digests = {entry["path"]: entry.get("sha256") for entry in manifest.get("files", []) if isinstance(entry, dict)}
    sends = []
    for send in plan.get("sends", []):
        documents = {}
        for name in send.get("files", []):
            path, where = folder / name, f"{shown}/{name}"
            data = _read(path, where, issue, provider)
            if hashlib.sha256(data).hexdigest() != digests.get(name):
                raise NewsletterError(Problem(Location(where), "changed since it was exported",
                                              f"export again: newsletter export {issue} --provider {provider}"))
            documents[name] = json.loads(data) if name.endswith(".json") else data.decode("utf-8")
        sends.append(ExportedSend(send["locale"], send["name"], send.get("audience", ""), tuple(send.get("lists", ())),
                                  documents))
    return ExportedIssue(issue, provider, folder, plan.get("default_locale", ""), tuple(sends))


def _json(path: Path, where: str, issue: str, provider: str) -> object:
    try:
        return json.loads(_read(path, where, issue, provider))
    except ValueError:
        raise _no_export(where, issue, provider, "is not JSON") from None


def _read(path: Path, where: str, issue: str, provider: str) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE:
            raise _no_export(where, issue, provider, f"is larger than {MAX_FILE // 2**20} MB")
        return path.read_bytes()
    except FileNotFoundError:
        raise _no_export(where, issue, provider, "not found: nothing exported for this provider yet") from None


def _no_export(where: str, issue: str, provider: str, what: str) -> NewsletterError:
    return NewsletterError(Problem(Location(where), what, f"export it first: newsletter export {issue} --provider {provider}"))
