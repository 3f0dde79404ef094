"""`newsletter doctor`: what this machine has of the tools the commands use, and whether the
installed Python packages are the locked ones — each missing piece with the command that installs it.

The external tools are optional: a command that needs one and does not find it says so in one line
and goes on without it (see `newsletter check`). Doctor lists them all in one place, before a
marketer finds out on the afternoon of a send. The engines recipients' mail apps run on (for
`newsletter shots` and the recipient-view tests) are listed apart: a missing one is a line, and a
failure only in CI (CI=true), where the tests need every one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from newsletter.errors import NewsletterError
from newsletter.model.settings import find_root

LOCK_FILE = "requirements.lock"
PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the checkout the package runs from
MJML_CLI = Path("tools/mjml/node_modules/.bin/mjml")
_VERSION = re.compile(r"\d+(?:\.\d+)+")


@dataclass(frozen=True)
class Tool:
    name: str
    used_for: str
    install: str
    version: Callable[[Path], str | None]  # None when the tool is not there, "" when it tells no version


@dataclass(frozen=True)
class Line:
    state: str  # "ok", "missing" or "differs"
    what: str
    detail: str

    def __str__(self) -> str:
        return f"  {self.state:<8} {self.what:<34} {self.detail}".rstrip()


def _first_version(command: list[str]) -> str | None:
    """The first version number a tool prints about itself, or None when it is absent or fails."""
    if shutil.which(command[0]) is None and not Path(command[0]).is_file():
        return None
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = _VERSION.search(done.stdout + done.stderr)
    return found.group() if done.returncode == 0 and found else None


def _mjml_cli(root: Path) -> str | None:
    if shutil.which("node") is None:
        return None
    cli = next((base / MJML_CLI for base in (root, PACKAGE_ROOT) if (base / MJML_CLI).is_file()), None)
    return _first_version([str(cli), "--version"]) if cli else None


def _spamassassin(_: Path) -> str | None:
    return _first_version(["spamd", "--version"]) if shutil.which("spamc") else None


def _chromium(_: Path) -> str | None:
    found = next((name for name in ("chromium", "chromium-browser") if shutil.which(name)), None)
    return _first_version([found, "--version"]) if found else None


def _firefox(_: Path) -> str | None:
    found = next((name for name in ("firefox-esr", "firefox") if shutil.which(name)), None)
    return _first_version([found, "--version"]) if found else None


def _introspected(library: str, version: str, probe: str) -> str | None:
    """The version of a library reached through GObject introspection, asked in a fresh interpreter
    (loading WebKitGTK into this one would cost a second and a display)."""
    code = (f"import gi; gi.require_version('{library}', '{version}'); "
            f"from gi.repository import {library} as lib; print({probe})")
    return _first_version([sys.executable, "-c", code])


def _webkitgtk(_: Path) -> str | None:
    if not (os.environ.get("DISPLAY") or shutil.which("Xvfb")):
        return None  # WebKitGTK draws only on a display
    return _introspected("WebKit2", "4.1", "'.'.join(map(str, (lib.get_major_version(), lib.get_minor_version(), lib.get_micro_version())))")


TOOLS = (
    Tool("GNU msgfmt (gettext)", "checking catalogs as GNU tools read them (msgfmt -c)",
         "apt-get install gettext", lambda _: _first_version(["msgfmt", "--version"])),
    Tool("SpamAssassin", "the spam score in newsletter check and the export (spamd and spamc)",
         "apt-get install spamd spamc", _spamassassin),
    Tool("official MJML CLI (tools/mjml)", "strict MJML validation in newsletter check and the export",
         "apt-get install nodejs npm && npm ci --prefix tools/mjml", _mjml_cli),
)
PYGOBJECT = "pip install 'PyGObject<3.50'"
# The email as recipients' mail apps draw it: newsletter shots, newsletter i18n screenshots (Chromium), the tests.
ENGINES = (
    Tool("Blink (Chromium)", "newsletter shots and i18n screenshots; Gmail's and Outlook.com's engine",
         "apt-get install chromium", _chromium),
    Tool("Gecko (Firefox ESR)", "newsletter shots; Thunderbird's engine",
         "apt-get install firefox-esr && pip install marionette-driver", _firefox),
    Tool("WebKit (WebKitGTK)", "newsletter shots; Apple Mail's and iOS Mail's engine",
         f"apt-get install gir1.2-webkit2-4.1 xvfb && {PYGOBJECT}", _webkitgtk),
    Tool("Thunderbird", "every export and proof opened in it (tests)",
         "apt-get install thunderbird xvfb && pip install marionette-driver",
         lambda _: _first_version(["thunderbird", "--version"]) if shutil.which("Xvfb") else None),
    Tool("Xvfb", "a display for WebKitGTK and Thunderbird", "apt-get install xvfb",
         lambda _: "" if shutil.which("Xvfb") else None),
    Tool("w3m", "newsletter shots: the HTML part as mutt's auto_view shows it", "apt-get install w3m",
         lambda _: _first_version(["w3m", "-version"])),
    Tool("lynx", "the same, where w3m is not installed", "apt-get install lynx",
         lambda _: _first_version(["lynx", "-version"])),
    Tool("GMime", "reading every subject as mu, notmuch and Geary do (tests)",
         f"apt-get install gir1.2-gmime-3.0 && {PYGOBJECT}",
         lambda _: _introspected("GMime", "3.0", "'.'.join(map(str, (lib.MAJOR_VERSION, lib.MINOR_VERSION, lib.MICRO_VERSION)))")),
)


def tool_lines(root: Path, tools=TOOLS) -> Iterator[Line]:
    for tool in tools:
        version = tool.version(root)
        if version is not None:
            yield Line("ok", f"{tool.name} {version}".strip(), tool.used_for)
        else:
            yield Line("missing", tool.name, f"{tool.used_for} — install: {tool.install}")


def locked_versions(lock: Path) -> dict[str, str]:
    """name → exact version for this machine, from a pip-compile/uv style lock (markers evaluated)."""
    pinned = {}
    for number, raw in enumerate(lock.read_text(encoding="utf-8").splitlines(), 1):
        text = raw.split("#", 1)[0].strip()
        if not text or text.startswith("-"):
            continue
        try:
            requirement = Requirement(text)
        except InvalidRequirement as error:
            raise ValueError(f"{lock.name}:{number}: {error}") from None
        if requirement.marker is None or requirement.marker.evaluate():
            pinned[canonicalize_name(requirement.name)] = str(requirement.specifier).removeprefix("==")
    return pinned


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _requirements(name: str) -> Iterator[str]:
    """The packages an installed distribution needs without extras (its own markers evaluated)."""
    try:
        requires = metadata.requires(name) or []
    except metadata.PackageNotFoundError:
        return
    for text in requires:
        requirement = Requirement(text)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            yield canonicalize_name(requirement.name)


def runtime_packages() -> set[str] | None:
    """Everything `pip install .` brings (no test extra), or None when newsletter is not installed."""
    if _installed("newsletter") is None:
        return None
    needed, waiting = set(), list(_requirements("newsletter"))
    while waiting:  # each name is expanded once, so cycles between packages end
        name = waiting.pop()
        if name not in needed:
            needed.add(name)
            waiting.extend(_requirements(name))
    return needed


def package_lines(lock: Path) -> Iterator[Line]:
    fix = f"python3 -m pip install -c {LOCK_FILE} -e '.[test]'"
    runtime, matching, test_only = runtime_packages(), 0, []
    for name, wanted in sorted(locked_versions(lock).items()):
        installed = _installed(name)
        if installed is None and runtime is not None and name not in runtime:
            test_only.append(name)  # only the tests need it: not a fault of an install for marketing
        elif installed is None:
            yield Line("missing", name, f"{wanted} locked — install: {fix}")
        elif installed != wanted:
            yield Line("differs", name, f"{installed} installed, {wanted} locked — install: {fix}")
        else:
            matching += 1
    yield Line("ok", f"{matching} packages", f"installed at the versions in {LOCK_FILE}")
    if test_only:
        yield Line("ok", f"{len(test_only)} for the tests only", f"not installed; for the tests: {fix}")


ENGINES_TITLE = "engines recipients' mail apps run on (newsletter shots, the browser tests)"


def checked_lines(root: Path) -> dict[str, list[Line]]:
    """Each section of the report: the tools, then the Python packages against the lock."""
    lock = next((base / LOCK_FILE for base in (root, PACKAGE_ROOT) if (base / LOCK_FILE).is_file()), None)
    if lock is None:
        packages = [Line("missing", LOCK_FILE, "not next to the project or the package: versions not compared")]
    else:
        packages = list(package_lines(lock))
    return {"tools the commands use": list(tool_lines(root)), ENGINES_TITLE: list(tool_lines(root, ENGINES)),
            "Python packages": packages}


def run(args) -> int:
    """`newsletter doctor`: the project's machine, or the current folder's outside a project."""
    if args.project:
        return report(Path(args.project).resolve())
    try:
        return report(find_root(Path.cwd()))
    except NewsletterError:  # doctor answers outside a project too: the machine is what it looks at
        return report(Path.cwd())


def report(root: Path) -> int:
    """Print the report; exit 1 when anything is missing or differs from the lock."""
    sections = checked_lines(root)
    for title, lines in sections.items():
        print(title, *map(str, lines), "", sep="\n")
    in_ci = os.environ.get("CI") == "true"  # the tests need every engine there; elsewhere each is optional
    healthy = all(line.state == "ok" for title, lines in sections.items() for line in lines
                  if in_ci or title != ENGINES_TITLE)
    absent = sum(line.state != "ok" for line in sections[ENGINES_TITLE])
    if not healthy:
        print("some pieces are missing or differ: run the command shown beside each.")
    elif absent:
        print(f"all there but {absent} engine{'s' if absent > 1 else ''}: newsletter shots and the browser tests skip "
              f"{'them' if absent > 1 else 'it'}, each with one line.")
    else:
        print("all there.")
    return 0 if healthy else 1
