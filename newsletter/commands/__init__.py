"""The command layer: one module per `newsletter` verb, each with `run(args) -> int`.

Each verb parses nothing (newsletter.cli does that), calls the pipeline, and prints; nothing below
this package imports it. What the verbs share — where output goes, where report lines go — is here.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from newsletter.errors import Location, NewsletterError, Problem


def open_project(args):
    """The settings of --project, or of the project around the current folder; the folder locks this command
    takes name its verb, so a build they keep out says what holds them."""
    from newsletter.output import hold_as  # here, not above: the CLI imports this package as it starts
    from newsletter.project import load_settings

    hold_as(getattr(args, "command", None) or "newsletter")
    return load_settings(Path(args.project).resolve() if args.project else None)


def output_folder(args, settings) -> Path:
    """--out as given, relative to where the command runs; by default the project's own dist/."""
    from newsletter.dist import output_folder as dist_folder

    return dist_folder(settings, args.out)


def report_printer(quiet: bool) -> Callable[[str], None]:
    """Where a build's report lines go: stderr; --quiet hides progress and warnings, never errors."""
    def show(line: str) -> None:
        if not quiet or line.startswith("error:"):
            print(line, file=sys.stderr)
    return show


def shown(path: str | os.PathLike) -> str:
    """A path as the user typed it or sees it: relative to where the command runs, when inside it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _touches(error: OSError, folder: Path) -> bool:
    """True when the failed path is the folder, inside it, or one of its parents."""
    if error.filename is None:
        return False
    failed, folder = Path(os.fsdecode(error.filename)).resolve(), folder.resolve()
    return failed.is_relative_to(folder) or folder.is_relative_to(failed)


def _file_in_the_way(path: Path) -> Path | None:
    return next((p for p in (path, *path.parents) if p.exists() and not p.is_dir()), None)


@contextmanager
def writing_to(out: Path) -> Iterator[None]:
    """An output folder that cannot be written (a file in its place, no permission, disk full) is one line."""
    try:
        yield
    except OSError as error:
        if not _touches(error, out):
            raise
        in_the_way = _file_in_the_way(Path(os.fsdecode(error.filename)))
        if isinstance(error, FileExistsError | NotADirectoryError) and in_the_way:
            reason = f"{shown(in_the_way)} is a file, not a folder"
        else:
            reason = (error.strerror or str(error)).lower()
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
        raise NewsletterError(Problem(Location(shown(out)), f"cannot write there ({reason})",
                                      "free some space on its disk, or choose another --out" if full
                                      else "choose another --out")) from None
