"""The closing summary of a run over many files: how much was scanned, parsed, cached and changed."""

from __future__ import annotations

from collections import Counter

from claude_migrate.run.api import Mode, RunResult


def scale_lines(result: RunResult, mode: Mode) -> list[str]:
    """Two lines for runs that scanned more than one file; none for a single file (the pre-commit case). After
    ``fix --diff`` nothing was written, so the counts say what would change."""
    stats = result.stats
    if stats.scanned <= 1:
        return []
    changed = sum(1 for file in result.files if file.changed)
    unread = f" ({stats.unread} unchanged since the last run, not read)" if stats.unread else ""
    processes = f" by {stats.processes} process{'es' if stats.processes > 1 else ''}" if stats.parsed else ""
    unparsed = stats.candidates - stats.parsed - stats.cached
    unparsed_note = f", {unparsed} needed no parse" if unparsed > 0 else ""
    would = "would change" if mode is Mode.DIFF else "changed"
    lines = [f"Scanned {stats.scanned} files in {stats.seconds:.2f} s{unread}: {stats.candidates} candidates, "
             f"{stats.parsed} parsed{processes}, {stats.cached} from cache{unparsed_note}, {changed} {would}."]
    found = Counter(f.code for f in result.findings)
    fixed = Counter(f.code for f in result.fixed)
    if found or fixed:
        done = "would fix" if mode is Mode.DIFF else "fixed"
        counts = [f"{code} {found[code] + fixed[code]}" + (f" ({fixed[code]} {done})" if fixed[code] else "")
                  for code in sorted(found | fixed)]
        lines.append(f"Findings by rule: {', '.join(counts)}.")
    return lines
