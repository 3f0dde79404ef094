"""Nothing changed, nothing done: a repeated `python send.py ISSUE` answers from a stamp, as make or ninja do.

An export that ends well leaves a stamp in .cache/uptodate/: the command line, what it printed, and the state
of everything the run read — each file the caches hashed (the issue, newsletter.yaml, the catalogs, the
glossary), each folder they listed (the templates, the external tools and their rules), the issue's output
folder as the run left it, the package's own code, the installed distributions, the programs found on PATH and
the environment that steers them. The next identical command compares that state (names, sizes, modification
times; the small files by content) before importing the pipeline at all: if every part is as recorded, it
prints what the run printed and stops; anything else, and the export runs as it always does.

Only the standard library here: its whole point is to answer before the pipeline's imports (0.3 s of them).
Registration (`watch_file`, `watch_tree`, `produced`) is a no-op unless a recording is under way, so the
preview, the tests and every other command are untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = (".cache", "uptodate")
FORMAT = "1"
TOOLS = ("node", "spamd", "spamc", "msginit")  # a tool installed or removed changes which checks run
ENVIRONMENT = ("PATH", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "TZ", "SOURCE_DATE_EPOCH")
UNTRUSTED = ("NEWSLETTER_FAULT",)  # the tests' fault injection: a run under it is never stamped nor replayed
MAX_STAMP = 4 * 1024 * 1024  # bytes: a stamp is a few kB; anything larger is not ours


@dataclass
class Recording:
    """What one run read and wrote, as the pipeline reports it: each input's state when it was read."""

    inputs: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (kind, path, pattern) → its digest then
    outputs: set[str] = field(default_factory=set)
    printed: list[tuple[str, str]] = field(default_factory=list)  # (stream, text), in order


_current: Recording | None = None


def watch_file(path: Path) -> None:
    """A file the run's result depends on (compared by content: it is small)."""
    _watch(("file", str(Path(path).absolute()), ""))


def watch_tree(path: Path, pattern: str = "*") -> None:
    """A file, or every file matching `pattern` under a folder, the run depends on (compared by name, size, time)."""
    _watch(("tree", str(Path(path).absolute()), pattern))


def produced(folder: Path) -> None:
    """A folder the run wrote: the stamp holds only while it is as the run left it."""
    if _current is not None:
        _current.outputs.add(str(Path(folder).absolute()))


def _watch(item: tuple[str, str, str]) -> None:
    if _current is not None and item not in _current.inputs:
        _current.inputs[item] = _digest(item)  # as it was read: a save during the run must not be stamped as seen


def project_root(arguments: list[str], cwd: Path) -> Path | None:
    """The project the command runs on: its --project, else the folder holding newsletter.yaml above cwd."""
    for index, argument in enumerate(arguments):
        if argument == "--project" and index + 1 < len(arguments):
            return Path(arguments[index + 1]).absolute()
        if argument.startswith("--project="):
            return Path(argument.split("=", 1)[1]).absolute()
    return next((folder for folder in (cwd, *cwd.parents) if (folder / "newsletter.yaml").is_file()), None)


def replay(arguments: list[str]) -> bool:
    """Print what the last identical run printed, if nothing it depended on changed since; False: run it."""
    if any(os.environ.get(name) for name in UNTRUSTED):
        return False
    stamp = _stamp_path(arguments)
    try:
        if stamp is None or stamp.stat().st_size > MAX_STAMP:
            return False
        recorded = json.loads(stamp.read_bytes())
        items = [tuple(item) for item in recorded["inputs"]]
        if recorded.get("format") != FORMAT or recorded.get("state") != _state(items, recorded["outputs"]):
            return False
        printed = [(stream, text) for stream, text in recorded["printed"]]
    except (OSError, ValueError, KeyError, TypeError):
        return False  # missing, unreadable or not ours: run
    for stream, text in printed:
        (sys.stdout if stream == "out" else sys.stderr).write(text)
    return True


def record(arguments: list[str], run) -> int:
    """Run `run()` with its output captured as it is shown, and stamp it when it ended well (exit 0)."""
    global _current
    if any(os.environ.get(name) for name in UNTRUSTED):
        return run()
    _current = recording = Recording()
    _watch(("ground", "", ""))  # the code, the installed distributions, the tools on PATH, the environment
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Tee(streams[0], "out", recording), _Tee(streams[1], "err", recording)
    try:
        status = run()
    finally:
        sys.stdout, sys.stderr = streams
        _current = None
    stamp = _stamp_path(arguments)
    if stamp is not None:
        _write_stamp(stamp, recording if status == 0 and recording.outputs else None)
    return status


class _Tee:
    """A stream that passes everything on and keeps a copy, for the stamp."""

    def __init__(self, stream, name: str, recording: Recording):
        self._stream, self._name, self._recording = stream, name, recording

    def write(self, text: str) -> int:
        self._recording.printed.append((self._name, text))
        return self._stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _stamp_path(arguments: list[str]) -> Path | None:
    cwd = Path.cwd()
    root = project_root(arguments, cwd)
    if root is None:
        return None
    key = hashlib.sha256(json.dumps([FORMAT, str(cwd), arguments, sys.executable, sys.version,
                                     sys.stdout.isatty(), sys.stderr.isatty()]).encode()).hexdigest()
    return root.joinpath(*FOLDER, f"{key}.json")


def _write_stamp(stamp: Path, recording: Recording | None) -> None:
    """The stamp of a run that ended well, when nothing it read changed while it ran; else none (a stale one goes)."""
    try:
        items = sorted(recording.inputs) if recording else []
        if recording is None or any(_digest(item) != recording.inputs[item] for item in items):
            stamp.unlink(missing_ok=True)
            return
        outputs = sorted(recording.outputs)
        content = json.dumps({"format": FORMAT, "inputs": items, "outputs": outputs,
                              "state": _combined([recording.inputs[item] for item in items], outputs),
                              "printed": recording.printed}, ensure_ascii=False).encode()
        if stamp.is_file() and stamp.read_bytes() == content:
            return  # as it was: nothing written
        stamp.parent.mkdir(parents=True, exist_ok=True)
        partial = stamp.with_name(f".{stamp.name}.{os.getpid()}")
        partial.write_bytes(content)
        os.replace(partial, stamp)
    except OSError:
        pass  # a stamp is only a shortcut: without it the next run does the work


def _state(items: list[tuple[str, str, str]], outputs: list[str]) -> str:
    """One digest of everything a stamp depends on, as it is now."""
    return _combined([_digest(item) for item in items], outputs)


def _combined(digests: list[str], outputs: list[str]) -> str:
    combined = hashlib.sha256("\0".join(digests).encode())
    for name in outputs:
        combined.update(f"output {name}\0".encode())
        _listing(combined, Path(name), "*")
    return combined.hexdigest()


def _digest(item: tuple[str, str, str]) -> str:
    """The state of one input: a file's content, a folder's listing, or the ground every run stands on."""
    kind, name, pattern = item
    digest = hashlib.sha256(f"{kind} {name} {pattern}\0".encode())
    if kind == "file":
        try:
            digest.update(hashlib.sha256(Path(name).read_bytes()).digest())
        except OSError:
            digest.update(b"missing")
    elif kind == "tree":
        _listing(digest, Path(name), pattern)
    else:
        _listing(digest, Path(__file__).parent, "*.py")
        for folder in sys.path:  # the installed distributions and their versions, by their metadata folders' names
            if folder.endswith(("site-packages", "dist-packages")) and os.path.isdir(folder):
                digest.update("\0".join(sorted(n for n in os.listdir(folder)
                                               if n.endswith((".dist-info", ".egg-info")))).encode())
        for tool in TOOLS:
            digest.update(f"tool {tool} {shutil.which(tool)}\0".encode())
        for variable in ENVIRONMENT:
            digest.update(f"env {variable}={os.environ.get(variable)}\0".encode())
    return digest.hexdigest()


def _listing(digest, root: Path, pattern: str) -> None:
    """Name, size and modification time of `root` (a file) or of each file under it matching `pattern`."""
    try:
        found = sorted(root.rglob(pattern)) if root.is_dir() else [root]
    except OSError:
        found = []
    for path in found:
        try:
            status = path.stat()
        except OSError:
            continue
        if not stat.S_ISDIR(status.st_mode):
            digest.update(f"{path}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
