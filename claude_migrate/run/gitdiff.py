"""Pull-request mode: which lines the work tree adds or changes relative to a git revision.

``git diff --unified=0 REF`` (work tree against REF, renames followed) gives the added line ranges of
every changed file; files git does not track yet count as new in full. Findings are kept only where
they touch such a line, so a pull request is judged on what it adds.
"""

from __future__ import annotations

import codecs
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from claude_migrate.data.errors import UsageError
from claude_migrate.data.findings import Finding

HUNK = re.compile(r"@@ -\d+(?:,(?P<old>\d+))? \+(?P<start>\d+)(?:,(?P<new>\d+))? @@")


@dataclass(frozen=True)
class ChangedLines:
    root: Path
    added: dict[str, set[int]]  # path relative to root (POSIX) -> added or changed line numbers
    untracked: frozenset[str]

    def _key(self, path: str) -> str:
        return Path(os.path.relpath(os.path.realpath(path), self.root)).as_posix()

    def has_file(self, path: str) -> bool:
        """Whether the file has an added or changed line: only such files need to be analysed."""
        key = self._key(path)
        return key in self.untracked or bool(self.added.get(key))

    def touches(self, finding: Finding) -> bool:
        key = self._key(finding.path)
        if key in self.untracked:
            return True
        lines = self.added.get(key, set())
        if finding.location_prefix:  # lines inside a notebook cell are not lines of the file
            return bool(lines)
        return any(line in lines for line in range(finding.start.line, finding.end.line + 1))


def _git(args: list[str], cwd: Path, base: str, failure: str | None = None) -> str:
    """Git's output; a failure becomes one line: ``failure`` if given, else git's own last line."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                              errors="surrogateescape")
    except FileNotFoundError:
        raise UsageError(f"--diff-base {base}: git is not installed or not on PATH") from None
    if done.returncode != 0:
        errors = done.stderr.strip().splitlines()
        raise UsageError(f"--diff-base {base}: {failure or (errors[-1].removeprefix('fatal: ') if errors else f'git {args[0]} failed')}")
    return done.stdout


def _path(header: str) -> str:
    """The path of a ``+++ b/...`` line: C-quoted when it holds odd characters, tab-terminated when it has spaces."""
    name = header.rstrip("\t")
    if name.startswith('"') and name.endswith('"'):
        name = codecs.escape_decode(name[1:-1].encode("utf-8", "surrogateescape"))[0].decode("utf-8", "surrogateescape")
    return name[2:]  # the b/ prefix


def parse_diff(diff: str) -> dict[str, set[int]]:
    """Added line numbers per new path from ``git diff --unified=0`` output."""
    added: dict[str, set[int]] = {}
    current: set[int] | None = None
    pending = 0  # hunk body lines still to skip, so a line like "+++ x" is never read as a header
    for line in diff.split("\n"):
        if pending:
            pending -= 0 if line.startswith("\\") else 1
        elif line.startswith("+++ "):
            current = None if line == "+++ /dev/null" else added.setdefault(_path(line[4:]), set())
        elif (match := HUNK.match(line)) and current is not None:
            start, new = int(match["start"]), int(match["new"] or 1)
            current.update(range(start, start + new))
            pending = new + int(match["old"] or 1)
    return added


def changed_lines(base: str, start: Path) -> ChangedLines:
    """What the work tree around ``start`` adds relative to ``base``; a clear UsageError without git or revision."""
    if not base or base.startswith("-"):
        raise UsageError(f"--diff-base {base}: expected a git revision such as origin/main")
    root = Path(_git(["rev-parse", "--show-toplevel"], start, base).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{base}^{{commit}}"], root, base,
         failure=f"no such commit in the git repository at {root}")
    diff = _git(["-c", "core.quotePath=false", "diff", "--unified=0", "--no-color", "--no-ext-diff",
                 "--find-renames", "--src-prefix=a/", "--dst-prefix=b/", base, "--"], root, base)
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], root, base)
    return ChangedLines(Path(os.path.realpath(root)), parse_diff(diff), frozenset(filter(None, untracked.split("\0"))))
