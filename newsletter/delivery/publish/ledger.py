"""dist/<issue>/<provider>/publish.json: what a publish did, step by step, written atomically after each.

The ledger says what was applied and when, and the remote ids; it is a record, not the truth: a plan
always reads the account, so a missing, stale or damaged ledger costs nothing but a look-up.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from newsletter.delivery.publish.plan import PlanStep, RemoteObject
from newsletter.output import write_file_atomic

LEDGER = "publish.json"
MAX_BYTES = 4 * 1024 * 1024  # a ledger is a few kB; a larger file is not one this program wrote


class Ledger:
    def __init__(self, path: Path, issue: str, provider: str):
        self.path = path
        self.data = {"issue": issue, "provider": provider, "objects": {}, "steps": []}
        earlier = _read(path)
        if earlier.get("issue") == issue and earlier.get("provider") == provider:
            self.data["objects"] = earlier.get("objects", {})
            self.data["steps"] = earlier.get("steps", [])

    def remote_id(self, key: str) -> str | None:
        """The id an earlier run recorded for this object (a hint only: the account is asked all the same)."""
        found = self.data["objects"].get(key)
        return found.get("id") if isinstance(found, dict) else None

    def recorded(self, key: str, name: str) -> RemoteObject | None:
        """The object an earlier run recorded under this key and name (a provider that cannot take a send back,
        Mailgun, trusts it before its lagging look-ups)."""
        found = self.data["objects"].get(key)
        if not isinstance(found, dict) or found.get("name") != name or not found.get("id"):
            return None
        return RemoteObject(str(found.get("kind")), name, str(found["id"]), str(found.get("status") or ""),
                            found.get("send_at") if isinstance(found.get("send_at"), str) else None)

    def record(self, step: PlanStep, result: RemoteObject, now: dt.datetime | None = None) -> None:
        """One completed step: the object's id and state, and the step, written before the next begins."""
        at = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
        self.data["objects"][step.key] = {"kind": result.kind, "name": result.name, "id": result.id,
                                          "status": result.status, "send_at": result.send_at}
        self.data["steps"].append({"at": at, "locale": step.locale, "action": step.action, "kind": step.kind,
                                   "name": step.name, "id": result.id})
        write_file_atomic(self.path, (json.dumps(self.data, ensure_ascii=False, indent=2) + "\n").encode())


def _read(path: Path) -> dict:
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    ok = isinstance(data, dict) and isinstance(data.get("objects"), dict) and isinstance(data.get("steps"), list)
    return data if ok else {}
