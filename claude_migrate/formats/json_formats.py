"""Machine-readable findings: ``json`` (one list) and ``json-lines`` (one object a line), with fix edits and safety."""

from __future__ import annotations

import json

from claude_migrate.run.api import Mode, RunResult
from claude_migrate.formats.base import register
from claude_migrate.formats.report import finding_dict, reported


@register("json", machine=True)
def render_json(result: RunResult, mode: Mode) -> str:
    return json.dumps([finding_dict(f) for f in reported(result)], indent=2) + "\n"


@register("json-lines", machine=True)
def render_json_lines(result: RunResult, mode: Mode) -> str:
    return "".join(json.dumps(finding_dict(f)) + "\n" for f in reported(result))
