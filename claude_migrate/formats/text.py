"""Human-readable formats: ``text`` shows each finding with its source line and what fixes it; ``concise`` one line each."""

from __future__ import annotations

import re
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


def _lines(path: str) -> dict[int, str]:
    """The file's lines as it is on disk: for results the stat index answered without reading the file."""
    try:
        return {number: line.rstrip("\r\n")
                for number, line in enumerate(physical_lines(read_source(Path(path)).text), start=1)}
    except ReadError:
        return {}


CONTEXT = 40  # characters of a long line shown on each side of a finding's span, as Ruff does
MAX_SPAN = 120  # at most this much of the span itself
# Values that look like credentials: Anthropic, OpenAI and AWS keys, and long key-like tokens after "key"/"token".
SECRET = re.compile(r"sk-ant-[\w-]{8,}|sk-[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA)[0-9A-Z]{16}"
                    r"|(?i:(?<=key)|(?<=token)|(?<=secret)|(?<=password))([\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9/+_.-]{16,}")


def redact(text: str) -> str:
    """``text`` with anything that looks like a secret starred out, keeping its length (and so every column),
    so that CI logs do not echo a key that happens to stand on a finding's line."""
    def stars(match: re.Match[str]) -> str:
        keep = len(match.group(1)) if match.group(1) is not None else 4
        return match.group()[:keep] + "*" * (len(match.group()) - keep)

    return SECRET.sub(stars, text)


def _excerpt(finding: Finding, lines: dict[int, str]) -> list[str]:
    """The finding's first source line with its span underlined, as Ruff shows it: only a window around the span
    of a long line (a 2.4 MB one-line JSON printed whole for each finding made 177 MB), with secrets starred."""
    if finding.location_prefix or finding.start.line not in lines:
        return []
    line = lines[finding.start.line].replace("\t", " ")
    start = min(finding.start.column, len(line))
    end = finding.end.column if finding.end.line == finding.start.line else len(line)
    end = max(start + 1, min(end, start + MAX_SPAN))
    left, right = max(0, start - CONTEXT), min(len(line), end + CONTEXT)
    around = max(0, left - MAX_SPAN)  # a secret that starts before the window is still recognised
    shown = redact(line[around:min(len(line), right + MAX_SPAN)])[left - around:right - around]
    head, tail = ("…" if left else ""), ("…" if right < len(line) else "")
    number = str(finding.start.line)
    gutter = " " * len(number)
    underline = " " * (len(head) + start - left) + "^" * (end - start)
    return [f"{gutter} |", f"{number} | {head}{shown}{tail}", f"{gutter} | {underline}"]


def _help(finding: Finding) -> str:
    if finding.fix is not None:
        return FIX_HELP[finding.fix.safety]
    return f"no automatic fix: a human decides (see `claude-migrate rule {finding.code}`)"


@register("text", machine=False)
def render_text(result: RunResult, mode: Mode) -> str:
    blocks = []
    sources = {file.path: file.lines for file in result.files if file.lines}
    for finding in result.findings:
        # The lines come with the results (as analysed: after --diff, text that is not on disk); only a result the
        # stat index gave without reading the file needs the file, and after --add-ignore it has changed.
        if finding.path not in sources:
            sources[finding.path] = _lines(finding.path) if mode in (Mode.CHECK, Mode.FIX) else {}
        lines = sources[finding.path]
        excerpt = _excerpt(finding, lines)
        pad = " " * (len(excerpt[0]) - 1) if excerpt else "  "
        blocks.append("\n".join([finding_line(finding), *excerpt, f"{pad}= {_help(finding)}"]))
    blocks.extend(_diffs(result))
    return "".join(block + "\n\n" for block in blocks)


@register("concise", machine=False)
def render_concise(result: RunResult, mode: Mode) -> str:
    lines = [finding_line(f) for f in result.findings] + _diffs(result)
    return "".join(line + "\n" for line in lines)
