"""What every output format shares: the Ruff-style finding line, the finding as a dict, the summary, statistics."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from claude_migrate.run.api import Mode, RunResult
from claude_migrate.data.findings import Finding, Position

# A file that could not be read, parsed or written: the machine formats report it like a finding (as Ruff does
# for syntax errors), so a CI step that annotates findings annotates it too.
NOT_PROCESSED = ("CM000", "file-not-processed")


def reported(result: RunResult) -> list[Finding]:
    """The findings, then one per file that could not be processed."""
    code, name = NOT_PROCESSED
    return [*result.findings, *(Finding(file.path, code, name, "error", f"could not be processed: {file.error}",
                                        Position(1, 0), Position(1, 0)) for file in result.errors)]


def finding_location(finding: Finding) -> str:
    return f"{finding.path}:{finding.location_prefix}{finding.start.line}:{finding.start.column + 1}"


def finding_line(finding: Finding) -> str:
    mark = " [*]" if finding.fix and finding.fix.safety == "safe" else ""
    return f"{finding_location(finding)}: {finding.code}{mark} {finding.message}"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_lines(result: RunResult, mode: Mode) -> list[str]:
    findings, fixed, errors = result.findings, result.fixed, result.errors
    lines = []
    safe = sum(1 for f in findings if f.fix and f.fix.safety == "safe")
    unsafe = sum(1 for f in findings if f.fix and f.fix.safety == "unsafe")
    if mode is Mode.ADD_IGNORE:
        suppressed = result.suppressed
        lines.append(f"Added suppression comments for {plural(len(suppressed), 'finding')} in "
                     f"{plural(len({f.path for f in suppressed}), 'file')}; {len(findings)} remaining.")
    elif mode is Mode.CHECK:
        if findings:
            text = f"Found {plural(len(findings), 'finding')}"
            extras = []
            if safe:
                extras.append(f"{safe} fixable with `claude-migrate fix`")
            if unsafe:
                extras.append(f"{unsafe} more with `--unsafe-fixes`")
            lines.append(text + (f" ({'; '.join(extras)})." if extras else "."))
        elif not errors:
            lines.append("All checks passed!")
        else:
            lines.append("No findings in the files that could be processed.")
    else:
        changed = sum(1 for r in result.files if r.changed)
        verb = "Would fix" if mode is Mode.DIFF else "Fixed"
        lines.append(f"{verb} {plural(len(fixed), 'finding')} in {plural(changed, 'file')}; "
                     f"{len(findings)} remaining" + (f" ({unsafe} fixable with `--unsafe-fixes`)." if unsafe else "."))
    if errors:
        lines.append(f"{plural(len(errors), 'file')} could not be processed.")
    return lines


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
        "role": finding.role or None,
        "subject": finding.subject or None,
        "fix": fix,
    }


def statistics(result: RunResult) -> list[dict[str, Any]]:
    """Counts per rule, most frequent first, with how many have a safe and an unsafe fix."""
    counts = Counter(f.code for f in result.findings)
    names = {f.code: f.name for f in result.findings}
    fixes = Counter((f.code, f.fix.safety) for f in result.findings if f.fix)
    return [{"code": code, "name": names[code], "count": count,
             "safe_fixes": fixes[code, "safe"], "unsafe_fixes": fixes[code, "unsafe"]}
            for code, count in counts.most_common()]


def render_statistics(result: RunResult, as_json: bool) -> str:
    rows = statistics(result)
    if as_json:
        return json.dumps(rows, indent=2) + "\n"
    lines = [f"{row['count']:5d}\t{row['code']}\t{'[*]' if row['safe_fixes'] else '[ ]'} {row['name']}"
             f"{_fix_counts(row)}" for row in rows]
    return "\n".join(lines or ["No findings."]) + "\n"


def _fix_counts(row: dict[str, Any]) -> str:
    parts = [f"{row[key]} {label}" for key, label in (("safe_fixes", "fixable"), ("unsafe_fixes", "unsafe-fixable"))
             if row[key]]
    return f" ({', '.join(parts)})" if parts else ""
