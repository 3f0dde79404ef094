"""`newsletter doctor` as a user on a new machine runs it: the tools it finds, the ones it does not,
and the Python packages against requirements.lock — the real tools, run on this machine."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from conftest import REPO


def first_version(*command: str) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return re.search(r"\d+(?:\.\d+)+", done.stdout + done.stderr).group()


def path_with_python_only(tmp_path: Path) -> str:
    """A PATH as bare as a new machine's: Python, and none of the optional tools."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "python3").symlink_to(sys.executable)
    return str(folder)


def test_doctor_finds_every_tool_ci_installs_with_its_version(project, cli):
    result = cli("doctor", cwd=project)
    assert result.returncode == 0, result.stdout
    assert f"ok       GNU msgfmt (gettext) {first_version('msgfmt', '--version')}" in result.stdout
    assert f"ok       SpamAssassin {first_version('spamd', '--version')}" in result.stdout
    mjml = first_version(str(REPO / "tools/mjml/node_modules/.bin/mjml"), "--version")
    assert f"ok       official MJML CLI (tools/mjml) {mjml}" in result.stdout
    assert f"ok       Blink (Chromium) {first_version(shutil.which('chromium'), '--version')}" in result.stdout
    assert f"ok       Gecko (Firefox ESR) {first_version(shutil.which('firefox-esr'), '--version')}" in result.stdout
    assert "ok       WebKit (WebKitGTK) 2." in result.stdout and "ok       GMime 3." in result.stdout
    assert f"ok       Thunderbird {first_version('thunderbird', '--version')}" in result.stdout
    assert f"ok       w3m {first_version('w3m', '-version')}" in result.stdout
    assert f"ok       lynx {first_version('lynx', '-version')}" in result.stdout
    assert re.search(r"^  ok       Xvfb +a display", result.stdout, re.MULTILINE)
    assert result.stdout.rstrip().endswith("all there.")


def test_on_a_bare_machine_doctor_names_what_is_missing_and_how_to_install_it(project, cli, tmp_path):
    result = cli("doctor", cwd=project, env={"PATH": path_with_python_only(tmp_path), "DISPLAY": ""})  # the WebKit tests may have started one
    assert result.returncode == 1
    tools = result.stdout.partition("engines recipients'")[0]
    missing = [line.split(" — install: ") for line in tools.splitlines() if line.lstrip().startswith("missing")]
    assert [(what.split()[1], install) for what, install in missing] == [
        ("GNU", "apt-get install gettext"),
        ("SpamAssassin", "apt-get install spamd spamc"),
        ("official", "apt-get install nodejs npm && npm ci --prefix tools/mjml"),
    ]
    assert missing_engines(result.stdout) == ENGINES_MISSING


# Every engine but GMime (reached through Python itself) on a machine without them, with what installs it.
ENGINES_MISSING = [
    ("Blink (Chromium)", "apt-get install chromium"),
    ("Gecko (Firefox ESR)", "apt-get install firefox-esr && pip install marionette-driver"),
    ("WebKit (WebKitGTK)", "apt-get install gir1.2-webkit2-4.1 xvfb && pip install 'PyGObject<3.50'"),
    ("Thunderbird", "apt-get install thunderbird xvfb && pip install marionette-driver"),
    ("Xvfb", "apt-get install xvfb"),
    ("w3m", "apt-get install w3m"),
    ("lynx", "apt-get install lynx"),
]


def missing_engines(stdout: str) -> list[tuple[str, str]]:
    """(engine, install command) of each missing line of the engines' section."""
    section = stdout.partition("engines recipients' mail apps run on")[2].partition("\n\n")[0]
    found = []
    for line in section.splitlines():
        if line.lstrip().startswith("missing"):
            what, _, install = line.split(None, 1)[1].partition(" — install: ")
            found.append((next(name for name, _ in ENGINES_MISSING if what.startswith(name)), install))
    return found


def test_a_missing_engine_is_a_line_and_a_failure_only_in_ci(project, cli, tmp_path):
    """The engines are for newsletter shots and the browser tests: a marketer's machine without them is
    healthy (each said in one line); CI, where the tests need every one, is not."""
    path = path_with_python_only(tmp_path)
    for tool in ("msgfmt", "spamd", "spamc", "node"):
        (Path(path) / tool).symlink_to(shutil.which(tool))
    outside = cli("doctor", cwd=project, env={"PATH": path, "DISPLAY": "", "CI": ""})
    assert outside.returncode == 0, outside.stdout
    assert missing_engines(outside.stdout) == ENGINES_MISSING
    assert outside.stdout.rstrip().endswith("all there but 7 engines: newsletter shots and the browser tests skip them, "
                                            "each with one line.")
    in_ci = cli("doctor", cwd=project, env={"PATH": path, "DISPLAY": "", "CI": "true"})
    assert in_ci.returncode == 1 and in_ci.stdout.count("\n  missing") == 7


def test_a_check_that_needs_a_missing_tool_says_so_in_one_line(project, cli, tmp_path):
    result = cli("check", "2026-11", "--locale", "es", cwd=project, env={"PATH": path_with_python_only(tmp_path)})
    assert "Traceback" not in result.stderr
    skipped = [line for line in result.stderr.splitlines() if "skipped" in line]
    assert skipped == [
        "2026-11: skipped the official MJML validator (needs Node.js and tools/mjml: npm ci --prefix tools/mjml)",
        "2026-11: skipped the spam score (needs SpamAssassin's spamd and spamc: apt-get install spamd spamc)",
    ]


def test_doctor_compares_installed_packages_with_the_lock(project, cli):
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    installed = metadata.version("babel")
    assert f"\nbabel=={installed}\n" in lock, "the installed Babel is the locked one (bash .ci/install)"
    (project / "requirements.lock").write_text(lock.replace(f"babel=={installed}", "babel==2.0.0")
                                               + "not-a-real-package-of-ours==1.0\n", encoding="utf-8")
    result = cli("doctor", cwd=project)
    assert result.returncode == 1
    assert re.search(rf"differs  babel +{re.escape(installed)} installed, 2\.0\.0 locked — install: "
                     r"python3 -m pip install -c requirements.lock -e '\.\[test\]'", result.stdout), result.stdout
    # a locked package that nothing installed needs is the test extra's, not missing for marketing's install
    assert re.search(r"ok +1 for the tests only +not installed; for the tests: python3 -m pip install", result.stdout)
