"""How long a build takes to end after SIGTERM to its process group, as `kill -TERM -PGID` (a terminal closing,
a service manager, a CI runner's timeout) sends it, at a random moment of the rendering.

    python benchmarks/signals.py            # 100 tries
    python benchmarks/signals.py --tries 10

Each try: `newsletter build --no-cache` of the sample project in its own process group; once it holds its
output folder, a random pause of up to half a second, then SIGTERM to the group. Measured: from the signal
until the build and all its workers have ended. A try still running after 10 s counts as hung (and is
killed). Prints the count within one second, the median and the slowest. Nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT_FILES = ("newsletter.yaml", "babel.cfg", "issues", "locales", "templates")
HUNG_SECONDS = 10.0


def one_try(project: Path, rng: random.Random) -> float | None:
    """Seconds from SIGTERM to the last process of the group ending; None when it hung."""
    shutil.rmtree(project / "dist", ignore_errors=True)
    process = subprocess.Popen([sys.executable, "-m", "newsletter", "build", "--no-cache"], cwd=project,
                               env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    while not (project / "dist" / ".2026-11.lock").exists() and process.poll() is None:
        time.sleep(0.002)
    time.sleep(rng.uniform(0, 0.5))
    sent = time.monotonic()
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return 0.0  # already done
    while time.monotonic() - sent < HUNG_SECONDS:
        if process.poll() is not None and not _group_alive(process.pid):
            return time.monotonic() - sent
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return None


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=27)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        for name in PROJECT_FILES:
            source = REPO / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
        times = [one_try(project, rng) for _ in range(args.tries)]
    ended = [t for t in times if t is not None]
    within = sum(t <= 1.0 for t in ended)
    print(f"SIGTERM to the process group: {within} of {args.tries} builds ended within 1 s; "
          f"{args.tries - len(ended)} hung; median {statistics.median(ended):.3f} s, slowest {max(ended):.3f} s "
          f"(load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
