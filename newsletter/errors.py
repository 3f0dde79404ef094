"""One exception hierarchy; every user-facing problem renders itself as one line."""

from __future__ import annotations

from dataclasses import dataclass, field

QUOTE_LIMIT = 200  # characters of the user's input a message may quote: a 5 MB value must not become a 5 MB line
MESSAGE_LIMIT = 2 * QUOTE_LIMIT + 200  # a whole message or hint, for those that quote more than one value


def quoted(value: str, limit: int = QUOTE_LIMIT) -> str:
    """The user's text as a message quotes it: repr (control characters escaped), the middle cut when long."""
    return shortened(repr(value), limit)


def shortened(text: str, limit: int) -> str:
    """A message cut in the middle, so its start and its end (usually the point) both stay readable."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[-half:]}"


@dataclass(frozen=True)
class Location:
    """Where a problem is: file, 1-based line and column, and a field path like articles[0].url."""

    file: str
    line: int | None = None
    column: int | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        if self.field is not None:  # a field path is made of the user's keys, which may be of any length
            object.__setattr__(self, "field", shortened(self.field, QUOTE_LIMIT))

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One finding about the user's input, printed as `file:line:col: field: message (hint)`."""

    location: Location
    message: str
    hint: str = ""
    severity: str = "error"

    def __post_init__(self) -> None:
        # The last guard of QUOTE_LIMIT: a message that quoted the input whole is cut, whatever its origin.
        object.__setattr__(self, "message", shortened(self.message, MESSAGE_LIMIT))
        object.__setattr__(self, "hint", shortened(self.hint, MESSAGE_LIMIT))

    def __str__(self) -> str:
        parts = [str(self.location)]
        if self.location.field:
            parts.append(self.location.field)
        parts.append(self.message)
        text = ": ".join(parts)
        return f"{text} — {self.hint}" if self.hint else text


class NewsletterError(Exception):
    """Bad input from the user. Carries every problem found, so all are reported at once."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(Location("newsletter"), problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(NewsletterError):
    """The command line itself is wrong (unknown issue, locale or provider)."""

    exit_code = 2


@dataclass
class ProblemList:
    """Collects problems while a stage keeps going, then raises them together."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, location: Location, message: str, hint: str = "") -> None:
        self.problems.append(Problem(location, message, hint))

    def raise_if_any(self) -> None:
        if self.problems:
            raise NewsletterError(self.problems)
