"""A migration report for a reviewer: totals per rule and per file, what was or can be fixed, what needs a human."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from claude_migrate.run.api import Mode, RunResult
from claude_migrate.data.findings import Finding
from claude_migrate.formats.base import register
from claude_migrate.formats.report import finding_location, plural

COLUMNS = ("fixed", "safe fix", "unsafe fix", "needs a human")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _state(finding: Finding) -> str:
    return finding.fix.safety + " fix" if finding.fix else "needs a human"


def _table(header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(str(cell)) for cell in row) + " |" for row in rows]
    return lines + [""]


def _counts(fixed: list[Finding], remaining: list[Finding], key: str) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for finding in fixed:
        counts[getattr(finding, key), "fixed"] += 1
    for finding in remaining:
        counts[getattr(finding, key), _state(finding)] += 1
    return counts


def _rows(keys: list[str], counts: Counter[tuple[str, str]]) -> list[tuple[object, ...]]:
    return [(key, sum(counts[key, c] for c in COLUMNS), *(counts[key, c] for c in COLUMNS)) for key in keys]


@register("markdown", machine=True)
def render_markdown(result: RunResult, mode: Mode) -> str:
    fixed, remaining = result.fixed, result.findings
    everything = fixed + remaining
    fixed_word = "would be fixed" if mode is Mode.DIFF else "fixed"
    totals = Counter(_state(f) for f in remaining)
    lines = ["# claude-migrate report", "",
             f"{plural(len(everything), 'finding')} in {plural(len({f.path for f in everything}), 'file')}: "
             f"{len(fixed)} {fixed_word}, "
             f"{totals['safe fix']} with a safe fix (`claude-migrate fix`), {totals['unsafe fix']} with an unsafe fix "
             f"(`claude-migrate fix --unsafe-fixes`), {totals['needs a human']} need a human.", ""]
    if everything:
        names = {f.code: f.name for f in everything}
        codes = sorted(names)
        by_rule = _counts(fixed, remaining, "code")
        lines += ["## Per rule", ""]
        lines += _table(("rule", "name", "findings", *COLUMNS),
                        [(row[0], names[str(row[0])], *row[1:]) for row in _rows(codes, by_rule)])
        lines += ["## Per file", ""]
        lines += _table(("file", "findings", *COLUMNS), _rows(sorted({f.path for f in everything}),
                                                               _counts(fixed, remaining, "path")))
    manual = [f for f in remaining if f.fix is None]
    if manual:
        lines += ["## Needs a human", ""]
        lines += [f"- `{finding_location(f)}` **{f.code}** {_cell(f.message)} "
                  f"(why and examples: `claude-migrate rule {f.code}`)" for f in manual]
        lines.append("")
    fixable = [f for f in remaining if f.fix is not None]
    if fixable:
        lines += ["## Fixable", ""]
        lines += [f"- `{finding_location(f)}` **{f.code}** ({f.fix.safety}) {_cell(f.message)}"
                  for f in fixable if f.fix is not None]
        lines.append("")
    if result.errors:
        lines += ["## Could not be processed", ""]
        lines += [f"- `{file.path}`: {_cell(file.error or '')}" for file in result.errors]
        lines.append("")
    return "\n".join(lines)
