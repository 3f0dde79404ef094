"""Incremental build cache: a rendered email is reused while nothing it depends on changed.

The key hashes everything a render reads — the issue file, the settings, every template,
the locale's catalog, and the package's own code — so a stale hit is impossible by design.
The cache lives in .cache/ under the project (git-ignored) and is always safe to delete.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

from newsletter.i18n.catalogs import Fallback, po_path
from newsletter.output import write_file_atomic
from newsletter.render import RenderedEmail
from newsletter.settings import SETTINGS_FILE, Settings

FORMAT = "1"


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    digest = hashlib.sha256(FORMAT.encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
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
        for template in sorted(settings.templates_dir.rglob("*")):
            if template.is_file():
                shared.update(template.relative_to(settings.templates_dir).as_posix().encode())
                shared.update(_file_digest(template))
        self._shared = shared

    def key(self, issue_file: Path, locale: str) -> str:
        digest = self._shared.copy()
        digest.update(locale.encode())
        digest.update(_file_digest(issue_file))
        digest.update(_file_digest(po_path(self.settings, locale)))
        return digest.hexdigest()

    def get(self, key: str) -> RenderedEmail | None:
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            data["fallbacks"] = tuple(Fallback(**item) for item in data["fallbacks"])
            return RenderedEmail(**data)
        except (OSError, ValueError, TypeError, KeyError):
            return None  # missing or unreadable: render again

    def put(self, key: str, email: RenderedEmail) -> None:
        data = {field.name: getattr(email, field.name) for field in fields(email)}
        data["fallbacks"] = [vars(fallback) for fallback in email.fallbacks]
        write_file_atomic(self.folder / f"{key}.json", json.dumps(data, ensure_ascii=False).encode())
