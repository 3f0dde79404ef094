"""Benchmark what people wait for: `send.py` against SpamAssassin alone, the build against the
official MJML CLI on the same MJML, the warm rebuild, the preview's reload, and peak memory.

    python benchmarks/run.py            # 12 issues × every locale (+ pseudo-locales), median of 5 runs
    python benchmarks/run.py --quick    # 2 issues, 1 run, 2 saves: what CI runs so this script cannot rot

Prints every goal with the measured number beside it, then the details, and writes JSON
(benchmarks/results/latest.json by default; the folder is git-ignored). Each number is the median
of several runs on this machine, in this run, with the load average when it was taken and the CPU
time of every process it started, because other work on the machine slows every wall-clock number.
Nothing here asserts a time. See docs/performance.md for what each number means.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import send_profile  # noqa: E402 (beside this script)

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"
MJML_DIR = REPO / "tools" / "mjml"
MJML_CLI = MJML_DIR / "node_modules" / ".bin" / "mjml"
SAMPLE = "2026-11"
PROJECT_FILES = ("newsletter.yaml", "babel.cfg", "locales", "templates")
# The goals of the issue, in its order: (at most | at least, value).
TARGETS = {"preview_reload_ms": ("≤", 50.0), "preview_reload_worst_ms": ("≤", 100.0), "warm_rebuild_ms": ("≤", 25.0),
           "warm_rebuild_cli_ms": ("≤", 200.0), "send_second_run_s": ("≤", 0.2), "send_cold_cpu_s": ("≤", 3.2),
           "send_cold_wall_per_core_cpu": ("≤", 1.1), "cold_vs_mjml_ratio": ("≥", 3.0),
           "checks_ms_per_email": ("≤", 1.5), "text_ms_per_email": ("≤", 0.5), "peak_memory_mb": ("≤", 120.0)}
# By default the MJML 5 CLI also validates the MJML and beautifies its HTML; mjml-python does neither.
# Turning both off gives the CLI the work mjml-python does: the fair (and the faster) reference.
SAME_WORK = ["--config.beautify", "false", "--config.validationLevel", "skip"]


def python_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def compile_package() -> None:
    """Cache the package's compiled modules (__pycache__, git-ignored), as Python does by default.

    With PYTHONDONTWRITEBYTECODE set (some CI images and sandboxes set it), every process would
    compile the package again, which is not what a user's machine does.
    """
    environment = {key: value for key, value in python_env().items() if key != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "newsletter")], check=True, env=environment)


def make_workload(root: Path, issues: int) -> list[str]:
    """A project with `issues` monthly issues: the sample issue under other ids and dates."""
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy2(source, root / name)
    (root / "issues").mkdir()
    sample = (REPO / "issues" / f"{SAMPLE}.yaml").read_text(encoding="utf-8")
    ids = [f"{2025 - n // 12}-{n % 12 + 1:02d}" for n in range(issues)]
    for issue_id in ids:
        text = re.sub(r"(?m)^id: .*$", f"id: {issue_id}", sample, count=1)
        text = re.sub(r"(?m)^date: .*$", f"date: {issue_id}-15", text, count=1)
        (root / "issues" / f"{issue_id}.yaml").write_text(text, encoding="utf-8")
    return ids


def edit_one_paragraph(issue_file: Path) -> None:
    """Marketing fixes one paragraph: a few words appended to the issue's first paragraph."""
    text = issue_file.read_text(encoding="utf-8")
    edited = re.sub(r"(paragraphs:\n\s*- >-\n.*)\n", rf"\1 (edit {time.time_ns()})\n", text, count=1)
    assert edited != text, f"no paragraph found to edit in {issue_file.name}"
    issue_file.write_text(edited, encoding="utf-8")


def timed(command: list[str], cwd: Path, stdin: Path | None = None) -> float:
    return measured(command, cwd, stdin).wall_s


@dataclass(frozen=True)
class Sample:
    """One run of a command: wall-clock seconds, CPU seconds of every process it started (spamd's
    children and the MJML validator included), and the 1-minute load average as it started."""

    wall_s: float
    cpu_s: float
    load: float


def measured(command: list[str], cwd: Path, stdin: Path | None = None) -> Sample:
    load, cpu = os.getloadavg()[0], _children_cpu()
    start = time.perf_counter()
    with open(stdin or os.devnull, "rb") as given:
        subprocess.run(command, cwd=cwd, check=True, stdin=given, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=python_env())
    wall = time.perf_counter() - start
    _reap_orphans()
    return Sample(wall, _children_cpu() - cpu, load)


def median_sample(runs: int, measure) -> dict:
    """The median wall time of `runs` samples, with the CPU time and load average of that same run."""
    samples = sorted((measure() for _ in range(runs)), key=lambda sample: sample.wall_s)
    middle = samples[len(samples) // 2]
    return {"s": round(middle.wall_s, 3), "cpu_s": round(middle.cpu_s, 3), "load": round(middle.load, 2),
            "all_s": [round(sample.wall_s, 3) for sample in samples]}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def adopt_orphans() -> None:
    """Linux: become the reaper of every process this script starts, even after its parent exits
    (spamd's children, stopped with spamd), so that their CPU time is counted too."""
    try:
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass  # elsewhere: the CPU time of orphaned processes is not counted


def _reap_orphans(within_s: float = 5.0) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:
            time.sleep(0.01)


def median_of(runs: int, measure) -> float:
    return statistics.median(measure() for _ in range(runs))


def build_command(locales: list[str]) -> list[str]:
    return [sys.executable, "-m", "newsletter", "build", "--quiet", *(f"--locale={locale}" for locale in locales)]


def forget_builds(root: Path) -> None:
    """Back to a fresh checkout: no output, no incremental cache."""
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "dist", ignore_errors=True)


def cold_build(root: Path, locales: list[str], runs: int) -> dict:
    """`newsletter build` of the whole workload in a fresh process, nothing cached."""
    def once() -> Sample:
        forget_builds(root)
        return measured(build_command(locales), root)
    return median_sample(runs, once)


def warm_rebuild_cli(root: Path, ids: list[str], locales: list[str], runs: int) -> dict:
    """A fresh `newsletter build` process after one paragraph of one issue changed (cache warm)."""
    timed(build_command(locales), root)

    def once() -> Sample:
        edit_one_paragraph(root / "issues" / f"{ids[0]}.yaml")
        return measured(build_command(locales), root)
    return median_sample(runs, once)


def warm_rebuild_in_process(root: Path, ids: list[str], locales: list[str], runs: int) -> dict:
    """The same rebuild inside a running process, as `newsletter preview` does it on every save."""
    load = os.getloadavg()[0]
    done = subprocess.run([sys.executable, __file__, "--measure-warm", str(root), ids[0], str(runs), *locales],
                          check=True, capture_output=True, text=True, env=python_env())
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load": round(load, 2)}


def _measure_warm(root: Path, issue_id: str, runs: int, locales: list[str]) -> dict:
    sys.path.insert(0, str(REPO))
    from newsletter.build import BuildReport, build
    from newsletter.project import load_settings

    settings = load_settings(root)
    build(settings, None, locales, root / "dist", BuildReport())

    def once() -> tuple[float, float]:
        edit_one_paragraph(root / "issues" / f"{issue_id}.yaml")
        cpu, start = _own_cpu(), time.perf_counter()
        build(settings, None, locales, root / "dist", BuildReport())
        return time.perf_counter() - start, _own_cpu() - cpu
    samples = sorted(once() for _ in range(runs))
    wall, cpu = samples[len(samples) // 2]
    return {"ms": round(1000 * wall, 1), "cpu_ms": round(1000 * cpu, 1)}


def _own_cpu() -> float:
    """CPU seconds of this process and of its render workers (ended ones)."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


def peak_memory_mb(root: Path, locales: list[str]) -> dict[str, float]:
    """Peak resident memory of a cold build: the main process, and the largest render worker."""
    forget_builds(root)
    load = os.getloadavg()[0]
    code = ("import resource, runpy, sys\n"
            f"sys.argv = {build_command(locales)[2:]!r}\n"
            "try:\n    runpy.run_module('newsletter', run_name='__main__', alter_sys=True)\nexcept SystemExit:\n    pass\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", code], cwd=root, check=True, capture_output=True, text=True, env=python_env())
    main, worker = (int(kb) / 1024 for kb in done.stdout.split()[-2:])
    workers = (os.cpu_count() or 1) if worker else 0
    return {"main": round(main, 1), "worker": round(worker, 1), "all_upper_bound": round(main + workers * worker, 1),
            "load": round(load, 2)}


def help_time(runs: int) -> float:
    return median_of(runs, lambda: timed([sys.executable, "-m", "newsletter", "--help"], REPO))


def stage_times(root: Path, locales: list[str], runs: int) -> dict:
    """Milliseconds per email of each stage, wall and CPU (each run in a fresh process, one email after another)."""
    load = os.getloadavg()[0]

    def once() -> dict[str, dict[str, float]]:
        done = subprocess.run([sys.executable, __file__, "--measure-stages", str(root), *locales],
                              check=True, capture_output=True, text=True, env=python_env())
        return json.loads(done.stdout.strip().splitlines()[-1])
    samples = [once() for _ in range(runs)]
    return {clock: {stage: round(statistics.median(sample[clock][stage] for sample in samples), 3) for stage in samples[0][clock]}
            for clock in ("wall", "cpu")} | {"load": round(load, 2)}


def _measure_stages(root: Path, locales: list[str]) -> dict[str, float]:
    sys.path.insert(0, str(REPO))
    clock = Stopwatch()
    with clock("imports (once per process)"):
        from newsletter.build import IssueBuild, issue_files
        from newsletter.checks import check_build
        from newsletter.i18n.translator import translator_for
        from newsletter.model.content import load_issues
        from newsletter.output import replace_folder
        from newsletter.project import load_settings
        from newsletter.render import render_email
        from newsletter.render.html import mjml_to_html, render_mjml
        from newsletter.render.text import render_text
    with clock("load+validate"):
        settings = load_settings(root)
        issues = load_issues(settings)
    for issue in issues:
        emails = []
        for locale in locales:
            with clock("catalogs"):
                translator = translator_for(settings, locale)
                localized = translator.localize(issue)
            with clock("jinja (mjml)"):
                mjml = render_mjml(localized, settings, locale, translator)
            with clock("mjml→html"):
                mjml_to_html(mjml, "benchmark")
            with clock("plain text"):
                render_text(localized, settings, locale, translator)
            emails.append(render_email(issue, settings, locale, translator_for(settings, locale)))  # not timed
        built = IssueBuild(issue, tuple(emails))
        with clock("checks"):
            check_build(built, settings)
        with clock("write"):
            replace_folder(root / "stages" / issue.id, issue_files(built, settings))
    shutil.rmtree(root / "stages")
    count = len(issues) * len(locales)
    return {name: {stage: 1000 * seconds / (1 if stage.startswith("imports") else count) for stage, seconds in totals.items()}
            for name, totals in (("wall", clock.totals), ("cpu", clock.cpu))}


class Stopwatch:
    """Adds up the time spent in each named stage: `with clock("stage"): ...`."""

    def __init__(self):
        self.totals: dict[str, float] = {}
        self.cpu: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        start, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.totals[stage] = self.totals.get(stage, 0.0) + time.perf_counter() - start
            self.cpu[stage] = self.cpu.get(stage, 0.0) + time.process_time() - cpu


def send_project(root: Path) -> Path:
    """A project holding the sample issue only, as marketing has it before sending."""
    project = root / "send"
    project.mkdir()
    for name in (*PROJECT_FILES, "issues"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("*.mo", "*.yaml") if name == "issues"
                            else shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy2(source, project / name)
    shutil.copy2(REPO / "issues" / f"{SAMPLE}.yaml", project / "issues")
    return project


def send_times(root: Path, runs: int) -> dict:
    """`python send.py 2026-11` with every check: cold (no dist/, no .cache/), then again with nothing
    changed; beside it one `spamassassin -t` run on one of the messages it wrote (the floor of what
    scoring costs without a daemon: loading the rules, then one message)."""
    project = send_project(root)
    command = [sys.executable, str(REPO / "send.py"), SAMPLE]

    def cold() -> Sample:
        forget_builds(project)
        return measured(command, project)
    results = {"cold": median_sample(runs, cold), "second_run": median_sample(runs, lambda: measured(command, project))}
    message = project / "dist" / SAMPLE / "eml" / "en.eml"
    results["spamassassin_one_message"] = (median_sample(runs, lambda: measured(["spamassassin", "-t", "-L"], project, message))
                                           if shutil.which("spamassassin") else None)
    forget_builds(project)  # one more cold run, its CPU time by program (benchmarks/send_profile.py's way)
    by_program = send_profile.profile(command, project)
    results["cold_by_program"] = {name: round(seconds, 2) for name, seconds in sorted(by_program.items())
                                  if name not in ("all programs", "wall clock") and seconds >= 0.005}
    return results


def preview_reload(runs: int) -> dict | None:
    """benchmarks/preview_reload.py: save a catalog, time until the open page shows the change (Chromium)."""
    with tempfile.TemporaryDirectory(prefix="newsletter-preview-bench-") as folder:
        out = Path(folder) / "preview.json"
        done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "preview_reload.py"), "--runs", str(runs),
                               "--out", str(out)], check=False, capture_output=True, text=True, env=python_env())
        if done.returncode != 0:
            print(f"preview reload not measured: {(done.stderr.strip().splitlines() or ['?'])[-1]}", file=sys.stderr)
            return None
        return json.loads(out.read_text(encoding="utf-8"))


def ensure_mjml_cli() -> bool:
    """The official MJML CLI, pinned in tools/mjml (installed there, git-ignored, when npm is here)."""
    if not MJML_CLI.exists() and shutil.which("npm"):
        subprocess.run(["npm", "ci", "--prefix", str(MJML_DIR), "--no-audit", "--no-fund", "--loglevel=error"], check=True)
    return MJML_CLI.exists()


def reference_inputs(root: Path) -> list[Path]:
    """The email.mjml files the cold build wrote, copied under distinct names (<issue>-<locale>.mjml)
    so the CLI writes one HTML file per email instead of overwriting a single email.html."""
    folder = root / "mjml-in"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for source in sorted((root / "dist").glob("*/*/email.mjml")):
        shutil.copy2(source, folder / f"{source.parent.parent.name}-{source.parent.name}.mjml")
    return sorted(folder.iterdir())


def mjml_cli_batch(root: Path, inputs: list[Path], runs: int, options: list[str]) -> dict:
    """One CLI process rendering every file, as a user batches them: `mjml *.mjml -o out/`."""
    out = root / "mjml-out"

    def once() -> Sample:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        sample = measured([str(MJML_CLI), *map(str, inputs), "-o", str(out), *options], root)
        written = len(list(out.glob("*.html")))
        assert written == len(inputs), f"the MJML CLI wrote {written} of {len(inputs)} files"
        return sample
    return median_sample(runs, once)


def mjml_cli_per_file(root: Path, inputs: list[Path]) -> dict[str, float]:
    """One CLI process per file, as a shell loop or a per-file build rule runs it (one pass)."""
    out = root / "mjml-out"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    calls = [timed([str(MJML_CLI), str(source), "-o", str(out / f"{source.stem}.html"), *SAME_WORK], root)
             for source in inputs]
    return {"total_s": round(sum(calls), 3), "median_call_ms": round(1000 * statistics.median(calls), 1)}


def reference(root: Path, runs: int) -> dict:
    """The official MJML CLI on the same email.mjml files, on this machine, in this run."""
    if not ensure_mjml_cli():
        return {"available": False, "batch_s": None, "batch_defaults_s": None, "per_file": None, "version": None}
    inputs = reference_inputs(root)
    version = subprocess.run([str(MJML_CLI), "--version"], check=False, capture_output=True, text=True).stdout.split()
    batch = mjml_cli_batch(root, inputs, runs, SAME_WORK)
    return {
        "available": True,
        "version": version[-1] if version else None,
        "files": len(inputs),
        "batch_s": batch["s"], "batch": batch,
        "batch_defaults_s": mjml_cli_batch(root, inputs, runs, [])["s"],
        "per_file": mjml_cli_per_file(root, inputs),
    }


def ratio(reference_s: float | None, ours_s: float) -> float | None:
    return round(reference_s / ours_s, 1) if reference_s else None


def run(issues: int, runs: int, saves: int, workdir: Path) -> dict:
    sys.path.insert(0, str(REPO))
    from newsletter.model.settings import PSEUDO_LOCALES
    from newsletter.project import load_settings

    locales = [*load_settings(REPO).locales, *PSEUDO_LOCALES]
    compile_package()
    adopt_orphans()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="newsletter-bench-", dir=workdir) as folder:
        root = Path(folder)
        send = send_times(root, runs)
        ids = make_workload(root, issues)
        cold = cold_build(root, locales, runs)
        mjml = reference(root, runs)
        results = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                        "load_average_before": [round(x, 2) for x in load_before]},
            "workload": {"issues": len(ids), "locales": locales, "emails": len(ids) * len(locales), "runs": runs},
            "send": send,
            "cold_build_s": cold["s"], "cold_build": cold,
            "mjml_cli": mjml,
            "cold_vs_mjml_ratio": ratio(mjml["batch_s"], cold["s"]),
            "cold_vs_mjml_defaults_ratio": ratio(mjml["batch_defaults_s"], cold["s"]),
            "cold_vs_mjml_per_file_ratio": ratio(mjml["per_file"] and mjml["per_file"]["total_s"], cold["s"]),
            "warm_rebuild": warm_rebuild_in_process(root, ids, locales, runs),
            "warm_rebuild_cli": warm_rebuild_cli(root, ids, locales, runs),
            "help_ms": round(1000 * help_time(runs), 1),
            "peak_memory_mb": peak_memory_mb(root, locales),
        }
        stages = stage_times(root, locales, runs)
        results |= {"warm_rebuild_ms": results["warm_rebuild"]["ms"],
                    "warm_rebuild_cli_ms": round(1000 * results["warm_rebuild_cli"]["s"], 1),
                    "stage_ms_per_email": stages["wall"], "stage_cpu_ms_per_email": stages["cpu"], "stages_load": stages["load"]}
    results["preview_reload"] = preview_reload(saves)
    results["machine"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["targets"] = target_status(results)
    return results


def measured_values(results: dict) -> dict[str, float | None]:
    send, preview, stages = results["send"], results["preview_reload"], results["stage_ms_per_email"]
    cold = send["cold"]
    return {"preview_reload_ms": preview and preview["median_ms"], "preview_reload_worst_ms": preview and preview["max_ms"],
            "warm_rebuild_ms": results["warm_rebuild_ms"], "warm_rebuild_cli_ms": results["warm_rebuild_cli_ms"],
            "send_second_run_s": send["second_run"]["s"], "send_cold_cpu_s": cold["cpu_s"],
            "send_cold_wall_per_core_cpu": round(cold["s"] / (cold["cpu_s"] / results["machine"]["cpus"]), 2),
            "cold_vs_mjml_ratio": results["cold_vs_mjml_ratio"], "checks_ms_per_email": stages["checks"],
            "text_ms_per_email": stages["plain text"], "peak_memory_mb": results["peak_memory_mb"]["all_upper_bound"]}


def target_status(results: dict) -> dict[str, dict]:
    """Each goal with the measured value and whether it is met (docs/performance.md says why not)."""
    meets = {"≤": lambda value, goal: value <= goal, "<": lambda value, goal: value < goal,
             "≥": lambda value, goal: value >= goal}
    status = {}
    for name, value in measured_values(results).items():
        relation, target = TARGETS[name]
        status[name] = {"target": target, "relation": relation, "measured": value,
                        "met": None if value is None else meets[relation](value, target)}
    return status


TARGET_NAMES = {"preview_reload_ms": "preview: save → reloaded page, median",
                "preview_reload_worst_ms": "  the same, worst",
                "warm_rebuild_ms": "warm one-paragraph rebuild, in process",
                "warm_rebuild_cli_ms": "  the same, fresh `newsletter build` process",
                "send_second_run_s": "send.py 2026-11 again, nothing changed",
                "send_cold_cpu_s": "send.py 2026-11 cold, all checks: CPU",
                "send_cold_wall_per_core_cpu": "  the same: wall ÷ (CPU ÷ cores)",
                "cold_vs_mjml_ratio": "{emails} emails: MJML CLI render only ÷ pipeline",
                "checks_ms_per_email": "per email: in-package checks",
                "text_ms_per_email": "per email: plain text",
                "peak_memory_mb": "peak memory, all processes (upper bound)"}
UNITS = {"preview_reload_ms": " ms", "preview_reload_worst_ms": " ms", "warm_rebuild_ms": " ms",
         "warm_rebuild_cli_ms": " ms", "send_second_run_s": " s", "send_cold_cpu_s": " s",
         "send_cold_wall_per_core_cpu": "×", "cold_vs_mjml_ratio": "×", "checks_ms_per_email": " ms",
         "text_ms_per_email": " ms", "peak_memory_mb": " MB"}


def row_context(results: dict) -> dict[str, tuple[float | None, str]]:
    """Per goal: the load average as it was measured, and the CPU time of what was measured."""
    send, preview, warm, cli = results["send"], results["preview_reload"], results["warm_rebuild"], results["warm_rebuild_cli"]
    preview_cpu = (preview["load"], f"{preview['server_cpu_ms_per_save']:g} ms") if preview else (None, "")
    stages_cpu = results["stage_cpu_ms_per_email"]
    return {"preview_reload_ms": preview_cpu, "preview_reload_worst_ms": preview_cpu,
            "warm_rebuild_ms": (warm["load"], f"{warm['cpu_ms']:g} ms"),
            "warm_rebuild_cli_ms": (cli["load"], f"{1000 * cli['cpu_s']:.0f} ms"),
            "send_second_run_s": (send["second_run"]["load"], f"{send['second_run']['cpu_s']:g} s"),
            "send_cold_cpu_s": (send["cold"]["load"], f"{send['cold']['cpu_s']:g} s"),
            "send_cold_wall_per_core_cpu": (send["cold"]["load"], f"{send['cold']['cpu_s']:g} s"),
            "cold_vs_mjml_ratio": (results["cold_build"]["load"], f"{results['cold_build']['cpu_s']:g} s"),
            "checks_ms_per_email": (results["stages_load"], f"{stages_cpu['checks']:g} ms"),
            "text_ms_per_email": (results["stages_load"], f"{stages_cpu['plain text']:g} ms"),
            "peak_memory_mb": (results["peak_memory_mb"]["load"], "")}


def table(results: dict) -> str:
    """The goals first, measured beside them with their load and CPU; then the details."""
    w, m = results["workload"], results["machine"]
    lines = [(f"workload: {w['issues']} issues × {len(w['locales'])} locales = {w['emails']} emails; median of "
              f"{w['runs']} run(s); {m['cpus']} CPUs; load average {m['load_average_before'][0]} before, "
              f"{m['load_average_after'][0]} after"), "",
             f"{'goal':<50}{'measured':>11}{'goal':>11}{'met':>6}{'load':>7}{'CPU':>10}"]
    context = row_context(results)
    for name, status in results["targets"].items():
        unit, (load, cpu) = UNITS[name], context[name]
        measured = "n/a" if status["measured"] is None else f"{status['measured']:g}{unit}"
        met = {True: "yes", False: "NO", None: "n/a"}[status["met"]]
        goal = f"{status['relation']} {status['target']:g}{unit}"
        lines.append(f"{TARGET_NAMES[name].format(emails=w['emails']):<50}{measured:>11}{goal:>11}{met:>6}"
                     f"{'' if load is None else f'{load:g}':>7}{cpu:>10}")
    lines += ["", *detail_lines(results)]
    lines += ["", f"per email, by stage (ms; imports once per process; load {results['stages_load']:g}):",
              f"  {'':<28}{'wall':>9}{'CPU':>9}"]
    lines += [f"  {stage:<28}{ms:>9.3f}{results['stage_cpu_ms_per_email'][stage]:>9.3f}"
              for stage, ms in results["stage_ms_per_email"].items()]
    return "\n".join(lines)


def detail_lines(results: dict) -> list[str]:
    send, mjml, memory, preview = results["send"], results["mjml_cli"], results["peak_memory_mb"], results["preview_reload"]
    lines = [f"{'':<50}{'wall':>11}{'CPU':>11}{'load':>7}"]

    def row(name: str, sample: dict | None) -> None:
        numbers = f"{sample['s']:>9g} s{sample['cpu_s']:>9g} s{sample['load']:>7g}" if sample else f"{'n/a':>11}"
        lines.append(f"{name:<50}{numbers}")
    row("send.py 2026-11, cold", send["cold"])
    for program, seconds in send.get("cold_by_program", {}).items():
        lines.append(f"{'  of it, CPU of ' + program:<50}{'':>11}{seconds:>9g} s")
    row("send.py 2026-11, second run", send["second_run"])
    row("spamassassin -t -L, one message", send["spamassassin_one_message"])
    row(f"newsletter build, {results['workload']['emails']} emails, cold", results["cold_build"])
    if mjml["available"]:
        row("MJML CLI, the same MJML in one call", mjml["batch"])
        lines.append(f"{'MJML CLI, its defaults (validate, beautify)':<50}{mjml['batch_defaults_s']:>9g} s")
        lines.append(f"{'MJML CLI, one call per file':<50}{mjml['per_file']['total_s']:>9g} s")
    row("warm rebuild, one paragraph, fresh CLI process", results["warm_rebuild_cli"])
    if preview:
        lines.append(f"{'preview save → reloaded page, min / max':<50}{preview['min_ms']:>8g} ms{preview['max_ms']:>8g} ms"
                     f"  ({preview['runs']} saves)")
    lines.append(f"{'newsletter --help':<50}{results['help_ms']:>8g} ms")
    lines.append(f"{'peak memory: main process, largest worker':<50}{memory['main']:>8g} MB{memory['worker']:>8g} MB")
    return lines


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1].startswith("--measure-"):
        return _measure(sys.argv[1], sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run on 2 issues, 2 saves (what CI runs)")
    parser.add_argument("--saves", type=int, default=20, help="preview saves to time; the median is reported (default: 20)")
    parser.add_argument("--issues", type=int, default=12, help="issues in the workload (default: 12)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measure; the median is reported (default: 5)")
    parser.add_argument("--json", type=Path, default=RESULTS / "latest.json", help="where to write the results")
    parser.add_argument("--workdir", type=Path, default=RESULTS,
                        help="folder for the generated workload, removed afterwards (default: benchmarks/results)")
    args = parser.parse_args()
    issues, runs, saves = (2, 1, 2) if args.quick else (args.issues, args.runs, args.saves)
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = run(issues, runs, saves, args.workdir.resolve())
    print(table(results))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {args.json}")
    return 0


def _measure(what: str, args: list[str]) -> int:
    """The measures that need a fresh process of their own (this script runs itself)."""
    if what == "--measure-warm":
        root, issue_id, runs, *locales = args
        print(json.dumps(_measure_warm(Path(root), issue_id, int(runs), locales)))
    else:
        root, *locales = args
        print(json.dumps(_measure_stages(Path(root), locales)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
