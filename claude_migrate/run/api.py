"""The programmatic entry point: run the selected rules over paths and return structured results."""

from __future__ import annotations

import datetime
import os
import sys
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from claude_migrate import __version__
from claude_migrate.run import cache
from claude_migrate.run import rulecache
from claude_migrate.run.cache import ResultCache, StatIndex
from claude_migrate.data.catalogue import Platform
from claude_migrate.run.config import COMMAND_LINE, Settings
from claude_migrate.data.rule_data import RuleData
from claude_migrate.analysis.options import GroupDecision, RunOptions
from claude_migrate.run.coupling import decide_groups
from claude_migrate.run.gitdiff import ChangedLines
from claude_migrate.run.discovery import Discovered, discover
from claude_migrate.data.errors import UsageError
from claude_migrate.data.findings import Finding
from claude_migrate.run.processing import RunPlan
from claude_migrate.run.progress import Progress
from claude_migrate.run.results import FileResult, Mode, RunStats
from claude_migrate.data.rules import RuleSpec
from claude_migrate.run.scheduler import Scheduler
from claude_migrate.data.targets import Target

if TYPE_CHECKING:
    from claude_migrate.bedrock.snapshot import BedrockSnapshot

__all__ = ["FileResult", "Mode", "RunResult", "RunStats", "run", "select_rules", "target_warnings"]


@dataclass
class RunResult:
    files: list[FileResult]
    rules: list[RuleSpec]
    warnings: list[str]
    stats: RunStats = field(default_factory=RunStats)

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


def _caches(base: Path, rules_key: str, plan: RunPlan, discovered: Discovered, with_index: bool,
            warnings: list[str]) -> tuple[ResultCache | None, StatIndex | None]:
    """The result cache for this run's settings, and the stat index when a directory is walked."""
    try:
        folder = cache.prepare(base)
    except cache.UnsafeCacheFolder as exc:
        if str(exc) not in warnings:
            warnings.append(str(exc))
        return None, None
    if folder is None:
        return None, None
    options = plan.options
    settings = [__version__, sys.version_info[:2], rules_key, [rule.code for rule in plan.rules],
                options.target.name, options.as_of, options.bedrock_region, options.bedrock_profile_prefix,
                options.groups]
    action = "check" if plan.mode is Mode.CHECK else ["fix", sorted(plan.safeties)]
    results = ResultCache(folder, cache.fingerprint(*settings, action), cache.fingerprint(*settings, "check"))
    filters = cache.fingerprint(__version__, plan.code_filter, plan.config_filter)
    index = StatIndex(folder, filters) if with_index and discovered.roots else None
    return results, index


def _target(data: RuleData, settings: Settings) -> Target:
    """The settings' target; an unknown one named in a file says where."""
    try:
        return data.targets.get(settings.target)
    except UsageError as exc:
        origin = settings.origins.get("target", "")
        raise UsageError(f"{origin}: key 'target': {exc}" if origin and origin != COMMAND_LINE else str(exc)) from None


def _scopes(settings: Settings, files: list[tuple[str, str, str]]) -> list[tuple[Settings, list[tuple[str, str, str]]]]:
    """The files grouped by the settings that apply to them: per-path overrides make their own groups."""
    groups: dict[tuple[object, ...], tuple[Settings, list[tuple[str, str, str]]]] = {}
    for file in files:
        scoped = settings.for_path(Path(file[0])) if settings.overrides else settings
        key = (scoped.target, scoped.select, scoped.ignore)
        groups.setdefault(key, (scoped, []))[1].append(file)
    return list(groups.values()) or [(settings, [])]


def _add_stats(total: RunStats, more: RunStats) -> None:
    for item in fields(RunStats):
        setattr(total, item.name, getattr(total, item.name) + getattr(more, item.name))


def run(paths: list[Path], settings: Settings, mode: Mode, *, unsafe_fixes: bool = False,
        changes: ChangedLines | None = None,
        as_of: datetime.date | None = None, debug: bool = False, bedrock: BedrockSnapshot | None = None,
        jobs: int | None = None, use_cache: bool = True, progress: bool = False) -> RunResult:
    """Check or fix ``paths``; ``jobs`` processes (default: one per CPU) parse what the cache cannot answer.

    Results are sorted by path, so they are the same whatever the job count and the order of ``paths``.
    A Bedrock answer (``bedrock``) and ``check --add-ignore`` bypass the cache: their results depend on more
    than the file and the settings.
    """
    started = time.perf_counter()
    loaded = rulecache.load(settings.extra_rule_dirs, use_cache)
    data = loaded.data
    region = settings.bedrock_region or (bedrock.region if bedrock else None)
    base = settings.config_path.parent if settings.config_path else Path.cwd()
    discovered = discover(paths, list(settings.exclude), base, settings.file_types)
    if changes is not None:  # a pull request costs what it changes: files without an added line are not read
        discovered = replace(discovered, files=[file for file in discovered.files if changes.has_file(file[0])],
                             roots=[])  # and the stat index of the whole tree is left as it was
    safeties = frozenset({"safe", "unsafe"} if unsafe_fixes else {"safe"})
    caching = use_cache and bedrock is None and mode is not Mode.ADD_IGNORE
    for scoped in (settings, *(settings.apply(override) for override in settings.overrides)):
        _target(data, scoped)  # a bad target or code in any override is an error even if no file matches it
        select_rules(loaded.rules, scoped.select, scoped.ignore)
    scopes = _scopes(settings, discovered.files)
    stats = RunStats()
    warnings: list[str] = []
    chosen: dict[str, RuleSpec] = {}

    def run_scopes(pass_mode: Mode, groups: tuple[GroupDecision, ...], only: set[str] | None) -> list[FileResult]:
        found_all: list[FileResult] = []
        for scoped, files in scopes:
            rules = select_rules(loaded.rules, scoped.select, scoped.ignore)
            options = RunOptions(target=_target(data, scoped), as_of=as_of or datetime.date.today(),
                                 bedrock_region=region, bedrock_profile_prefix=settings.bedrock_profile_prefix,
                                 bedrock=bedrock, groups=groups)
            plan = RunPlan(data, tuple(rules), options, pass_mode, safeties, debug)
            result_cache, index = (_caches(base, loaded.key, plan, discovered, len(scopes) == 1 and only is None,
                                           warnings) if caching else (None, None))
            cpus = os.cpu_count() or 1
            scheduler = Scheduler(plan, result_cache, index, min(jobs or cpus, cpus), Progress.for_run(progress))
            found = scheduler.run([file for file in files if only is None or file[0] in only])
            if index is not None:
                index.save(discovered.roots)
            found_all.extend(found)
            if only is None and (pass_mode is mode or mode is Mode.CHECK):
                _add_stats(stats, scheduler.stats)
            codes = {f.code for r in found for f in (*r.findings, *r.fixed)}
            if any(rule.kind == "outdated-model-id" and rule.code in codes for rule in rules):
                warnings.extend(w for w in target_warnings(data, options) if w not in warnings)
            chosen.update((rule.code, rule) for rule in rules)
        return found_all

    # First every use of every old ID and its role, then the decisions for IDs used in coupled places, then the
    # run itself with them: a fix never moves a value away from the comparisons that test it.
    first = run_scopes(Mode.CHECK, (), None) if mode is not Mode.ADD_IGNORE else []
    groups = decide_groups(f for result in first for f in result.findings)
    if mode is Mode.CHECK:
        touched = {r.path for r in first if any(f.subject in {g.subject for g in groups} for f in r.findings)}
        again = {r.path: r for r in run_scopes(Mode.CHECK, groups, touched)} if touched else {}
        results = [again.get(result.path, result) for result in first]
    else:
        results = run_scopes(mode, groups, None)
    if bedrock is not None and region != bedrock.region:
        warnings.append(f"the Bedrock answer is for {bedrock.region} but the configured Region is "
                        f"{region}: it applies only to clients built in {bedrock.region}")
    missing = [FileResult(str(p), error="no such file or directory") for p in discovered.missing]
    missing += [FileResult(folder, error=reason) for folder, reason in discovered.skipped]
    results = sorted([*missing, *results], key=lambda result: result.path.split(os.sep))
    if changes is not None:
        results = [replace(result, findings=[f for f in result.findings if changes.touches(f)]) for result in results]
    stats.seconds = time.perf_counter() - started
    return RunResult(results, [chosen[code] for code in sorted(chosen)], warnings, stats)
