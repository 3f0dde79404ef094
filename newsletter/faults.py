"""Fault injection at the pipeline's stage boundaries, for the fault-injection tests (never set otherwise).

NEWSLETTER_FAULT=STAGE:SIGNAL[:TARGET] sends SIGNAL (KILL, TERM, INT) when the process reaches STAGE, to
itself, to its parent (`parent`: a worker killing the building process) or to its whole process group
(`group`, as a terminal or a service manager does), so a test kills at a known instant instead of
sleeping and hoping. STOP pauses the process there until a SIGCONT: a test holds one writer between two
steps while another runs. Each stage is reached once per process. The stages, in the order a build or an
export reaches them: `loaded` (the issue read and valid; a build holds its output folders by then), `render`
(a worker's first email), `checked` (every email rendered and checked, nothing written yet), `spamd` (a run's
spamd listening, before it scores), `export-write` (an export that has read the issue folder under its lock,
before it swaps its own in), `swap` (between the two renames of a folder swap: the first one a command
makes), `swapped` (after them, before the previous folder is removed) and `archive` (a build's issues
written, its web archive not yet); and a publish's `publish-step` (its first step carried out and recorded in
the ledger, the next not begun: the publish holds the issue folder).
"""

from __future__ import annotations

import os
import signal

FAULT_VARIABLE = "NEWSLETTER_FAULT"


def fault_point(stage: str) -> None:
    spec = os.environ.get(FAULT_VARIABLE)
    if not spec or spec.partition(":")[0] != stage:
        return
    _, name, target = (spec.split(":") + ["", ""])[:3]
    signum = signal.Signals[f"SIG{name or 'KILL'}"]
    if target == "group":
        os.killpg(os.getpgrp(), signum)
    elif target == "parent":
        os.kill(os.getppid(), signum)
    else:
        os.kill(os.getpid(), signum)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signum})  # delivered here, now, even inside a held block
