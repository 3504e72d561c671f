"""Analyse one Python source text with all selected rules in one libcst pass, and apply fixes to a fixed point."""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst
from libcst._nodes.internal import CodegenState  # the public code_for_node cannot take an indentation

from claude_migrate.engine import native_parse
from claude_migrate.data.rule_data import RuleData
from claude_migrate.analysis.context import FileContext
from claude_migrate.analysis.options import RunOptions
from claude_migrate.data.findings import (
    MAX_FIX_PASSES, PYTHON_LINE_BREAKS, Edit, Finding, Fix, FixOutcome, apply_edits, choose_fixes,
)
from claude_migrate.kinds import builtin_kinds
from claude_migrate.kinds.base import Provider, RawFinding
from claude_migrate.data.rules import RuleSpec
from claude_migrate.engine.source import FixedPointError, SourceError
from claude_migrate.engine.placement import Placement
from claude_migrate.engine.suppressions import apply_suppressions
from claude_migrate.engine.traversal import visit_all
from claude_migrate.engine.whole_requests import hold_back_partial_requests

TOO_DEEP = "nesting too deep to parse"
MAX_PARSE_CHARS = 4_000_000  # libcst needs about 250 bytes of memory per character: 20 MB of source took 5 GB


@dataclass
class Analysis:
    findings: list[Finding]
    raw: list[RawFinding]


def parse(text: str) -> cst.Module:
    _python_tree(text)
    return _parse_cst(text)


def _parse_cst(text: str) -> cst.Module:
    try:
        return native_parse.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise SourceError(_syntax_message(text, exc)) from None
    except RecursionError:
        raise SourceError(TOO_DEEP) from None


def _syntax_message(text: str, exc: cst.ParserSyntaxError) -> str:
    """Python's own wording of the syntax error where it has one; libcst's otherwise."""
    try:
        ast.parse(text)
    except SyntaxError as error:
        return f"syntax error at line {error.lineno}, column {error.offset}: {error.msg}"
    except (ValueError, RecursionError, MemoryError):
        pass
    return f"cannot parse at line {exc.raw_line}, column {exc.raw_column + 1}: {exc.message}"


def _python_tree(text: str) -> ast.Module | None:
    """The running Python's parse of ``text``, None if it does not parse; the analysis places findings with its
    line numbers. Texts too large to parse, and nesting that CPython finds too deep, are refused outright:
    libcst's native parser crashed or ran for minutes on such nesting."""
    if len(text) > MAX_PARSE_CHARS:
        raise SourceError(f"too large to analyse ({len(text):,} characters; the limit is {MAX_PARSE_CHARS:,})")
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        if exc.msg == "too many nested parentheses":
            raise SourceError(TOO_DEEP) from None
        return None
    except ValueError:
        return None
    except (RecursionError, MemoryError):
        raise SourceError(TOO_DEEP) from None


class _EditMaker:
    """Turns a node replacement into the text edit it makes, for JSON and SARIF. The range covers all the code
    libcst writes for the old node (its parentheses, which the reported position leaves out, and for other nodes
    whatever else they own), and the new code is written at the old node's indentation: a dict or call that spans
    lines indents its continuation lines by its block's indentation, which ``code_for_node`` omits.

    The common case costs nothing more than the reported positions: the old node's code is the text of its
    range, and the new code does not depend on indentation."""

    def __init__(self, placement: Placement, module: cst.Module) -> None:
        self.placement = placement
        self.module = module

    def __call__(self, old: cst.CSTNode, new: cst.CSTNode | cst.RemovalSentinel) -> Edit:
        opening, closing = getattr(old, "lpar", None), getattr(old, "rpar", None)
        start = self.placement.span(opening[0] if opening else old)[0]
        end = self.placement.span(closing[-1] if closing else old)[1]
        if self.placement.text_between(start, end) != self._code(old, ()):
            return self._exact(old, new)
        if not isinstance(new, cst.CSTNode):
            return Edit(start, end, "")
        content = self._code(new, ())
        if self._code(new, ("\t",)) != content:  # the new code has lines indented by their block
            content = self._code(new, self.placement.indents(old))
        return Edit(start, end, content)

    def _exact(self, old: cst.CSTNode, new: cst.CSTNode | cst.RemovalSentinel) -> Edit:
        start, end = self.placement.whole(old)
        return Edit(start, end, self._code(new, self.placement.indents(old)) if isinstance(new, cst.CSTNode) else "")

    def _code(self, node: cst.CSTNode, indents: tuple[str, ...]) -> str:
        state = CodegenState(default_indent=self.module.default_indent, default_newline=self.module.default_newline,
                             indent_tokens=list(indents))
        node._codegen(state)
        return "".join(state.tokens)


TextLineName = Callable[[str, int], str]  # (the analysed text, a 1-based line of it) -> how a message names the line


def plain_line(text: str, line: int) -> str:
    """How a message names a line of a Python file: its number."""
    return f"line {line}"


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
            rule = builtin_kinds()[spec.kind](spec, ctx)
            for kind in rule.REQUIRES:
                need(kind)
            ctx.rule_instances.append(rule)
        return [*providers, *ctx.rule_instances]

    def analyze(self, path: str, module: cst.Module, text: str, tree: ast.Module | None = None,
                line_name: TextLineName = plain_line) -> Analysis:
        """The findings of ``text``, parsed as ``module`` (and, when the running Python parses it, ``tree``);
        ``line_name`` names a line of ``text`` in messages (a notebook's lines are its cells' lines)."""
        ctx = FileContext(path=path, data=self.data, options=self.options)
        statements = visit_all(module, self._visitors(ctx))
        placement = Placement(module, text, (old for raw in ctx.raw_findings for old, _ in raw.replacements),
                              statements, tree)
        span = placement.span
        raws = hold_back_partial_requests(ctx, apply_suppressions(ctx.raw_findings, text, module, self.rules, span),
                                          span, lambda line: line_name(text, line))
        edit_of = _EditMaker(placement, module)
        findings: list[Finding] = []
        for raw in raws:
            start, end = span(raw.node)
            fix = None
            if raw.replacements and _changes(module, raw):
                fix = Fix(raw.safety, tuple(edit_of(old, new) for old, new in raw.replacements))
            findings.append(Finding(path, raw.rule.code, raw.rule.name, raw.severity or raw.rule.severity, raw.message,
                                    start, end, fix, role=raw.role, subject=raw.subject))
        order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key)
        return Analysis([findings[i] for i in order], [raws[i] for i in order])

    def check(self, path: str, text: str, line_name: TextLineName = plain_line) -> list[Finding]:
        tree = _python_tree(text)
        return self.analyze(path, _parse_cst(text), text, tree, line_name).findings

    def fix(self, path: str, text: str, safeties: frozenset[str], seed: list[Finding] | None = None,
            line_name: TextLineName = plain_line) -> FixOutcome:
        """Apply fixes of the allowed safeties until none applies; the result must still parse. Each pass applies
        the findings' exact text edits, the ones every output format reports, so what ``fix`` writes is what a
        reader of ``--output-format json`` would get. ``seed``: the findings a check of ``text`` gave, for the
        first pass, so a file the run has just checked is not analysed again."""
        tree = _python_tree(text)
        original_parses = tree is not None
        fixed: list[Finding] = []
        current, findings = text, seed
        for _ in range(MAX_FIX_PASSES):
            if findings is None:
                findings = self.analyze(path, _parse_cst(current), current, tree, line_name).findings
            chosen = choose_fixes(findings, safeties)
            if not chosen:
                return FixOutcome(current, findings, fixed)
            edits = [edit for index in chosen for edit in findings[index].fix.edits]  # type: ignore[union-attr]
            updated = apply_edits(current, edits, PYTHON_LINE_BREAKS)
            tree = _python_tree(updated)
            if original_parses and tree is None:
                raise SourceError("a fix produced code that does not parse; the file was left unchanged")
            fixed.extend(findings[index] for index in chosen)
            current, findings = updated, None
        raise FixedPointError(f"fixes did not settle after {MAX_FIX_PASSES} passes; the file was left unchanged")


def _changes(module: cst.Module, raw: RawFinding) -> bool:
    """Whether a fix writes anything new. One that rewrites a node to its own code was applied on every pass:
    the file never settled and was left unchanged with an error."""
    return any(not isinstance(new, cst.CSTNode) or module.code_for_node(new) != module.code_for_node(old)
               for old, new in raw.replacements)
