"""Atomic output: a file or a whole folder appears complete or not at all, written by one process at a time.

A folder is written into a temporary sibling (`.2026-11.<random>.tmp`) that is then swapped in. Each
folder has a lock file beside it while it is written (`.2026-11.lock`, holding the writer's pid and its
command, `21477 export`): `replace_folder` waits for it, so concurrent writers take turns; `writing` holds
it for a whole build and refuses to wait, naming the command that holds it.
Temporary siblings left by a killed writer are removed by the next one, under the lock. The swap is two
renames (the previous folder to `.2026-11.<random>.old`, the new one into place): whoever next takes the
lock first finishes or rolls back a swap killed half-way, and says so on stderr — the previous folder
goes back when no folder took its place, and is removed when one did.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from newsletter.errors import Location, NewsletterError, Problem
from newsletter.faults import fault_point


@functools.cache
def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: put it straight back
    os.umask(mask)
    return mask


def file_mode(path: Path) -> int:
    """The mode a file written over `path` gets: its present one, else what open() would give a new file.
    A temporary file starts private (0600); output that keeps it could not be served by a web server."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def folder_mode() -> int:
    """What mkdir would give a new folder (a temporary folder starts 0700)."""
    return 0o777 & ~_umask()


def write_file_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside the target, then rename it into place (with the target's mode, or a new file's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = file_mode(path)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException as error:
        Path(temp).unlink(missing_ok=True)
        raise _naming(error, path)


def replace_folder(target: Path, files: dict[str, bytes]) -> None:
    """Write `files` (relative path → bytes) into a fresh folder and swap it in for `target`.

    A failure before the swap leaves the previous `target` untouched. Waits for another writer of the same folder.
    """
    with _locked(target, wait=True):
        _remove_leftovers(target)
        if _holds_exactly(target, files):  # an unchanged rebuild rewrites nothing (file times stay, syncs copy nothing)
            return
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
        try:
            staging.chmod(folder_mode())  # the folder swapped in reads as any folder mkdir makes (not 0700)
            for relative, data in sorted(files.items()):
                path = staging / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            _swap(staging, target)
        except BaseException as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise _naming(error, target)


def _naming(error: BaseException, path: Path) -> BaseException:
    """A write that failed for want of room (ENOSPC, a quota) names no file: it is given the one being written,
    so the line the user reads says where ("dist/2026-11: no space left on device", not "newsletter: …")."""
    if isinstance(error, OSError) and error.filename is None:
        error.filename = os.fspath(path)
    return error


def _holds_exactly(target: Path, files: dict[str, bytes]) -> bool:
    if not target.is_dir():
        return False
    present = {p.relative_to(target).as_posix(): p for p in target.rglob("*") if p.is_file()}
    return present.keys() == files.keys() and all(present[name].read_bytes() == data for name, data in files.items())


def locked(target: Path) -> contextlib.AbstractContextManager[None]:
    """Hold `target` (waiting for another writer) across a read-modify-swap: what is read of it is still
    there when the new folder is swapped in."""
    return _locked(target, wait=True)


_COMMAND = ["newsletter"]  # the verb this process runs, written in each lock it takes (hold_as)
# Who holds a folder, by the verb its lock file names, and what the build it refuses can do meanwhile.
HOLDERS = {
    "build": ("another build", "wait for it to finish, or build into another --out"),
    "export": ("an export", "wait a moment for it to finish (an export holds the folder only while it writes its "
               "files), then build again, or build into another --out"),
    "publish": ("a publish", "wait for it to finish carrying the export into the provider's account, then build "
                "again, or build into another --out"),
    "archive": ("newsletter archive", "wait a moment for it to finish, then build again, or build into another --out"),
    "preview": ("the preview", "wait a moment, then build again, or build into another --out"),
}
ANOTHER = ("another newsletter command", "wait for it to finish, then build again, or build into another --out")


def hold_as(command: str) -> None:
    """Name the command this process runs (`build`, `export`, …): a command its locks keep out names it."""
    _COMMAND[0] = command


@contextlib.contextmanager
def writing(target: Path, shown: str) -> Iterator[None]:
    """Hold `target` for a whole build: another command writing it now is one line naming that command and
    its pid, not a wait or a mix of both."""
    lock: Lock = None
    try:  # a signal as soon as the lock is taken still lets go of it
        try:
            lock = _acquire(target, wait=False)
        except BlockingIOError:
            pid, command = _holder(target)
            who, hint = HOLDERS.get(command, ANOTHER)
            raise NewsletterError(Problem(Location(shown), f"{who} is writing {shown} (pid {pid})", hint)) from None
        yield
    finally:
        _release(lock)


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.replace(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.replace(target, old)  # onto the empty folder just made: a name no other writer uses
    try:
        fault_point("swap")
        os.replace(staging, target)
    except BaseException:  # interrupted between the two renames: the previous output goes back
        os.replace(old, target)
        raise
    fault_point("swapped")
    shutil.rmtree(old, ignore_errors=True)


def recover_swaps(parent: Path) -> None:
    """Finish or roll back every swap under `parent` that a killed writer left half-way, and remove what else a
    killed writer left (its half-written folder, its lock file), each under the folder's lock (taking it
    recovers the folder); a folder whose writer is alive and holds it is its writer's to finish."""
    left = sorted(parent.glob(".*.*.old")) + sorted(parent.glob(".*.*.tmp")) + sorted(parent.glob(".*.lock"))
    for name in dict.fromkeys(_left_by(path) for path in left) if parent.is_dir() else ():
        try:
            _release(_acquire(parent / name, wait=False))
        except BlockingIOError:
            continue


def _left_by(leftover: Path) -> str:
    """The folder a leftover belongs to: `.2026-11.lock`, `.2026-11.<random>.old` → 2026-11."""
    return leftover.name[1:].rsplit(".", 1 if leftover.suffix == ".lock" else 2)[0]


def _recover(target: Path) -> None:
    """A swap killed between its two renames left no `target` and the previous folder in `.<name>.*.old`: it goes
    back. One killed after them left the previous folder beside the new one: it is removed. So are the
    temporary folders of a killed writer."""
    for old in sorted(target.parent.glob(f".{glob_escape(target.name)}.*.old")):
        if not old.is_dir() or old.is_symlink():
            continue
        if target.exists() or target.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, target)
            print(f"note: {_shown(target)}: restored the previous output, which a command stopped while replacing "
                  f"it had left in {old.name}", file=sys.stderr)
    _remove_leftovers(target)  # the new folder a killed writer was about to swap in, or had half written


def _shown(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def _remove_leftovers(target: Path) -> None:
    """Temporary folders of a writer that was killed before it could clean up (only one writer holds the lock)."""
    for leftover in target.parent.glob(f".{glob_escape(target.name)}.*"):
        if leftover.suffix in (".tmp", ".old") and leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def glob_escape(name: str) -> str:
    return "".join(f"[{char}]" if char in "*?[" else char for char in name)


# Locks this process holds, per thread: a build holding its folder may call replace_folder on it.
_HELD: set[tuple[Path, int]] = set()
Lock = tuple[Path, int, int] | None  # (lock file, thread, file descriptor), or None when held already


@contextlib.contextmanager
def _locked(target: Path, wait: bool) -> Iterator[None]:
    lock: Lock = None
    try:  # a signal as soon as the lock is taken still lets go of it
        lock = _acquire(target, wait)
        yield
    finally:
        _release(lock)


STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Ctrl+C and SIGTERM wait until the block is done, then arrive."""
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _acquire(target: Path, wait: bool) -> Lock:
    """Lock the folder's lock file and write this process's pid in it; BlockingIOError when busy and not waiting."""
    path, thread = _lock_path(target).absolute(), threading.get_ident()
    if (path, thread) in _HELD:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with signals_held():  # no Ctrl+C between taking the lock and this process's record of it (nor a lock file left)
            fd = _taken(path, thread, wait=False)
    except BlockingIOError:
        if not wait:
            raise
        fd = _taken(path, thread, wait=True)  # waiting for another writer stays interruptible
    try:
        _recover(target)
    except BaseException:
        _release((path, thread, fd))
        raise
    return path, thread, fd


def _taken(path: Path, thread: int, wait: bool) -> int:
    """The lock file locked, holding this process's pid and verb, and recorded as held."""
    while (fd := _lock_file(path, wait)) is None:
        pass  # the holder removed the file as we waited for it: lock the next one
    with signals_held():
        try:
            os.write(fd, f"{os.getpid()} {_COMMAND[0]}\n".encode())
        except BaseException:
            _release((path, thread, fd))
            raise
        _HELD.add((path, thread))
    return fd


def _lock_file(path: Path, wait: bool) -> int | None:
    """The locked descriptor of the lock file, or None when the file we locked is no longer the one at `path`."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino == os.stat(path).st_ino:
            return fd
    except FileNotFoundError:
        pass
    except BaseException:
        os.close(fd)
        raise
    os.close(fd)
    return None


def _release(lock: Lock) -> None:
    """Remove the lock file, then unlock: the output folder's parent keeps nothing of the build but its output."""
    if lock is not None:
        with signals_held():  # the lock file goes with the lock, whatever arrives meanwhile
            _HELD.discard(lock[:2])
            lock[0].unlink(missing_ok=True)
            os.close(lock[2])


def _lock_path(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def _holder(target: Path) -> tuple[str, str]:
    """The pid and the command its lock file names ("unknown" while the holder has not written them yet)."""
    try:
        pid, _, command = _lock_path(target).read_text(encoding="ascii").strip().partition(" ")
    except (OSError, ValueError):
        return "unknown", ""
    return (pid if pid.isdigit() else "unknown"), command
