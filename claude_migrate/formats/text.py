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


def _lines(path: str) -> list[str]:
    try:
        return [line.rstrip("\r\n") for line in physical_lines(read_source(Path(path)).text)]
    except ReadError:
        return []


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


def _excerpt(finding: Finding, lines: list[str]) -> list[str]:
    """The finding's first source line with its span underlined, as Ruff shows it: only a window around the span
    of a long line (a 2.4 MB one-line JSON printed whole for each finding made 177 MB), with secrets starred."""
    if finding.location_prefix or not 0 < finding.start.line <= len(lines):
        return []
    line = lines[finding.start.line - 1].replace("\t", " ")
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
