"""`claude-migrate report`: where a whole organisation stands, from many repositories' `check --output-format
json` results: per repository and per rule, what a plain `fix` changes, what needs `--unsafe-fixes` or a human,
and the nearest retirement dates of the models the code still names."""

from __future__ import annotations

import datetime
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from claude_migrate.data.errors import UsageError
from claude_migrate.data.rule_data import RuleData

SAFETIES = ("safe", "unsafe", "manual")


def load_results(paths: list[Path]) -> dict[str, list[dict[str, Any]]]:
    """Each file's findings, by repository (the file's name without ``.json``); a file that is not such a
    result is a UsageError naming it."""
    results: dict[str, list[dict[str, Any]]] = {}
    for path in paths:
        try:
            findings = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise UsageError(f"{path}: not a claude-migrate JSON result ({exc})") from None
        if not isinstance(findings, list) or not all(isinstance(f, dict) and "code" in f for f in findings):
            raise UsageError(f"{path}: not a claude-migrate JSON result (expected the list `check --output-format "
                             f"json` writes)")
        results[path.name.removesuffix(".json")] = findings
    return results


def _retirement(data: RuleData, subject: str) -> datetime.date | None:
    """The date the model an ID names is retired (or announced to be) on that ID's platform."""
    for hit in data.matcher.find(subject):
        if hit.known is not None:
            return hit.known.model.lifecycle(hit.known.platform).retired
    return None


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def fleet_report(results: dict[str, list[dict[str, Any]]], data: RuleData, as_of: datetime.date) -> str:
    lines = [f"# claude-migrate across {len(results)} repositories (as of {as_of})", "",
             "| repository | findings | fixed by `fix` | with `--unsafe-fixes` | needs a human | not processed |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, str] = {}
    repositories_of: dict[str, set[str]] = defaultdict(set)
    uses: dict[str, set[str]] = defaultdict(set)
    for repository, findings in sorted(results.items()):
        counts: Counter[str] = Counter()
        for finding in findings:
            code = str(finding["code"])
            safety = "error" if code == "CM000" else str(finding.get("fix_safety", "manual"))
            counts[safety] += 1
            by_rule[code][safety] += 1
            names[code] = str(finding.get("name", ""))
            repositories_of[code].add(repository)
            if finding.get("subject"):
                uses[str(finding["subject"])].add(repository)
        total = sum(counts.values()) - counts["error"]
        lines.append(f"| {_cell(repository)} | {total} | {counts['safe']} | {counts['unsafe']} | {counts['manual']} | "
                     f"{counts['error']} |")
    lines += ["", "| rule | name | findings | fixed by `fix` | with `--unsafe-fixes` | needs a human | repositories |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for code in sorted(by_rule):
        counts = by_rule[code]
        lines.append(f"| {code} | `{names[code]}` | {sum(counts.values())} | {counts['safe']} | {counts['unsafe']} | "
                     f"{counts['manual'] + counts['error']} | {len(repositories_of[code])} |")
    dated = sorted((date, subject) for subject in uses if (date := _retirement(data, subject)) is not None)
    if dated:
        lines += ["", "Retirement dates of the models the code still names, nearest first:", "",
                  "| date | | model ID | repositories |", "| --- | --- | --- | --- |"]
        for date, subject in dated:
            when = "retired" if date <= as_of else f"in {(date - as_of).days} days"
            lines.append(f"| {date} | {when} | `{subject}` | {', '.join(sorted(uses[subject]))} |")
    return "\n".join(lines) + "\n"
