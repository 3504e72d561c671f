"""What the run adds to the ``sdk-request`` rules' findings once every file is analysed.

One finding on the requirement line of a dependency file whose range allows both sides of an SDK break that
the checked code hits: ``anthropic>=0.40`` installs 0.x on one machine and 2.x on the next. The findings at the
calls say what fails on the newer side; this one says that the project has not chosen a side, once, where the
choice is written. A range the calls do not care about gets nothing.

And where no dependency file names the package (nor ``--sdk-version``), the findings of the rules that depend
on the version are taken out and counted in one warning: a call that fails only on some versions is not an
error of code whose version nobody chose, but the run says how many it could not judge, once, not per call."""

from __future__ import annotations

import os
from dataclasses import replace
from collections.abc import Callable, Sequence
from pathlib import Path

from claude_migrate.data.findings import Finding, Position
from claude_migrate.data.rules import RuleSpec
from claude_migrate.data.sdk_versions import RANGE_KIND, SdkRequirement, straddles, version_dependent
from claude_migrate.run.results import FileResult

ScopeOf = Callable[[str], "tuple[SdkRequirement | None, Sequence[RuleSpec]]"]
"""The SDK requirement and the selected rules that apply to a checked file."""


def _break(rule: RuleSpec) -> str:
    return str(rule.params["sdk"]).lstrip(">=")


def _span(text: str) -> tuple[int, int]:
    """The requirement on its line: from the first character to the end of the text before a comment."""
    body = text.split("#", 1)[0].rstrip().rstrip(",").rstrip()
    return len(text) - len(text.lstrip()), max(len(body), len(text) - len(text.lstrip()))


def _shown_like(file: str, example: str) -> str:
    """The dependency file's path written as the run writes the checked file's (relative or absolute)."""
    return file if os.path.isabs(example) else os.path.relpath(file)


def unknown_sdk(results: list[FileResult], scope_of: ScopeOf) -> tuple[list[FileResult], str | None]:
    """``results`` without the version-dependent findings of files whose SDK version is unknown, and the one
    warning that counts them (None when there are none)."""
    counts: dict[str, int] = {}
    files = 0
    kept = []
    for result in results:
        sdk, rules = scope_of(result.path)
        dependent = {rule.code for rule in rules if version_dependent(rule.kind, rule.params)}
        unjudged = [f for f in result.findings if f.code in dependent] if sdk is None else []
        if unjudged:
            files += 1
            for finding in unjudged:
                counts[finding.code] = counts.get(finding.code, 0) + 1
            result = replace(result, findings=[f for f in result.findings if f not in unjudged])
        kept.append(result)
    if not counts:
        return results, None
    total = sum(counts.values())
    per_rule = ", ".join(f"{code} {count}" for code, count in sorted(counts.items()))
    return kept, (f"the anthropic version is unknown for {files} file{'s' if files > 1 else ''} (no dependency file "
                  f"names anthropic): {total} call{'s' if total > 1 else ''} that "
                  f"{'fail' if total > 1 else 'fails'} on some versions {'are' if total > 1 else 'is'} not reported ({per_rule}); pin anthropic in the project's "
                  "dependency files or pass --sdk-version")


def _calls(found: list[Finding]) -> str:
    """The codes and the places of the calls that hit one break: "CM501, CM502 at app.py lines 10, 17"."""
    lines: dict[str, list[int]] = {}
    for finding in sorted(found, key=lambda f: f.sort_key):
        lines.setdefault(finding.path, []).append(finding.start.line)
    places = "; ".join(f"{path} line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"
                       for path, numbers in lines.items())
    return f"{', '.join(sorted({f.code for f in found}))} at {places}"


def range_findings(results: list[FileResult], scope_of: ScopeOf) -> list[FileResult]:
    """``results`` with a finding of the ``sdk-range`` rule added on each requirement line concerned."""
    hits: dict[tuple[str, int], tuple[SdkRequirement, RuleSpec, str, dict[str, list[Finding]]]] = {}
    for result in results:
        sdk, rules = scope_of(result.path)
        range_rule = next((rule for rule in rules if rule.kind == RANGE_KIND), None)
        if sdk is None or not sdk.file or range_rule is None:
            continue
        breaking = {rule.code: rule for rule in rules if version_dependent(rule.kind, rule.params)
                    and straddles(sdk.specifier, rule.params["sdk"])}
        for finding in result.findings:
            if finding.code in breaking:
                entry = hits.setdefault((sdk.file, sdk.line), (sdk, range_rule, result.path, {}))
                entry[3].setdefault(_break(breaking[finding.code]), []).append(finding)
    if not hits:
        return results
    by_file = {Path(result.path).resolve(): result for result in results}
    added = []
    for (file, line), (sdk, rule, example, by_break) in sorted(hits.items()):
        text = Path(file).read_text(errors="replace").splitlines()[line - 1]
        start, end = _span(text)
        breaks = " and ".join(f"{version} ({_calls(found)})" for version, found in sorted(by_break.items()))
        result = by_file.get(Path(file))
        if result is None:
            result = by_file[Path(file)] = FileResult(_shown_like(file, example))
            added.append(result)
        result.findings.append(Finding(result.path, rule.code, rule.name, rule.severity, rule.render(
            requirement=text[start:end].strip("'\""), breaks=breaks, pin=f"anthropic<{min(by_break)}"),
            Position(line, start), Position(line, end)))
        result.findings.sort(key=lambda f: f.sort_key)
        result.lines[line] = text
    return [*results, *added]
