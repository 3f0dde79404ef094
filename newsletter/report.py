"""What a build, an export or a proof tells people: progress, warnings and errors, one line each.

At the bottom of the package so every stage can report without knowing who prints the lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class BuildReport:
    """What a build tells people: progress, warnings and errors, one line each."""

    on_line: Callable[[str], None] = lambda line: None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def info(self, line: str) -> None:
        self.on_line(line)

    def warn(self, line: str) -> None:
        self.warnings.append(line)
        self.on_line(f"warning: {line}")

    def error(self, line: str) -> None:
        self.errors.append(line)
        self.on_line(f"error: {line}")
