"""How long each value that could exhaust memory takes to be refused, and the memory it takes: issue 27's
"every catalog or issue value that could exhaust memory is refused in under a second with a located line".

    python benchmarks/hostile_values.py

Each case: the sample project copied, one hostile value written into the Spanish catalog or a new issue, then
the command that reads it (`newsletter i18n check --locale es` or `newsletter build`). Measured: the command's
wall time from start to exit (Python's start-up and imports included: the reference case is only that), its
peak resident memory (wait4's rusage of the command), and its one error line. Nothing here asserts a time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("newsletter.yaml", "babel.cfg", "issues", "locales", "templates")
ES = Path("locales/es/LC_MESSAGES/newsletter.po")
NEW_ISSUE = Path("issues/2026-12.yaml")
CHECK = ("i18n", "check", "--locale", "es")


def _catalog(old: str, new: str):
    def edit(project: Path) -> None:
        path = project / ES
        path.write_text(path.read_text("utf-8").replace(old, new, 1), "utf-8")
    return edit


def _issue(text: str):
    def edit(project: Path) -> None:
        (project / NEW_ISSUE).write_text(text, "utf-8")
    return edit


def _alias_bomb(levels: int, width: int) -> str:
    lines = ["id: 2026-12", f"a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]" for level in range(1, levels + 1)]
    return "\n".join(lines) + f"\narticles: *a{levels}\n"


CASES = {
    "reference: the sample catalog, nothing hostile": (lambda project: None, CHECK),
    "printf width %(num)999999999d": (_catalog('%(num)d minutos"', '%(num)999999999d minutos"'), CHECK),
    "Plural-Forms nplurals=999999999": (_catalog("nplurals=2;", "nplurals=999999999;"), CHECK),
    "a 1 MB msgstr": (_catalog('msgstr "Exosomas en cirugía plástica"', f'msgstr "{"Exosomas " * 120_000}"'), CHECK),
    "a 5 MB issue value": (_issue("id: 2026-12\nsubject: " + "x" * 5_000_000 + "\n"), ("build", "2026-12")),
    "a YAML alias bomb (1000^3 values)": (_issue(_alias_bomb(3, 1000)), ("build", "2026-12")),
}


def one_case(edit, command: tuple[str, ...]) -> tuple[float, float, str]:
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in PROJECT_FILES:
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
        edit(project)
        started = time.monotonic()
        with tempfile.TemporaryFile("w+") as stderr:
            process = subprocess.Popen([sys.executable, "-m", "newsletter", *command], cwd=project, stdout=subprocess.DEVNULL,
                                       stderr=stderr, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
            _, status, usage = os.wait4(process.pid, 0)  # this command's own peak memory (its workers' too)
            seconds = time.monotonic() - started
            process.returncode = os.waitstatus_to_exitcode(status)
            stderr.seek(0)
            said_lines = stderr.read()
        errors = [line for line in said_lines.splitlines() if line.startswith("error:")]
        said = errors[0][:110] if len(errors) == 1 else f"{len(errors)} error lines, exit {process.returncode}"
        return seconds, usage.ru_maxrss / 1024, said


def main() -> int:
    for name, (edit, command) in CASES.items():
        seconds, megabytes, said = one_case(edit, command)
        print(f"{name}: {seconds:.2f} s, peak {megabytes:.0f} MB: {said}")
    print(f"(load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
