"""The benchmark runs end to end in its quick mode (what CI runs), so it cannot rot.

No time is asserted here: times are for benchmarks/run.py to print and for people to read.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGES = {"imports (once per process)", "load+validate", "catalogs", "jinja (mjml)", "mjml→html", "plain text",
          "checks", "write"}
TARGETS = {"cold_vs_mjml_ratio", "warm_rebuild_ms", "help_ms", "peak_memory_mb"}


def run_quick_benchmark(folder: Path) -> tuple[subprocess.CompletedProcess, dict]:
    out = folder / "results.json"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "run.py"), "--quick", "--workdir", str(folder),
                           "--json", str(out)], cwd=folder, capture_output=True, text=True, timeout=300,
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
    memory = results["peak_memory_mb"]
    assert is_positive(memory["main"]) and memory["all_upper_bound"] >= memory["main"]
    assert set(results["stage_ms_per_email"]) == STAGES
    assert all(is_positive(ms) for ms in results["stage_ms_per_email"].values())

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
    assert len(results["machine"]["load_average_before"]) == 3 and results["machine"]["cpus"] >= 1

    assert "[headline]" in done.stdout and "MJML CLI" in done.stdout and "checks" in done.stdout
    assert [path.name for path in tmp_path.iterdir()] == ["results.json"]  # the generated workload is removed
