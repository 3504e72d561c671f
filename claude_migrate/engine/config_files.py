"""Config and data files (.env, YAML, JSON, TOML, INI): model IDs found in the text, fixed by exact replacement.

Only the model-ID rules apply here (rules whose kind has a judge in :mod:`claude_migrate.kinds.model_id_judges`).
The scanner reads lines, skips whole-line comments, and replaces exactly the characters of each ID,
so every other byte of the file stays as it was. No libcst: a config file never pays for the parser.
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING

from claude_migrate.data.rule_data import RuleData
from claude_migrate.analysis.options import RunOptions
from claude_migrate.data.findings import (
    MAX_FIX_PASSES, Edit, Finding, Fix, FixOutcome, Position, apply_edits, choose_fixes, weakest,
)
from claude_migrate.kinds.model_id_judges import ID_JUDGES, IdJudge, Verdict, site_region
from claude_migrate.engine.source import FixedPointError, SourceError

if TYPE_CHECKING:
    from claude_migrate.data.rules import RuleSpec

COMMENT_MARKS = {"env": ("#",), "yaml": ("#",), "toml": ("#",), "ini": ("#", ";"), "json": ("//",)}
# AWS Region names written anywhere in the file (``AWS_REGION=eu-west-1``, ``region: us-east-1``).
_REGION = re.compile(r"(?<![\w-])(?:us-gov|us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d(?![\w-])")


def id_rules(rules: list[RuleSpec] | tuple[RuleSpec, ...]) -> list[RuleSpec]:
    """The selected rules that apply to config files: those of the model-ID kinds."""
    return [rule for rule in rules if rule.kind in ID_JUDGES]


def _parses(file_type: str, text: str) -> bool:
    """Whether ``text`` is a valid file of its type (.env files have no grammar to check)."""
    try:
        if file_type == "json":
            json.loads(text)
        elif file_type == "toml":
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - exercised on Python 3.10 only
                import tomli as tomllib
            tomllib.loads(text)
        elif file_type == "yaml":
            import yaml

            list(yaml.safe_load_all(text))
        elif file_type == "ini":
            import configparser

            configparser.RawConfigParser(strict=False, interpolation=None).read_string(text)
    except Exception:  # noqa: BLE001 - each parser has its own error types; any of them means "does not parse"
        return False
    return True


class ConfigScanner:
    """The model-ID rules over the lines of config files of one type; one instance serves a whole run."""

    def __init__(self, data: RuleData, rules: list[RuleSpec], options: RunOptions, file_type: str) -> None:
        self.data = data
        self.options = options
        self.file_type = file_type
        self.comment_marks = COMMENT_MARKS.get(file_type, ("#",))
        self.judges: list[IdJudge] = [ID_JUDGES[rule.kind](rule, data, options) for rule in id_rules(rules)]

    def check(self, path: str, text: str) -> list[Finding]:
        lines = [(number, line) for number, line in enumerate(text.split("\n"), start=1)
                 if not line.lstrip().startswith(self.comment_marks)]
        regions = {match.group() for _, line in lines for match in _REGION.finditer(line)}

        def region() -> tuple[str | None, str]:
            return site_region(self.options, self.data, lambda: None, regions)

        findings = []
        for number, line in lines:
            for hit in self.data.matcher.find(line):
                for judge in self.judges:
                    if (verdict := judge.judge(hit, region, self.judges)) is not None:
                        findings.append(self._finding(path, number, judge.spec, verdict))
        return sorted(findings, key=lambda f: f.sort_key)

    @staticmethod
    def _finding(path: str, line: int, rule: RuleSpec, verdict: Verdict) -> Finding:
        rewrite = verdict.fix
        safety = weakest(rule.fix, rewrite.safety) if rewrite else "manual"
        first = verdict.hit.start if rewrite is None or rewrite.start is None else rewrite.start
        start, end = Position(line, first), Position(line, verdict.hit.end)
        fix = Fix(safety, (Edit(start, end, rewrite.text),)) if rewrite and safety != "manual" else None
        return Finding(path, rule.code, rule.name, verdict.severity or rule.severity,
                       rule.render(**verdict.message_values()),
                       start, end, fix)

    def fix(self, path: str, text: str, safeties: frozenset[str]) -> FixOutcome:
        """Apply fixes until none applies; refuse a result that no longer parses as the file's type."""
        fixed: list[Finding] = []
        current = text
        for _ in range(MAX_FIX_PASSES):
            findings = self.check(path, current)
            chosen = choose_fixes(findings, safeties)
            if not chosen:
                if current != text and _parses(self.file_type, text) and not _parses(self.file_type, current):
                    raise SourceError(f"a fix produced a file that does not parse as {self.file_type.upper()}; "
                                      "the file was left unchanged")
                return FixOutcome(current, findings, fixed)
            edits: list[Edit] = []
            for index in chosen:
                fix = findings[index].fix
                assert fix is not None  # choose_fixes picks only findings that have a fix
                edits.extend(fix.edits)
            current = apply_edits(current, edits)
            fixed.extend(findings[index] for index in chosen)
        raise FixedPointError(f"fixes did not settle after {MAX_FIX_PASSES} passes; the file was left unchanged")
