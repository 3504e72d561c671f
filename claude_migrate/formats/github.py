"""GitHub Actions workflow commands, so findings show as annotations on the pull request."""

from __future__ import annotations

from claude_migrate.run.api import Mode, RunResult
from claude_migrate.data.findings import Finding
from claude_migrate.formats.base import register
from claude_migrate.formats.report import reported

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    """The message part of a workflow command: ``%``, CR and LF would end or corrupt the command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A ``key=value`` property: additionally ``:`` and ``,``, which separate the properties and the message."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, str | int], message: str) -> str:
    rendered = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {rendered}::{escape_data(message)}"


def _annotation(finding: Finding) -> str:
    properties: dict[str, str | int] = {
        "file": finding.path, "line": finding.start.line, "col": finding.start.column + 1,
        "endLine": finding.end.line, "endColumn": finding.end.column + 1, "title": finding.code,
    }
    fix = f" [{finding.fix.safety} fix available]" if finding.fix else ""
    return command(COMMANDS[finding.severity], properties, f"{finding.message}{fix}")


@register("github", machine=True)
def render_github(result: RunResult, mode: Mode) -> str:
    lines = [_annotation(f) for f in reported(result)]
    return "".join(line + "\n" for line in lines)
