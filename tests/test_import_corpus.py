"""The corpus benchmark's own measure (benchmarks/import_corpus.py), on two real pages (tests/data/import/
THIRD-PARTY.md): a table is data when two of its rows each hold two cells with text; the Node.js page's
two tables (13 and 5 columns) are data and must be counted kept, libxslt's six one-row tables are layout
and must be counted apart, not as tables lost. Nothing is timed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

DATA = Path(__file__).parent / "data" / "import"


def test_the_benchmark_counts_data_tables_kept_and_layout_tables_apart(tmp_path):
    for name in ("nodejs-webcrypto.html", "libxslt-bugs.html"):
        shutil.copy(DATA / name, tmp_path / name)
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "import_corpus.py"), str(tmp_path)],
                            capture_output=True, text=True, timeout=600, cwd=REPO)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "imported as saved: 100.0% (2/2), target ≥ 95% met" in result.stdout
    assert [line.split()[0] for line in lines if line.startswith("  ")] == ["lists", "quotes", "sub-headings", "images", "tables"]
    assert "  tables        kept 100.0% of the 2 data tables (2); 6 layout tables read as their text" in lines
