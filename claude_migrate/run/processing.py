"""Check or fix one file of any type; one FileProcessor per process serves a whole run.

The work splits in two: :meth:`FileProcessor.analyse` turns file content into an :class:`Outcome`
(findings, fixes, the fixed text) that depends on nothing but the content and the run's settings, so
it can be cached; :meth:`FileProcessor.finish` turns an outcome into the file's result (a diff, or a
write). libcst is imported on the first Python file or notebook, never for config files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from claude_migrate.data.rule_data import RuleData
from claude_migrate.analysis.options import RunOptions
from claude_migrate.run.filetypes import CONFIG_TYPES
from claude_migrate.data.findings import Finding, FixOutcome
from claude_migrate.data.sdk_versions import version_dependent
from claude_migrate.kinds.model_id_judges import ID_JUDGES, IdJudge
from claude_migrate.run.results import Outcome, FileResult, Mode
from claude_migrate.engine.source import (
    FixedPointError, ReadError, SourceError, SourceFile, WriteError, decode, decode_data, physical_lines, read_raw,
    write_atomically,
)
from claude_migrate.engine.config_files import ConfigScanner, config_rules, id_rules

if TYPE_CHECKING:
    from claude_migrate.run.cache import ResultCache
    from claude_migrate.engine.analyzer import Analyzer
    from claude_migrate.data.rules import RuleSpec


class Checker(Protocol):
    def check(self, path: str, text: str) -> list[Finding]: ...

    def fix(self, path: str, text: str, safeties: frozenset[str], seed: list[Finding] | None = None) -> FixOutcome: ...


_GAP = r"[\s\\]"  # white space or a backslash continuation
# What stands before an imported module's name: ``import``/``from`` and maybe other names (``import os as o, ``).
_IMPORT_LEAD = re.compile(rf"\b(?:import|from){_GAP}+(?:[\w.]+(?:{_GAP}+as{_GAP}+\w+)?{_GAP}*,{_GAP}*)*\Z")
_LEAD_WINDOW = 200


def imports_any(text: str, modules: tuple[str, ...]) -> bool:
    """Whether ``text`` seems to import one of ``modules`` (``import boto3``, ``from anthropic.types import``,
    ``import os as o, boto3``, across backslash continuations; in a notebook's JSON too). Loose on purpose: it
    may say yes wrongly, never no. Each mention of a module is checked where it stands, which is fast on a
    multi-megabyte data file that names a module thousands of times."""
    for module in modules:
        start = text.find(module)
        while start != -1:
            end = start + len(module)
            if (end == len(text) or not (text[end].isalnum() or text[end] == "_")) and \
                    _IMPORT_LEAD.search(text, max(0, start - _LEAD_WINDOW), start):
                return True
            start = text.find(module, end)
    return False


def _fewest(tokens: set[bytes]) -> tuple[bytes, ...]:
    """The tokens that hold no other token: a file holding b"anthropic.claude" holds b"claude" anyway, and
    each token left is one more pass over every file's bytes."""
    return tuple(sorted(token for token in tokens if not any(other != token and other in token for other in tokens)))


@cache
def _automaton(words: tuple[bytes, ...]) -> Callable[[bytes], list[tuple[int, int, int]]] | None:
    """All ``words`` found in one pass over the bytes (ahocorasick-rs: the Rust aho-corasick crate, whose
    SIMD prefilter skips most bytes), as
    (word index, start, end); None without the ``fast`` extra (it has no wheel for musllinux or Windows on Arm)."""
    try:
        from ahocorasick_rs import BytesAhoCorasick
    except ImportError:
        return None
    return partial(BytesAhoCorasick(list(words)).find_matches_as_indexes, overlapping=True)


@dataclass(frozen=True)
class TokenFilter:
    """The prefilter over a file's bytes: a rule's trigger and, for a rule that needs an import, the name of one
    of its modules. The gated triggers (request-shape words such as ``temperature``) count only in files that
    name such a module. All of them are searched in one pass over the bytes; without the library, token by
    token (each a ``bytes.__contains__`` pass, about four times slower over a tree)."""

    plain: tuple[bytes, ...]
    gated: tuple[tuple[tuple[bytes, ...], tuple[bytes, ...]], ...]  # (module names, triggers)

    @classmethod
    def of(cls, rules: Sequence[RuleSpec]) -> TokenFilter:
        groups: dict[tuple[str, ...], set[bytes]] = {}
        for rule in rules:
            if rule.needs_import:
                groups.setdefault(rule.needs_import, set()).update(token.encode() for token in rule.triggers)
        return cls(_fewest({token.encode() for rule in rules if not rule.needs_import for token in rule.triggers}),
                   tuple((_fewest({module.encode() for module in modules}), _fewest(tokens))
                         for modules, tokens in sorted(groups.items())))

    @cached_property
    def words(self) -> tuple[bytes, ...]:
        return tuple(dict.fromkeys([*self.plain, *(word for modules, tokens in self.gated
                                                   for word in (*modules, *tokens))]))

    def matches(self, raw: bytes) -> bool:
        search = _automaton(self.words) if self.words else None
        if search is None:
            return self.matches_each(raw)
        words = self.words
        found = {words[index] for index, _, _ in search(raw)}
        return not found.isdisjoint(self.plain) or any(
            not found.isdisjoint(modules) and not found.isdisjoint(tokens) for modules, tokens in self.gated)

    def matches_each(self, raw: bytes) -> bool:
        """:meth:`matches` without the library: one pass per token."""
        return any(token in raw for token in self.plain) or any(
            any(module in raw for module in modules) and any(token in raw for token in tokens)
            for modules, tokens in self.gated)


@dataclass(frozen=True)
class RunPlan:
    """Everything a process needs to treat files exactly as every other process of the run does."""

    data: RuleData
    rules: tuple[RuleSpec, ...]
    options: RunOptions
    mode: Mode
    safeties: frozenset[str]
    debug: bool = False

    @cached_property
    def code_triggers(self) -> tuple[bytes, ...]:
        return _fewest({token.encode() for rule in self.rules for token in rule.triggers})

    @cached_property
    def code_filter(self) -> TokenFilter:
        return TokenFilter.of(self.rules)

    @cached_property
    def config_filter(self) -> TokenFilter:
        return TokenFilter.of(config_rules(self.rules))

    def prefilter(self, file_type: str) -> TokenFilter:
        """What a file of this type must hold to be worth analysing."""
        return self.config_filter if file_type in CONFIG_TYPES else self.code_filter


def decode_as(file_type: str, path: str, raw: bytes) -> SourceFile:
    """Python sources decode as the interpreter does; notebooks and config files as data."""
    return decode(Path(path), raw) if file_type == "python" else decode_data(Path(path), raw)


def _diff(path: str, before: str, after: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(physical_lines(before), physical_lines(after),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))


class FileProcessor:
    """Analyses files for one run; checkers (and libcst) are built on first use, once per process."""

    def __init__(self, plan: RunPlan, cache: ResultCache | None = None) -> None:
        self.plan = plan
        self.cache = cache
        self._checkers: dict[str, Checker] = {}

    @cached_property
    def analyzer(self) -> Analyzer:
        from claude_migrate.engine.analyzer import Analyzer  # libcst: only runs with Python candidates pay for it

        return Analyzer(self.plan.data, list(self.plan.rules), self.plan.options)

    def checker(self, file_type: str) -> Checker:
        if file_type not in self._checkers:
            plan = self.plan
            if file_type == "python":
                checker: Checker = self.analyzer
            elif file_type == "notebook":
                from claude_migrate.engine.notebooks import NotebookChecker

                checker = NotebookChecker(self.analyzer, tuple(t.decode() for t in plan.code_triggers))
            else:
                checker = ConfigScanner(plan.data, list(plan.rules), plan.options, file_type)
            self._checkers[file_type] = checker
        return self._checkers[file_type]

    @cached_property
    def judges(self) -> dict[str, IdJudge]:
        return {rule.code: ID_JUDGES[rule.kind](rule, self.plan.data, self.plan.options)
                for rule in id_rules(self.plan.rules)}

    def may_report(self, file_type: str, text: str) -> bool:
        """Whether any selected rule can report on ``text``: its trigger tokens are there and, for a rule of
        a model-ID kind, an ID it could report on is. Such rules report IDs found in string values, whose
        text is the source text; so a file holding no such ID (one already migrated, or a data module whose
        policies mention "anthropic.claude-*") needs no parse. (An ID spelled with an escape sequence inside
        it, "claude\\x2d3-...", is missed; no one writes those.)"""
        rules = config_rules(self.plan.rules) if file_type in CONFIG_TYPES else self.plan.rules
        # each token and each import gate searched once: a 4 MB data module took 0.3 s searched rule by rule
        present = {token for token in {token for rule in rules for token in rule.triggers} if token in text}
        gates = {modules: imports_any(text, modules) for modules in {rule.needs_import for rule in rules} if modules}
        candidates = [rule for rule in rules if not present.isdisjoint(rule.triggers)
                      and (not rule.needs_import or gates[rule.needs_import])]
        if any(rule.kind not in ID_JUDGES for rule in candidates):
            return True
        judges = [self.judges[rule.code] for rule in candidates]
        return bool(judges) and any(judge.may_report(spelling) for spelling in self.plan.data.matcher.spellings_in(text)
                                    for judge in judges)

    def analyse(self, path: str, file_type: str, text: str, seed: list[Finding] | None = None
                ) -> tuple[Outcome, bool]:
        """The outcome for one text (parsed: ``may_report`` said so), and whether it may be cached
        (internal errors may not). ``seed``: what checking this text found, for a fix to start from."""
        checker = self.checker(file_type)
        try:
            if self.plan.mode is Mode.CHECK:
                return Outcome(findings=checker.check(path, text)), True
            fixed = checker.fix(path, text, self.plan.safeties, seed)
            return Outcome(fixed.remaining, fixed.fixed, fixed.text if fixed.text != text else None), True
        except (SourceError, FixedPointError) as exc:
            return Outcome(error=str(exc)), True
        except RecursionError:
            return Outcome(error="nesting too deep to analyse"), True
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop a run over ten thousand
            import traceback

            detail = traceback.format_exc() if self.plan.debug else f"{type(exc).__name__}: {exc}"
            return Outcome(error=f"internal error ({detail}); please report it"), False

    def finish(self, path: str, source: SourceFile | None, outcome: Outcome) -> FileResult:
        """The file's result: findings, and for a fix the diff or the written file (``source`` is needed
        only when the outcome changes the text)."""
        if outcome.error is not None:
            return FileResult(path, error=outcome.error)
        result = FileResult(path, outcome.findings, outcome.fixed)
        analysed = outcome.text if outcome.text is not None else (source.text if source is not None else None)
        if analysed is not None and outcome.findings:
            result.lines = finding_lines(analysed, outcome.findings)
        if outcome.text is not None:
            assert source is not None
            result.changed = True
            if self.plan.mode is Mode.DIFF:
                result.diff = _diff(path, source.text, outcome.text)
            else:
                try:
                    write_atomically(source, source.encode(outcome.text))
                except WriteError as exc:
                    return FileResult(path, error=str(exc))
        return result

    def needs_parse(self, path: str, file_type: str, raw: bytes) -> bool:
        """Whether :meth:`process` would parse these bytes (a file that cannot be decoded: yes, to report it)."""
        try:
            return self.may_report(file_type, decode_as(file_type, path, raw).text)
        except ReadError:
            return True

    def process(self, path: str, file_type: str, raw: bytes | None = None) -> tuple[FileResult, bool]:
        """Read (unless given the bytes), analyse (storing the outcome in the cache) and finish one file; and
        whether it was parsed."""
        try:
            raw = read_raw(Path(path)) if raw is None else raw
            source = decode_as(file_type, path, raw)
        except ReadError as exc:
            return FileResult(path, error=str(exc)), False
        parsed = self.may_report(file_type, source.text)
        if self.plan.mode is Mode.ADD_IGNORE:
            return self._add_ignores(path, file_type, source) if parsed else FileResult(path), parsed
        checked = self.cache.checked(file_type, raw) if parsed and self.cache and self.plan.mode is not Mode.CHECK \
            else None
        seed = checked.at(path).findings if checked is not None and checked.error is None else None
        outcome, cacheable = self.analyse(path, file_type, source.text, seed) if parsed else (Outcome(), True)
        cache = self.cache if cacheable else None
        fixing = self.plan.mode is not Mode.CHECK
        if cache is not None:
            if fixing and outcome.text is None and outcome.error is None and not outcome.fixed:
                cache.put_settled(file_type, raw, outcome.findings)
            else:
                cache.put(file_type, raw, outcome)
        result = self.finish(path, source, outcome)
        if cache is not None and self.plan.mode is Mode.FIX and result.changed and result.error is None:
            # The file now holds the fixed text, whose outcome is known without another parse.
            cache.put_settled(file_type, source.encode(outcome.text or ""), outcome.findings)
        return result, parsed

    def _add_ignores(self, path: str, file_type: str, source: SourceFile) -> FileResult:
        """Write a suppression comment for every current finding of a Python file; the result must still parse.
        Notebooks and config files have no such comments: their findings are reported as they are."""
        from claude_migrate.engine.analyzer import parse
        from claude_migrate.engine.suppressions import add_ignores

        try:
            findings = self.checker(file_type).check(path, source.text)
            if self.plan.options.sdk is None:  # not reported where the version is unknown, so not silenced either
                unjudged = {rule.code for rule in self.plan.rules if version_dependent(rule.kind, rule.params)}
                findings = [f for f in findings if f.code not in unjudged]
            if file_type != "python":
                return FileResult(path, findings)
            text, suppressed = add_ignores(source.text, findings, self.analyzer.rules)
            result = FileResult(path, [f for f in findings if f not in suppressed], suppressed=suppressed)
            if suppressed:
                parse(text)
                write_atomically(source, source.encode(text))
                result.changed = True
            return result
        except (SourceError, WriteError) as exc:
            return FileResult(path, error=str(exc))


def finding_lines(text: str, findings: list[Finding]) -> dict[int, str]:
    """The lines of ``text`` the findings start on, so output formats need not read the file again (and can show
    the text a ``--diff`` run analysed, which is not on disk)."""
    wanted = {finding.start.line for finding in findings if not finding.location_prefix}
    return {number: line.rstrip("\r\n") for number, line in enumerate(physical_lines(text), start=1)
            if number in wanted}
