"""What a run does to each file (check, fix, diff) and what it found there."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from claude_migrate.data.findings import Finding


class Mode(str, Enum):
    CHECK = "check"
    FIX = "fix"
    DIFF = "diff"
    ADD_IGNORE = "add-ignore"


@dataclass
class FileResult:
    path: str
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    error: str | None = None
    diff: str = ""
    changed: bool = False
    suppressed: list[Finding] = field(default_factory=list)  # check --add-ignore: now silenced by a new comment
    lines: dict[int, str] = field(default_factory=dict)  # the source lines the findings point at, as analysed


@dataclass
class RunStats:
    """How much work a run did: what the summary line reports and the benchmark reads."""

    scanned: int = 0  # files looked at (read, or known unchanged from the stat index)
    unread: int = 0  # files the stat index showed unchanged since the last run, so not read at all
    candidates: int = 0  # files holding a trigger token
    parsed: int = 0  # candidates parsed in this run (not those holding nothing a rule could report)
    cached: int = 0  # candidates whose results came from the cache
    processes: int = 0  # processes that analysed files: 1 (this one) or the workers used; 0 if none
    seconds: float = 0.0


@dataclass
class Outcome:
    """What analysing one file's content gave: the same for every file with that content."""

    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    text: str | None = None  # the fixed text, when fixing changed it
    error: str | None = None

    def at(self, path: str) -> Outcome:
        """The same outcome with its findings placed in ``path`` (cached outcomes are path-free)."""
        return replace(self, findings=[replace(f, path=path) for f in self.findings],
                       fixed=[replace(f, path=path) for f in self.fixed])
