"""The programmatic entry point: run the selected rules over paths and return structured results."""

from __future__ import annotations

import datetime
import difflib
import traceback
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from claude_migrate.catalogue import Platform
from claude_migrate.config import COMMAND_LINE, Settings
from claude_migrate.context import RuleData, RunOptions
from claude_migrate.discovery import discover
from claude_migrate.engine import Analyzer, FixedPointError, SourceError, parse
from claude_migrate.errors import UsageError
from claude_migrate.findings import Finding
from claude_migrate.loading import load_all_rules, load_rule_data
from claude_migrate.ruleset import RuleSpec
from claude_migrate.source import ReadError, SourceFile, WriteError, read_source, write_atomically
from claude_migrate.suppressions import add_ignores
from claude_migrate.targets import Target

if TYPE_CHECKING:
    from claude_migrate.bedrock_snapshot import BedrockSnapshot


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


@dataclass
class RunResult:
    files: list[FileResult]
    rules: list[RuleSpec]
    warnings: list[str]

    @property
    def findings(self) -> list[Finding]:
        return [f for result in self.files for f in result.findings]

    @property
    def fixed(self) -> list[Finding]:
        return [f for result in self.files for f in result.fixed]

    @property
    def suppressed(self) -> list[Finding]:
        return [f for result in self.files for f in result.suppressed]

    @property
    def errors(self) -> list[FileResult]:
        return [result for result in self.files if result.error]


def select_rules(rules: tuple[RuleSpec, ...], select: tuple[str, ...], ignore: tuple[str, ...]) -> list[RuleSpec]:
    """Rules whose code starts with a selected prefix (all when none) and with no ignored prefix."""
    for option, values in (("--select", select), ("--ignore", ignore)):
        for value in values:
            if value != "ALL" and not any(rule.code.startswith(value) for rule in rules):
                raise UsageError(f"{option} {value}: no rule code starts with '{value}' (see `claude-migrate rules`)")
    chosen = [rule for rule in rules
              if (not select or "ALL" in select or any(rule.code.startswith(s) for s in select))
              and not any(rule.code.startswith(i) for i in ignore if i != "ALL")]
    return [] if "ALL" in ignore else chosen


def target_warnings(data: RuleData, options: RunOptions) -> list[str]:
    """One line per target model that is deprecated or retired on a platform as of the run date."""
    lines = []
    for replacement in options.target.replace.values():
        model = replacement.model
        for platform in Platform:
            life = model.lifecycle(platform)
            state = life.state(options.as_of)
            if state == "active" or model.id_for(platform) is None:
                continue
            when = f"since {life.retired}" if state == "retired" else (
                f"retiring on {life.retired}" if life.retired else f"since {life.deprecated}")
            unconfirmed = " (unconfirmed)" if not life.confirmed else ""
            lines.append(f"{model.name} ({model.id_for(platform)}) is {state} on {platform.label} "
                         f"{when}{unconfirmed}")
    if not lines:
        return []
    live = [name for name in data.targets.live(options.as_of) if name != options.target.name]
    advice = f"targets whose models are all live on {options.as_of}: {', '.join(live) or 'none'}"
    return [f"target {options.target.name}: {'; '.join(dict.fromkeys(lines))}. {advice}"]


def _diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))


def _add_ignores(result: FileResult, source: SourceFile, analyzer: Analyzer) -> FileResult:
    """Write a suppression comment for every current finding; the written file must still parse."""
    findings = analyzer.check(result.path, source.text)
    text, result.suppressed = add_ignores(source.text, findings, analyzer.rules)
    result.findings = [f for f in findings if f not in result.suppressed]
    if result.suppressed:
        parse(text)
        write_atomically(source, source.encode(text))
        result.changed = True
    return result


def process_file(path: Path, analyzer: Analyzer, triggers: tuple[bytes, ...], mode: Mode,
                 safeties: frozenset[str], debug: bool = False) -> FileResult:
    """Check or fix one file; every failure becomes a one-line error on the result, never an exception."""
    name = str(path)
    result = FileResult(name)
    try:
        source = read_source(path)
        if not any(token in source.raw for token in triggers):
            return result
        if mode is Mode.CHECK:
            result.findings = analyzer.check(name, source.text)
            return result
        if mode is Mode.ADD_IGNORE:
            return _add_ignores(result, source, analyzer)
        outcome = analyzer.fix(name, source.text, safeties)
        result.findings, result.fixed = outcome.remaining, outcome.fixed
        if outcome.text != source.text:
            result.changed = True
            if mode is Mode.DIFF:
                result.diff = _diff(name, source.text, outcome.text)
            else:
                write_atomically(source, source.encode(outcome.text))
    except (ReadError, SourceError, WriteError, FixedPointError) as exc:
        result = FileResult(name, error=str(exc))
    except RecursionError:
        result = FileResult(name, error="nesting too deep to analyse")
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop a run over ten thousand
        detail = traceback.format_exc() if debug else f"{type(exc).__name__}: {exc}"
        result = FileResult(name, error=f"internal error ({detail}); please report it")
    return result


def _target(data: RuleData, settings: Settings) -> Target:
    """The settings' target; an unknown one named in a file says where."""
    try:
        return data.targets.get(settings.target)
    except UsageError as exc:
        origin = settings.origins.get("target", "")
        raise UsageError(f"{origin}: {exc}" if origin and origin != COMMAND_LINE else str(exc)) from None


def run(paths: list[Path], settings: Settings, mode: Mode, *, unsafe_fixes: bool = False,
        as_of: datetime.date | None = None, debug: bool = False, bedrock: BedrockSnapshot | None = None) -> RunResult:
    data = load_rule_data()
    all_rules = load_all_rules(settings.extra_rule_dirs)
    prepared: dict[tuple[object, ...], tuple[Analyzer, tuple[bytes, ...]]] = {}

    def prepare(scoped: Settings) -> tuple[Analyzer, tuple[bytes, ...]]:
        """One analyzer per distinct rule selection and target: per-path overrides get their own."""
        key = (scoped.target, scoped.select, scoped.ignore)
        if key not in prepared:
            rules = select_rules(all_rules, scoped.select, scoped.ignore)
            options = RunOptions(
                target=_target(data, scoped),
                as_of=as_of or datetime.date.today(),
                bedrock_region=settings.bedrock_region or (bedrock.region if bedrock else None),
                bedrock_profile_prefix=settings.bedrock_profile_prefix,
                bedrock=bedrock,
            )
            triggers = tuple(sorted({token.encode() for rule in rules for token in rule.triggers}))
            prepared[key] = (Analyzer(data, rules, options), triggers)
        return prepared[key]

    prepare(settings)
    for override in settings.overrides:
        prepare(settings.apply(override))
    base = settings.config_path.parent if settings.config_path else Path.cwd()
    discovered = discover(paths, list(settings.exclude), base)
    results = [FileResult(str(p), error="no such file or directory") for p in discovered.missing]
    safeties = frozenset({"safe", "unsafe"} if unsafe_fixes else {"safe"})
    warned: set[int] = set()
    warnings: list[str] = []
    for path in discovered.files:
        analyzer, triggers = prepare(settings.for_path(path))
        result = process_file(path, analyzer, triggers, mode, safeties, debug)
        results.append(result)
        codes = {f.code for f in (*result.findings, *result.fixed)}
        if id(analyzer) not in warned and any(r.kind == "outdated-model-id" and r.code in codes for r in analyzer.rules):
            warned.add(id(analyzer))
            warnings.extend(w for w in target_warnings(data, analyzer.options) if w not in warnings)
    region = settings.bedrock_region or (bedrock.region if bedrock else None)
    if bedrock is not None and region != bedrock.region:
        warnings.append(f"the Bedrock answer is for {bedrock.region} but the configured Region is "
                        f"{region}: it applies only to clients built in {bedrock.region}")
    rules = {rule.code: rule for analyzer, _ in prepared.values() for rule in analyzer.rules}
    return RunResult(results, [rules[code] for code in sorted(rules)], warnings)
