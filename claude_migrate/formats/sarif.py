"""SARIF 2.1.0 for code-scanning upload: rule metadata with help, results with locations and ``fixes``."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from claude_migrate import __version__
from claude_migrate.run.api import Mode, RunResult
from claude_migrate.data.findings import Finding, Position
from claude_migrate.formats.base import register
from claude_migrate.formats.report import NOT_PROCESSED, reported
from claude_migrate.data.rules import RuleSpec

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
ROOT = "%SRCROOT%"


def _artifact(path: str) -> dict[str, str]:
    """A path below the working directory is relative to %SRCROOT% (what code scanning expects); others are file URIs."""
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(Path.cwd())
    except ValueError:
        return {"uri": absolute.as_uri()}
    return {"uri": quote(os.fsencode(relative.as_posix())), "uriBaseId": ROOT}  # bytes: a name need not be UTF-8


def _region(start: Position, end: Position) -> dict[str, int]:
    return {"startLine": start.line, "startColumn": start.column + 1, "endLine": end.line, "endColumn": end.column + 1}


def _help(rule: RuleSpec) -> dict[str, str]:
    examples = "\n\n".join(f"Before:\n\n```python\n{e.before.rstrip()}\n```\n\nAfter:\n\n```python\n{e.after.rstrip()}\n```"
                           for e in rule.examples)
    sources = "\n".join(f"- {source}" for source in rule.sources)
    why = " ".join(rule.why.split())
    return {"text": f"{why} Run `claude-migrate rule {rule.code}` for examples.",
            "markdown": f"{why}\n\n{examples}\n\nSources:\n\n{sources}"}


def _rule(rule: RuleSpec) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": " ".join(rule.why.split())},
        "help": _help(rule),
        "helpUri": rule.sources[0],
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"fix": rule.fix},
    }


def _fixes(finding: Finding) -> list[dict[str, Any]]:
    if finding.fix is None:
        return []
    replacements = [{"deletedRegion": _region(edit.start, edit.end), "insertedContent": {"text": edit.content}}
                    for edit in finding.fix.edits]
    return [{"description": {"text": f"{finding.fix.safety} fix"},
             "artifactChanges": [{"artifactLocation": _artifact(finding.path), "replacements": replacements}]}]


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact(finding.path),
                                            "region": _region(finding.start, finding.end)}}],
        "properties": {"fixSafety": finding.fix.safety if finding.fix else "manual",
                       **({"role": finding.role} if finding.role else {})},
    }
    if fixes := _fixes(finding):
        result["fixes"] = fixes
    return result


def _not_processed_rule() -> dict[str, Any]:
    code, name = NOT_PROCESSED
    return {"id": code, "name": name, "shortDescription": {"text": "A file that could not be read, parsed or written."},
            "defaultConfiguration": {"level": "error"}, "properties": {"fix": "manual"}}


@register("sarif", machine=True)
def render_sarif(result: RunResult, mode: Mode) -> str:
    rules = [_rule(rule) for rule in result.rules] + ([_not_processed_rule()] if result.errors else [])
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    notifications = [{"level": "error", "message": {"text": f"{file.path}: {file.error}"},
                      "locations": [{"physicalLocation": {"artifactLocation": _artifact(file.path)}}]}
                     for file in result.errors]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "claude-migrate", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "originalUriBaseIds": {ROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": not result.errors,
                             "toolExecutionNotifications": notifications}],
            "results": [_result(f, index) for f in reported(result)],
        }],
    }
    return json.dumps(log, indent=2) + "\n"
