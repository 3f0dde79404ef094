"""What an external tool (SpamAssassin, the official MJML validator) said about one input, kept by
a hash of that input and of the tool itself: an unchanged locale is never scored or validated twice.

Entries live in .cache/<tool>/ under the project (git-ignored, always safe to delete). The key
names the exact bytes the tool read and the tool's own fingerprint (its version, its rules), so
an entry never goes stale: a changed email or an updated tool is simply a new key.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsletter.output import write_file_atomic
from newsletter.uptodate import watch_tree


class ToolResults:
    def __init__(self, project_root: Path, tool: str, fingerprint: str):
        self.folder = project_root / ".cache" / tool
        self._fingerprint = fingerprint.encode()

    def key(self, data: bytes) -> str:
        return hashlib.sha256(self._fingerprint + b"\0" + data).hexdigest()

    def get(self, data: bytes) -> str | None:
        try:
            return (self.folder / f"{self.key(data)}.txt").read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None  # missing or unreadable: ask the tool again

    def put(self, data: bytes, result: str) -> None:
        write_file_atomic(self.folder / f"{self.key(data)}.txt", result.encode("utf-8"))


def files_fingerprint(paths: list[Path], pattern: str = "*") -> str:
    """The name, size and modification time of `paths` and of the files matching `pattern` under them:
    an update of the tool or of its rules changes it."""
    digest = hashlib.sha256()
    for root in paths:
        watch_tree(root, pattern)
        found = sorted(root.rglob(pattern)) if root.is_dir() else [root]
        for path in found:
            try:
                status = path.stat()
            except OSError:
                continue  # not there (or not readable): it cannot be what the tool reads
            digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()
