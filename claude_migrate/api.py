"""The programmatic entry point: run the selected rules over paths and return structured results."""

from __future__ import annotations

import datetime
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from claude_migrate import __version__, cache, rulecache
from claude_migrate.cache import ResultCache, StatIndex
from claude_migrate.catalogue import Platform
from claude_migrate.config import Settings
from claude_migrate.context import RuleData, RunOptions
from claude_migrate.discovery import Discovered, discover
from claude_migrate.errors import UsageError
from claude_migrate.findings import Finding
from claude_migrate.processing import RunPlan
from claude_migrate.progress import Progress
from claude_migrate.results import FileResult, Mode, RunStats
from claude_migrate.ruleset import RuleSpec
from claude_migrate.scheduler import Scheduler

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


def _caches(base: Path, rules_key: str, plan: RunPlan, discovered: Discovered
            ) -> tuple[ResultCache | None, StatIndex | None]:
    """The result cache for this run's settings, and the stat index when a directory is walked."""
    folder = cache.prepare(base)
    if folder is None:
        return None, None
    options = plan.options
    settings = [__version__, sys.version_info[:2], rules_key, [rule.code for rule in plan.rules],
                options.target.name, options.as_of, options.bedrock_region, options.bedrock_profile_prefix]
    action = "check" if plan.mode is Mode.CHECK else ["fix", sorted(plan.safeties)]
    results = ResultCache(folder, cache.fingerprint(*settings, action), cache.fingerprint(*settings, "check"))
    triggers = [plan.code_triggers, plan.config_triggers]
    index = StatIndex(folder, cache.fingerprint(__version__, *triggers)) if discovered.roots else None
    return results, index


def run(paths: list[Path], settings: Settings, mode: Mode, *, unsafe_fixes: bool = False,
        as_of: datetime.date | None = None, debug: bool = False, jobs: int | None = None,
        use_cache: bool = True, progress: bool = False) -> RunResult:
    """Check or fix ``paths``; ``jobs`` processes (default: one per CPU) parse what the cache cannot answer.

    Results are sorted by path, so they are the same whatever the job count and the order of ``paths``.
    """
    started = time.perf_counter()
    loaded = rulecache.load(settings.extra_rule_dirs, use_cache)
    data = loaded.data
    rules = select_rules(loaded.rules, settings.select, settings.ignore)
    options = RunOptions(
        target=data.targets.get(settings.target),
        as_of=as_of or datetime.date.today(),
        bedrock_region=settings.bedrock_region,
        bedrock_profile_prefix=settings.bedrock_profile_prefix,
    )
    base = settings.config_path.parent if settings.config_path else Path.cwd()
    discovered = discover(paths, list(settings.exclude), base, settings.file_types)
    safeties = frozenset({"safe", "unsafe"} if unsafe_fixes else {"safe"})
    plan = RunPlan(data, tuple(rules), options, mode, safeties, debug)
    result_cache, index = _caches(base, loaded.key, plan, discovered) if use_cache else (None, None)
    scheduler = Scheduler(plan, result_cache, index, jobs or os.cpu_count() or 1, Progress.for_run(progress))
    results = scheduler.run(discovered.files)
    if index is not None:
        index.save(discovered.roots)
    missing = [FileResult(str(p), error="no such file or directory") for p in discovered.missing]
    results = sorted([*missing, *results], key=lambda result: result.path.split(os.sep))
    kinds_found = {f.code for r in results for f in (*r.findings, *r.fixed)}
    replacing = any(rule.kind == "outdated-model-id" and rule.code in kinds_found for rule in rules)
    warnings = target_warnings(data, options) if replacing else []
    scheduler.stats.seconds = time.perf_counter() - started
    return RunResult(results, rules, warnings, scheduler.stats)
