"""Render run results: Ruff-style text lines and a JSON list of findings with their fixes."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from claude_migrate.api import Mode, RunResult
from claude_migrate.findings import Finding


def finding_line(finding: Finding) -> str:
    mark = " [*]" if finding.fix and finding.fix.safety == "safe" else ""
    location = f"{finding.path}:{finding.location_prefix}{finding.start.line}:{finding.start.column + 1}"
    return f"{location}: {finding.code}{mark} {finding.message}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_lines(result: RunResult, mode: Mode) -> list[str]:
    findings, fixed, errors = result.findings, result.fixed, result.errors
    lines = []
    safe = sum(1 for f in findings if f.fix and f.fix.safety == "safe")
    unsafe = sum(1 for f in findings if f.fix and f.fix.safety == "unsafe")
    if mode is Mode.CHECK:
        if findings:
            text = f"Found {_plural(len(findings), 'finding')}"
            extras = []
            if safe:
                extras.append(f"{safe} fixable with `claude-migrate fix`")
            if unsafe:
                extras.append(f"{unsafe} more with `--unsafe-fixes`")
            lines.append(text + (f" ({'; '.join(extras)})." if extras else "."))
        else:
            lines.append("All checks passed!")
    else:
        changed = sum(1 for r in result.files if r.changed)
        verb = "Would fix" if mode is Mode.DIFF else "Fixed"
        lines.append(f"{verb} {_plural(len(fixed), 'finding')} in {_plural(changed, 'file')}; "
                     f"{len(findings)} remaining" + (f" ({unsafe} fixable with `--unsafe-fixes`)." if unsafe else "."))
    if errors:
        lines.append(f"{_plural(len(errors), 'file')} could not be processed.")
    return lines


def render_text(result: RunResult, mode: Mode) -> str:
    lines = [finding_line(f) for f in result.findings]
    for file in result.files:
        if file.diff:
            lines.append(file.diff.rstrip("\n"))
    return "\n".join(lines) + ("\n" if lines else "")


def finding_dict(finding: Finding) -> dict[str, Any]:
    fix = None
    if finding.fix is not None:
        fix = {
            "safety": finding.fix.safety,
            "edits": [{
                "start": {"line": e.start.line, "column": e.start.column + 1},
                "end": {"line": e.end.line, "column": e.end.column + 1},
                "content": e.content,
            } for e in finding.fix.edits],
        }
    return {
        "path": finding.path,
        **({"cell": finding.cell} if finding.cell is not None else {}),  # notebooks: line and column are in the cell
        "line": finding.start.line,
        "column": finding.start.column + 1,
        "end_line": finding.end.line,
        "end_column": finding.end.column + 1,
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "fix_safety": finding.fix.safety if finding.fix else "manual",
        "fix": fix,
    }


def render_json(result: RunResult) -> str:
    return json.dumps([finding_dict(f) for f in result.findings], indent=2) + "\n"


def statistics_lines(result: RunResult) -> list[str]:
    counts = Counter(f.code for f in result.findings)
    names = {f.code: f.name for f in result.findings}
    fixable = {f.code for f in result.findings if f.fix and f.fix.safety == "safe"}
    return [f"{count:5d}\t{code}\t{'[*]' if code in fixable else '[ ]'} {names[code]}"
            for code, count in counts.most_common()]
