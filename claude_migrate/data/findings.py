"""What a run reports: findings with their location, message and optional fix."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LF = re.compile("\n")
PYTHON_LINE_BREAKS = re.compile(r"\r\n|\r|\n")  # how Python and libcst count lines
SEVERITIES = ("error", "warning", "info")
SAFETY_ORDER = ("safe", "unsafe", "manual")


def weakest(*safeties: str) -> str:
    """The least safe of several fix safeties: a report can lower a rule's safety, never raise it."""
    return max(safeties, key=SAFETY_ORDER.index)


@dataclass(frozen=True, order=True)
class Position:
    line: int  # 1-based
    column: int  # 0-based, in characters


@dataclass(frozen=True)
class Edit:
    start: Position
    end: Position
    content: str


@dataclass(frozen=True)
class Fix:
    safety: str  # "safe" or "unsafe"
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Finding:
    path: str
    code: str
    name: str
    severity: str
    message: str
    start: Position
    end: Position
    fix: Fix | None = None
    location_prefix: str = field(default="", compare=False)  # e.g. "cell 3:" for notebooks
    role: str = ""  # a model ID's role: request, configuration, comparison, catalogue, test expectation, unknown
    subject: str = field(default="", compare=False)  # the model ID as written, for grouping coupled uses

    @property
    def cell(self) -> int | None:
        """The 1-based notebook cell of a finding in a notebook (``location_prefix`` "cell N:"), else None."""
        number = self.location_prefix.removeprefix("cell ").removesuffix(":")
        return int(number) if self.location_prefix.startswith("cell ") and number.isdigit() else None

    @property
    def sort_key(self) -> tuple[str, int, str, Position, str]:
        return (self.path, self.cell or 0, self.location_prefix, self.start, self.code)


MAX_FIX_PASSES = 10


@dataclass
class FixOutcome:
    text: str
    remaining: list[Finding]
    fixed: list[Finding]


def choose_fixes(findings: list[Finding], safeties: frozenset[str]) -> list[int]:
    """Indexes of the findings whose fixes one pass applies: allowed safety, no edit overlapping an earlier one."""
    taken: list[tuple[Position, Position]] = []
    chosen = []
    for index, finding in enumerate(findings):
        if finding.fix is None or finding.fix.safety not in safeties:
            continue
        spans = [(edit.start, edit.end) for edit in finding.fix.edits]
        if any(start < other_end and other_start < end for start, end in spans for other_start, other_end in taken):
            continue
        taken.extend(spans)
        chosen.append(index)
    return chosen


def apply_edits(text: str, edits: list[Edit], line_breaks: re.Pattern[str] = LF) -> str:
    """``text`` with each edit's range replaced by its content; edits must not overlap. ``line_breaks`` are what
    the edits' line numbers count: LF in config files (as they are read), CR, LF and CRLF in Python."""
    starts = [0, *(match.end() for match in line_breaks.finditer(text))]

    def offset(position: Position) -> int:
        return starts[position.line - 1] + position.column

    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[:offset(edit.start)] + edit.content + text[offset(edit.end):]
    return text
