"""What publish says before it talks to any account: every missing setting of the environment at once, each
with what to set. listmonk is self-hosted (https://listmonk.app/docs/apis/apis/: the API is at the
instance's own address), so its address has no default and is as necessary as its key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

ISSUE = "2026-11"


def publish_listmonk(project: Path, **variables: str) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("LISTMONK_")}
    return subprocess.run([sys.executable, "-m", "newsletter", "publish", ISSUE, "--provider", "listmonk"], cwd=project,
                          env={**environment, "PYTHONPATH": str(REPO), **variables}, capture_output=True, text=True,
                          timeout=120)


def test_publish_to_listmonk_names_its_missing_key_and_address_together(project, cli):
    assert cli("export", ISSUE, "--provider", "listmonk", "--skip-external-checks", cwd=project).returncode == 0
    result = publish_listmonk(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: LISTMONK_API_KEY: listmonk needs an API key and LISTMONK_API_KEY is not set")
    assert lines[1] == ("error: LISTMONK_API_URL: listmonk runs on your own server and LISTMONK_API_URL is not set — "
                        "set it to your instance's API address (export LISTMONK_API_URL=https://lists.example.com/api)")
    only_address = publish_listmonk(project, LISTMONK_API_KEY="api-user:token")
    assert only_address.returncode == 1 and only_address.stderr.splitlines() == lines[1:]
