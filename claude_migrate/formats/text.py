"""Human-readable formats: ``text`` shows each finding with its source line and what fixes it; ``concise`` one line each."""

from __future__ import annotations

from pathlib import Path

from claude_migrate.run.api import Mode, RunResult
from claude_migrate.data.findings import Finding
from claude_migrate.formats.base import register
from claude_migrate.formats.report import finding_line
from claude_migrate.engine.source import ReadError, physical_lines, read_source

FIX_HELP = {
    "safe": "safe fix: `claude-migrate fix` applies it",
    "unsafe": "unsafe fix: `claude-migrate fix --unsafe-fixes` applies it; review the change",
}


def _diffs(result: RunResult) -> list[str]:
    return [file.diff.rstrip("\n") for file in result.files if file.diff]


def _lines(path: str) -> list[str]:
    try:
        return [line.rstrip("\r\n") for line in physical_lines(read_source(Path(path)).text)]
    except ReadError:
        return []


def _excerpt(finding: Finding, lines: list[str]) -> list[str]:
    """The finding's first source line with its span underlined, as Ruff shows it."""
    if finding.location_prefix or not 0 < finding.start.line <= len(lines):
        return []
    line = lines[finding.start.line - 1].replace("\t", " ")
    end = finding.end.column if finding.end.line == finding.start.line else len(line)
    number = str(finding.start.line)
    gutter = " " * len(number)
    underline = " " * finding.start.column + "^" * max(1, end - finding.start.column)
    return [f"{gutter} |", f"{number} | {line}", f"{gutter} | {underline}"]


def _help(finding: Finding) -> str:
    if finding.fix is not None:
        return FIX_HELP[finding.fix.safety]
    return f"no automatic fix: a human decides (see `claude-migrate rule {finding.code}`)"


@register("text", machine=False)
def render_text(result: RunResult, mode: Mode) -> str:
    blocks = []
    sources: dict[str, list[str]] = {}
    for finding in result.findings:
        # After --diff or --add-ignore, positions are in text that is not (or no longer) on disk: no excerpt.
        on_disk = mode in (Mode.CHECK, Mode.FIX)
        lines = sources.setdefault(finding.path, _lines(finding.path)) if on_disk else []
        excerpt = _excerpt(finding, lines)
        pad = " " * (len(excerpt[0]) - 1) if excerpt else "  "
        blocks.append("\n".join([finding_line(finding), *excerpt, f"{pad}= {_help(finding)}"]))
    blocks.extend(_diffs(result))
    return "".join(block + "\n\n" for block in blocks)


@register("concise", machine=False)
def render_concise(result: RunResult, mode: Mode) -> str:
    lines = [finding_line(f) for f in result.findings] + _diffs(result)
    return "".join(line + "\n" for line in lines)
