"""Analyse one Python source text with all selected rules in one libcst pass, and apply fixes to a fixed point."""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from claude_migrate.context import FileContext, RuleData, RunOptions
from claude_migrate.edits import Substitute
from claude_migrate.findings import MAX_FIX_PASSES, Edit, Finding, Fix, FixOutcome, Position, choose_fixes
from claude_migrate.kinds import KIND_REGISTRY
from claude_migrate.kinds.base import Provider, RawFinding
from claude_migrate.ruleset import RuleSpec
from claude_migrate.source import FixedPointError, SourceError
from claude_migrate.suppressions import apply_suppressions


@dataclass
class Analysis:
    findings: list[Finding]
    raw: list[RawFinding]
    ranges: dict[int, tuple[Position, Position]]


def parse(text: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise SourceError(_syntax_message(text, exc)) from None
    except RecursionError:
        raise SourceError("nesting too deep to parse") from None


def _syntax_message(text: str, exc: cst.ParserSyntaxError) -> str:
    """Python's own wording of the syntax error where it has one; libcst's otherwise."""
    try:
        ast.parse(text)
    except SyntaxError as error:
        return f"syntax error at line {error.lineno}, column {error.offset}: {error.msg}"
    except (ValueError, RecursionError, MemoryError):
        pass
    return f"cannot parse at line {exc.raw_line}, column {exc.raw_column + 1}: {exc.message}"


def _python_parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


class Analyzer:
    """Runs a fixed rule selection over source texts; one instance serves a whole run."""

    def __init__(self, data: RuleData, rules: list[RuleSpec], options: RunOptions) -> None:
        self.data = data
        self.rules = rules
        self.options = options

    def _visitors(self, ctx: FileContext) -> list[cst.BatchableCSTVisitor]:
        providers: list[Provider] = []

        def need(kind: type[Provider]) -> None:
            if kind in ctx.providers:
                return
            for dependency in kind.REQUIRES:
                need(dependency)
            ctx.providers[kind] = instance = kind(ctx)
            providers.append(instance)

        for spec in self.rules:
            rule = KIND_REGISTRY[spec.kind](spec, ctx)
            for kind in rule.REQUIRES:
                need(kind)
            ctx.rule_instances.append(rule)
        return [*providers, *ctx.rule_instances]

    def analyze(self, path: str, module: cst.Module, text: str) -> Analysis:
        ctx = FileContext(path=path, data=self.data, options=self.options)
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        wrapper.visit_batched(self._visitors(ctx))
        ranges: dict[int, tuple[Position, Position]] = {}

        def span(node: cst.CSTNode) -> tuple[Position, Position]:
            if id(node) not in ranges:
                code_range = wrapper.resolve(PositionProvider)[node]
                ranges[id(node)] = (Position(code_range.start.line, code_range.start.column),
                                    Position(code_range.end.line, code_range.end.column))
            return ranges[id(node)]

        raws = apply_suppressions(ctx.raw_findings, text, module, self.rules, span)
        findings: list[Finding] = []
        for raw in raws:
            start, end = span(raw.node)
            fix = None
            if raw.replacements:
                edits = tuple(Edit(*span(old), module.code_for_node(new) if isinstance(new, cst.CSTNode) else "")
                              for old, new in raw.replacements)
                fix = Fix(raw.safety, edits)
            findings.append(Finding(path, raw.rule.code, raw.rule.name, raw.rule.severity, raw.message,
                                    start, end, fix))
        order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key)
        return Analysis([findings[i] for i in order], [raws[i] for i in order], ranges)

    def check(self, path: str, text: str) -> list[Finding]:
        return self.analyze(path, parse(text), text).findings

    def fix(self, path: str, text: str, safeties: frozenset[str]) -> FixOutcome:
        """Apply fixes of the allowed safeties until none applies; the result must still parse."""
        original_parses = _python_parses(text)
        fixed: list[Finding] = []
        current = text
        for _ in range(MAX_FIX_PASSES):
            module = parse(current)
            analysis = self.analyze(path, module, current)
            chosen = choose_fixes(analysis.findings, safeties)
            if not chosen:
                return FixOutcome(current, analysis.findings, fixed)
            mapping = {id(old): new for index in chosen for old, new in analysis.raw[index].replacements}
            updated = module.visit(Substitute(mapping)).code
            if original_parses and not _python_parses(updated):
                raise SourceError("a fix produced code that does not parse; the file was left unchanged")
            fixed.extend(analysis.findings[index] for index in chosen)
            current = updated
        raise FixedPointError(f"fixes did not settle after {MAX_FIX_PASSES} passes; the file was left unchanged")


