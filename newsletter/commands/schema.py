"""`newsletter schema`: the JSON Schema of issues and newsletter.yaml, written to schema/."""

from __future__ import annotations

from newsletter.commands import open_project
from newsletter.model.schema import schema_report, write_schemas
from newsletter.providers import AUDIENCES


def run(args) -> int:
    settings = open_project(args)
    print(schema_report(settings, write_schemas(settings.root, AUDIENCES)))
    return 0
