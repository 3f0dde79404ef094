"""The benchmark runs end to end in its quick mode (what CI runs), so it cannot rot.

No time is asserted here: times are for benchmarks/run.py to print and for people to read.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGES = {"imports (once per process)", "load+validate", "catalogs", "jinja (mjml)", "mjml→html", "plain text",
          "checks", "write"}
TARGETS = {"preview_reload_ms", "preview_reload_worst_ms", "warm_rebuild_ms", "warm_rebuild_cli_ms", "send_second_run_s",
           "send_cold_cpu_s", "send_cold_wall_per_core_cpu", "cold_vs_mjml_ratio", "checks_ms_per_email",
           "text_ms_per_email", "peak_memory_mb"}  # every row of the table in issue 25


def run_quick_benchmark(folder: Path) -> tuple[subprocess.CompletedProcess, dict]:
    out = folder / "results.json"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--workdir", str(folder),
                           "--json", str(out)], cwd=folder, capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    return done, json.loads(out.read_text(encoding="utf-8"))


def is_positive(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0


def test_quick_benchmark_writes_every_measure_as_json_and_prints_the_table(tmp_path):
    done, results = run_quick_benchmark(tmp_path)

    workload = results["workload"]
    assert workload["issues"] == 2 and workload["runs"] == 1
    assert {"en", "es", "fr", "de", "ar", "zh_Hans", "en_XA", "ar_XB"} <= set(workload["locales"])
    assert workload["emails"] == workload["issues"] * len(workload["locales"])

    for key in ("cold_build_s", "warm_rebuild_ms", "warm_rebuild_cli_ms", "help_ms"):
        assert is_positive(results[key]), key
    for run in ("cold", "second_run", "spamassassin_one_message"):  # send.py, and SpamAssassin alone beside it
        sample = results["send"][run]
        assert is_positive(sample["s"]) and is_positive(sample["cpu_s"]) and sample["load"] >= 0, run
    assert {"spamd", "node"} <= set(results["send"]["cold_by_program"]), "the cold run's CPU by program"
    assert any(name.startswith("python") for name in results["send"]["cold_by_program"])
    assert is_positive(results["warm_rebuild"]["cpu_ms"]) and is_positive(results["warm_rebuild_cli"]["cpu_s"])
    preview = results["preview_reload"]  # Chromium is installed by .ci/install
    assert preview["runs"] == 2 and len(preview["timings_ms"]) == 2 and is_positive(preview["median_ms"])
    assert is_positive(preview["server_cpu_ms_per_save"]) and preview["load"] >= 0
    memory = results["peak_memory_mb"]
    assert is_positive(memory["main"]) and memory["all_upper_bound"] >= memory["main"]
    for clock in ("stage_ms_per_email", "stage_cpu_ms_per_email"):
        assert set(results[clock]) == STAGES
        assert all(ms >= 0 for ms in results[clock].values()) and is_positive(results[clock]["checks"])

    mjml = results["mjml_cli"]  # the reference toolchain is installed by .ci/install (tools/mjml)
    assert mjml["available"] and mjml["files"] == workload["emails"] and mjml["version"].startswith("5.")
    for key in ("batch_s", "batch_defaults_s"):
        assert is_positive(mjml[key]), key
    assert is_positive(mjml["per_file"]["total_s"]) and is_positive(mjml["per_file"]["median_call_ms"])
    assert abs(results["cold_vs_mjml_ratio"] - mjml["batch_s"] / results["cold_build_s"]) < 0.1  # both sides rounded
    assert is_positive(results["cold_vs_mjml_defaults_ratio"]) and is_positive(results["cold_vs_mjml_per_file_ratio"])

    assert set(results["targets"]) == TARGETS
    for status in results["targets"].values():
        assert is_positive(status["target"]) and is_positive(status["measured"]) and status["met"] in (True, False)
        assert status["relation"] in ("≤", "<", "≥")
    assert len(results["machine"]["load_average_before"]) == 3 and results["machine"]["cpus"] >= 1

    goals = done.stdout.split("\n\n")[1].splitlines()[1:]  # the goal table: one line per goal, in the order
    assert len(goals) == len(TARGETS) and all(re.search(r" (yes|NO) +\d+(\.\d+)? ", line) for line in goals), \
        "each goal with its load beside it"
    assert all(re.search(r"\d (ms|s)$", line) for line in goals if not line.startswith("peak memory")), "and its CPU"
    assert goals[0].startswith("preview: save") and goals[7].startswith(f"{workload['emails']} emails: MJML CLI")
    assert "MJML CLI" in done.stdout and "checks" in done.stdout
    assert [path.name for path in tmp_path.iterdir()] == ["results.json"]  # the generated workload is removed
