"""Where `python send.py 2026-11` spends its CPU time, by program: the Python process (and its forked
render workers), SpamAssassin (spamd and its children, or one `spamassassin` per message in older
versions), spamc, Node.js (the official MJML validator).

    python benchmarks/send_profile.py            # a cold run (no dist/, no .cache/), then a second run
    python benchmarks/send_profile.py --runs 3   # the median of 3 of each

CPU time, unlike the wall clock, does not grow when other work shares the machine, so this is the
profile to compare before and after a change on a busy machine. Linux only: it reads /proc every
10 ms for the processes under the command, and keeps the last CPU time seen of each (a process that
lives less than 10 ms may be missed). Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("newsletter.yaml", "babel.cfg", "locales", "templates")
SAMPLE = "2026-11"
TICKS = os.sysconf("SC_CLK_TCK")


KNOWN = ("spamd", "spamc", "spamassassin", "node")


def program(pid: int) -> tuple[str, int, float] | None:
    """(name, parent pid, CPU seconds) of a process; None once it is gone. The name is the known program
    its command line runs (Perl runs spamd and spamassassin; spamd's children rename themselves
    "spamd child"), else its first word; empty for a process that has exited but is not yet reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").replace("\0", " ").split()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    words = [Path(word).name for word in command]
    name = next((known for word in words for known in KNOWN if word.startswith(known)), words[0] if words else "")
    return ("python" if name.startswith("python") else name), int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def profile(command: list[str], cwd: Path) -> dict[str, float]:
    """CPU seconds by program of `command` and everything it starts, and its wall-clock seconds."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    seen: dict[int, tuple[str, float]] = {}
    family = {process.pid}
    while process.poll() is None:
        for entry in os.listdir("/proc"):
            if entry.isdigit() and (found := program(int(entry))) and (int(entry) in family or found[1] in family):
                family.add(int(entry))
                name = found[0] or seen.get(int(entry), ("?", 0.0))[0]  # a zombie keeps the name it had
                seen[int(entry)] = (name, found[2])
        time.sleep(0.01)
    wall = time.perf_counter() - start
    totals: dict[str, float] = defaultdict(float)
    for name, seconds in seen.values():
        totals["python (send.py, render workers)" if name == "python" else name] += seconds
    return {**totals, "all programs": sum(totals.values()), "wall clock": wall}


def project_copy(root: Path) -> Path:
    for name in PROJECT_FILES:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy2)(REPO / name, root / name)
    (root / "issues").mkdir()
    shutil.copy2(REPO / "issues" / f"{SAMPLE}.yaml", root / "issues")
    return root


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each; the median is printed (default: 1)")
    args = parser.parse_args()
    command = [sys.executable, str(REPO / "send.py"), SAMPLE]
    with tempfile.TemporaryDirectory(prefix="newsletter-send-profile-") as folder:
        project = project_copy(Path(folder))
        cold, second = [], []
        for _ in range(args.runs):
            shutil.rmtree(project / ".cache", ignore_errors=True)
            shutil.rmtree(project / "dist", ignore_errors=True)
            cold.append(profile(command, project))
            second.append(profile(command, project))
    print(f"send.py {SAMPLE}: CPU seconds by program (median of {args.runs}); load average {os.getloadavg()[0]:.2f}")
    print(f"{'':<36}{'cold':>10}{'second run':>12}")
    for name in sorted({name for run in cold + second for name in run}, key=lambda n: (n in ("all programs", "wall clock"), n)):
        medians = [statistics.median(run.get(name, 0.0) for run in runs) for runs in (cold, second)]
        print(f"{name:<36}{medians[0]:>9.2f}s{medians[1]:>11.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
