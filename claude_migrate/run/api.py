"""The programmatic entry point: run the selected rules over paths and return structured results."""

from __future__ import annotations

import datetime
import os
import sys
import time
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from claude_migrate import __version__
from claude_migrate.run import cache, dependencies
from claude_migrate.run import rulecache
from claude_migrate.run.cache import ResultCache, StatIndex
from claude_migrate.data.catalogue import Model, Platform
from claude_migrate.run.config import COMMAND_LINE, Settings, settings_for
from claude_migrate.bedrock.live import ClientFactory, bedrock_answer
from claude_migrate.data.rule_data import RuleData
from claude_migrate.analysis.options import GroupDecision, RunOptions
from claude_migrate.run.coupling import decide_groups
from claude_migrate.run.gitdiff import ChangedLines, changed_lines
from claude_migrate.run.discovery import Discovered, common_directory, discover
from claude_migrate.data.errors import UsageError
from claude_migrate.data.findings import Finding
from claude_migrate.run.processing import RunPlan
from claude_migrate.run.progress import Progress
from claude_migrate.run.results import FileResult, Mode, RunStats
from claude_migrate.data.rules import RuleSpec
from claude_migrate.run.scheduler import Scheduler
from claude_migrate.run.sdk_ranges import ScopeOf, range_findings, unknown_sdk
from claude_migrate.data.targets import Target

if TYPE_CHECKING:
    from claude_migrate.bedrock.snapshot import BedrockSnapshot
    from claude_migrate.data.sdk_versions import SdkRequirement

__all__ = ["FileResult", "Mode", "Request", "RunResult", "RunStats", "execute", "run", "select_rules", "target_errors",
           "target_warnings"]


@dataclass
class RunResult:
    files: list[FileResult]
    rules: list[RuleSpec]
    warnings: list[str]
    stats: RunStats = field(default_factory=RunStats)
    target_errors: list[str] = field(default_factory=list)  # each makes check/fix exit 1: a retired target model

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


def _platform_states(options: RunOptions, wanted: Callable[[Model, Platform], bool]) -> list[tuple[Model, str]]:
    """(model, "its state on each platform where ``wanted``") for the target's models, one entry per model."""
    found: dict[str, tuple[Model, list[str]]] = {}
    for model, platform in options.target.models_on():
        if wanted(model, platform):
            found.setdefault(model.key, (model, []))[1].append(
                f"{model.lifecycle(platform).describe(options.as_of, platform.label)} (`{model.id_for(platform)}`)")
    return [(model, "; ".join(states)) for model, states in found.values()]


def target_errors(data: RuleData, options: RunOptions) -> list[str]:
    """One line per target model that is retired on a platform on the run date, or, with --fail-within, may
    retire within the window: the fixer writes no such ID, and the run fails."""
    target, as_of = options.target, options.as_of

    def failing(model: Model, platform: Platform) -> bool:
        life = model.lifecycle(platform)
        ends = life.ends(as_of)
        return life.state(as_of) == "retired" or (ends is not None and options.within_window(ends[0]))

    advice = data.targets.live_advice(as_of, but=target.name)
    window = f" (within --fail-within {options.fail_within} days)" if options.fail_within is not None else ""
    return [f"target {target.name}: {model.name} is {states}{window}; {advice}"
            for model, states in _platform_states(options, failing)]


STALE_AFTER_DAYS = 60  # issue 13: model facts older than this are worth re-checking before they are trusted


def staleness_warning(data: RuleData, as_of: datetime.date) -> str | None:
    """One warning when the run date is long past the day the catalogue was last checked: new models and
    retirements since then are unknown to it."""
    checked = data.catalogue.checked
    if checked is None or (as_of - checked).days <= STALE_AFTER_DAYS:
        return None
    return (f"the model catalogue was last checked on {checked}, {(as_of - checked).days} days before "
            f"{as_of}: run `claude-migrate models --audit` or upgrade claude-migrate")


def target_warnings(data: RuleData, options: RunOptions) -> list[str]:
    """One line when target models are deprecated or Legacy on a platform on the run date (retired ones are
    errors), with the runway and the current targets to move to."""
    as_of = options.as_of

    def runway(model: Model, platform: Platform) -> bool:
        life = model.lifecycle(platform)
        ends = life.ends(as_of)
        return life.state(as_of) in ("deprecated", "legacy") and not (ends and options.within_window(ends[0]))

    lines = [f"{model.name} is {states}" for model, states in _platform_states(options, runway)]
    if not lines:
        return []
    current = [f"--target {name}" for name in data.targets.current(as_of) if name != options.target.name]
    advice = (f"For the current generation use {' or '.join(f'`{c}`' for c in current)}." if current
              else data.targets.live_advice(as_of, but=options.target.name))
    return [f"target {options.target.name}: {'; '.join(lines)}. {advice}"]


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
                options.fail_within, options.groups, options.sdk]
    action = "check" if plan.mode is Mode.CHECK else ["fix", sorted(plan.safeties)]
    results = ResultCache(folder, cache.fingerprint(*settings, action), cache.fingerprint(*settings, "check"))
    filters = cache.fingerprint(__version__, plan.code_filter, plan.config_filter)
    index = StatIndex(folder, filters) if with_index and discovered.roots else None
    return results, index


def _setting_error(settings: Settings, name: str, message: str) -> UsageError:
    """A bad value the rule data rejects, named where it was written: the file and line, or the command line."""
    origin = settings.origins.get(name, "")
    key = name.replace("_", "-")
    return UsageError(f"{origin}: key '{key}': {message}" if origin and origin != COMMAND_LINE else f"--{key}: {message}")


def _target(data: RuleData, settings: Settings) -> Target:
    """The settings' target (its profile prefix checked too); an unknown one named in a file says where."""
    prefix = settings.bedrock_profile_prefix
    if prefix is not None and prefix not in data.catalogue.profile_prefixes:
        raise _setting_error(settings, "bedrock_profile_prefix",
                             f"'{prefix}' is not one of: {', '.join(data.catalogue.profile_prefixes)}")
    try:
        return data.targets.get(settings.target)
    except UsageError as exc:
        if settings.origins.get("target", COMMAND_LINE) == COMMAND_LINE:
            raise
        raise _setting_error(settings, "target", str(exc)) from None


def _scopes(settings: Settings, files: list[tuple[str, str, str]]) -> list[tuple[Settings, list[tuple[str, str, str]]]]:
    """The files grouped by the settings that apply to them: per-path overrides make their own groups."""
    groups: dict[tuple[object, ...], tuple[Settings, list[tuple[str, str, str]]]] = {}
    # The SDK requirement depends on the file's folder only: asked once per folder, not per file (with pathlib
    # and a dataclass copy per file this was 0.25 s of a 0.4 s warm run over 3,000 files).
    sdks: dict[tuple[str, str | None], SdkRequirement | None] = {}
    for file in files:
        scoped = settings.for_path(Path(file[0])) if settings.overrides else settings
        where = (os.path.dirname(file[0]), scoped.sdk_version)
        if where not in sdks:
            sdks[where] = dependencies.for_file(Path(file[0]), scoped.sdk_version)
        key = (scoped.target, scoped.select, scoped.ignore, sdks[where])
        if key not in groups:
            groups[key] = (replace(scoped, sdk=sdks[where]), [])
        groups[key][1].append(file)
    return list(groups.values()) or [(settings, [])]


def _scope_lookup(rules: Sequence[RuleSpec], scopes: list[tuple[Settings, list[tuple[str, str, str]]]]) -> ScopeOf:
    """For each file of the run, the SDK requirement and the rules its scope selects."""
    selected = [(scoped.sdk, select_rules(rules, scoped.select, scoped.ignore)) for scoped, _ in scopes]
    by_path = {file[0]: chosen for (_, files), chosen in zip(scopes, selected) for file in files}
    return lambda path: by_path.get(path, (None, ()))


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
    loaded = rulecache.load(settings.extra_rule_dirs)  # the rule pickle holds data, not results: --no-cache keeps it
    dependencies.forget()
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
    warnings: list[str] = [stale] if (stale := staleness_warning(data, as_of or datetime.date.today())) else []
    errors: list[str] = []
    chosen: dict[str, RuleSpec] = {}

    def run_scopes(pass_mode: Mode, groups: tuple[GroupDecision, ...], only: set[str] | None) -> list[FileResult]:
        found_all: list[FileResult] = []
        for scoped, files in scopes:
            rules = select_rules(loaded.rules, scoped.select, scoped.ignore)
            options = RunOptions(target=_target(data, scoped), as_of=as_of or datetime.date.today(),
                                 bedrock_region=region, bedrock_profile_prefix=settings.bedrock_profile_prefix,
                                 bedrock=bedrock, fail_within=settings.fail_within, groups=groups,
                                 sdk=scoped.sdk)
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
            errors.extend(line for line in target_errors(data, options) if line not in errors)
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
    if mode is not Mode.ADD_IGNORE:  # a dependency file takes no suppression comment: --ignore CM505 silences it
        scope_of = _scope_lookup(loaded.rules, scopes)
        results, unjudged = unknown_sdk(range_findings(results, scope_of), scope_of)
        warnings.extend([unjudged] if unjudged else [])
    missing = [FileResult(str(p), error="no such file or directory") for p in discovered.missing]
    missing += [FileResult(folder, error=reason) for folder, reason in discovered.skipped]
    results = sorted([*missing, *results], key=lambda result: result.path.split(os.sep))
    if changes is not None:
        results = [replace(result, findings=[f for f in result.findings if changes.touches(f)]) for result in results]
    stats.seconds = time.perf_counter() - started
    return RunResult(results, [chosen[code] for code in sorted(chosen)], warnings, stats, errors)


@dataclass(frozen=True)
class Request:
    """What a user asks of ``check`` or ``fix``: the paths, the mode, what the command line sets over the
    configuration, and where the lines to judge and AWS's answer come from."""

    paths: tuple[Path, ...]
    mode: Mode
    config: Path | None = None
    overrides: dict[str, object] = field(default_factory=dict)  # Settings field -> value given on the command line
    as_of: datetime.date | None = None
    unsafe_fixes: bool = False
    diff_base: str | None = None  # judge only lines added or changed since this git revision
    bedrock_live: bool = False
    bedrock_snapshot: Path | None = None
    jobs: int | None = None
    use_cache: bool = True
    debug: bool = False
    progress: bool = False


def execute(request: Request, aws: ClientFactory) -> RunResult:
    """Resolve the settings, the git diff and AWS's answer a request names, and run it: what the user asked for,
    ready to render. ``aws`` builds the Bedrock client (only used with ``bedrock_live``)."""
    paths = list(request.paths) or [Path(".")]
    start = common_directory(paths)
    if request.diff_base is not None and request.mode is Mode.ADD_IGNORE:
        raise UsageError("--diff-base and --add-ignore cannot be combined")
    changes = changed_lines(request.diff_base, start) if request.diff_base is not None else None
    settings = settings_for(request.config, start).override(**request.overrides)
    bedrock = bedrock_answer(live=request.bedrock_live, snapshot=request.bedrock_snapshot,
                             region=settings.bedrock_region, profile=None, factory=aws, live_flag="--bedrock-live")
    return run(paths, settings, request.mode, unsafe_fixes=request.unsafe_fixes, changes=changes,
               as_of=request.as_of, debug=request.debug, bedrock=bedrock, jobs=request.jobs,
               use_cache=request.use_cache, progress=request.progress)
