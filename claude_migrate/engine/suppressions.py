"""Suppression comments: ``# claude-migrate: ignore[CM101]`` silences findings; unused ones become findings.

A comment at the end of a line covers findings that start on that line. A comment on a line of its own
covers the whole next statement (all its lines), or, inside brackets, the next line. A bare
``# claude-migrate: ignore`` covers every code. Comments are read with :mod:`tokenize` from the text the
engine already holds; the rule of kind ``unused-suppression`` (CM901) reports directives that silenced
nothing, with a fix that removes them.
"""

from __future__ import annotations

import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from claude_migrate.data.findings import Finding, Position
from claude_migrate.kinds.base import RawFinding
from claude_migrate.kinds.suppression import UnusedSuppression
from claude_migrate.data.rules import CODE_PATTERN, RuleSpec
from claude_migrate.engine.source import newline_of, physical_lines

MARKER = "claude-migrate:"
UNUSED_KIND = UnusedSuppression.KIND
DIRECTIVE = re.compile(r"#\s*claude-migrate:\s*ignore\b(?:\[(?P<codes>[^\]]*)\])?")
SKIPPED_TOKENS = frozenset({tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER})

Span = Callable[[cst.CSTNode], tuple[Position, Position]]


@dataclass
class Suppression:
    line: int  # of the comment
    column: int  # where the comment starts
    comment: str
    start: int  # the directive's span inside the comment
    end: int
    codes: tuple[str, ...] | None  # None: every code
    first: int = 0  # the lines it covers; 0 when nothing follows it
    last: int = 0
    used: set[str] = field(default_factory=set)

    def covers(self, code: str, line: int) -> bool:
        return self.first <= line <= self.last and (self.codes is None or code in self.codes)


@dataclass
class SourceLines:
    """What one tokenize pass tells about a text: its directives and the line span of each logical line."""

    suppressions: list[Suppression]
    logical: list[tuple[int, int]]


def _directives(token: tokenize.TokenInfo) -> list[Suppression]:
    result = []
    for match in DIRECTIVE.finditer(token.string):
        listed = match.group("codes")
        codes = None if listed is None else tuple(c.strip().upper() for c in listed.split(",") if c.strip())
        result.append(Suppression(token.start[0], token.start[1], token.string, match.start(), match.end(), codes))
    return result


def scan(text: str) -> SourceLines:
    """Directives and logical lines; raises tokenize.TokenError or SyntaxError on text Python cannot tokenize."""
    done: list[Suppression] = []
    logical: list[tuple[int, int]] = []
    before_statement: list[Suppression] = []  # own-line directives between statements
    before_line: list[Suppression] = []  # own-line directives inside an open statement (brackets)
    statement: list[Suppression] = []
    start: int | None = None
    lines = iter(physical_lines(text))  # a lone CR ends a line for libcst, not for StringIO.readline
    for token in tokenize.generate_tokens(lambda: next(lines, "")):
        line = token.start[0]
        if token.type == tokenize.COMMENT:
            found = _directives(token)
            if token.line[:token.start[1]].strip():
                for suppression in found:
                    suppression.first = suppression.last = line
                done.extend(found)
            else:
                (before_statement if start is None else before_line).extend(found)
        elif token.type == tokenize.NEWLINE:
            if start is not None:
                logical.append((start, line))
                for suppression in statement:
                    suppression.last = line
                start = None
        elif token.type not in SKIPPED_TOKENS:
            for suppression in before_line:
                suppression.first = suppression.last = line
            done.extend(before_line)
            before_line = []
            if start is None:
                start, statement = line, before_statement
                before_statement = []
                for suppression in statement:
                    suppression.first = line
                done.extend(statement)
    done.extend(before_statement + before_line)
    return SourceLines(sorted(done, key=lambda s: (s.line, s.column, s.start)), logical)


def _unused_reason(suppression: Suppression, selected: set[str]) -> tuple[str, tuple[str, ...]] | None:
    """Why a directive (or part of it) is unused, and the codes to keep; None when it is used."""
    if suppression.codes is None:
        return None if suppression.used else ("no finding here to silence", ())
    if not suppression.codes:
        return "it names no rule code", ()
    invalid = [c for c in suppression.codes if not re.fullmatch(CODE_PATTERN, c)]
    if invalid:
        return f"`{invalid[0]}` is not a rule code", tuple(c for c in suppression.codes if c not in invalid)
    # A code whose rule did not run (--select, --ignore) may be needed by another run: leave it be.
    unused = [c for c in suppression.codes if c in selected and c not in suppression.used]
    if not unused:
        return None
    return f"no {', '.join(unused)} finding here to silence", tuple(c for c in suppression.codes if c not in unused)


def _rewritten(container: cst.TrailingWhitespace | cst.EmptyLine, suppression: Suppression,
               keep: tuple[str, ...]) -> cst.CSTNode | cst.RemovalSentinel:
    """The comment's container with the directive narrowed to ``keep``, or without the directive."""
    comment = suppression.comment
    if keep:
        text = comment[:suppression.start] + directive(keep) + comment[suppression.end:]
    else:
        text = (comment[:suppression.start].rstrip() + " " + comment[suppression.end:].lstrip()).strip()
    if text:
        return container.with_changes(comment=cst.Comment(text if text.startswith("#") else "# " + text))
    if isinstance(container, cst.EmptyLine):
        return cst.RemovalSentinel.REMOVE
    return container.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)


class _Containers(cst.CSTVisitor):
    """Every line-end or own-line comment that holds a directive, keyed by where the comment starts."""

    def __init__(self, span: Span) -> None:
        super().__init__()
        self.span = span
        self.found: dict[tuple[int, int], tuple[cst.TrailingWhitespace | cst.EmptyLine, cst.Comment]] = {}

    def _add(self, node: cst.TrailingWhitespace | cst.EmptyLine) -> None:
        if node.comment is not None and MARKER in node.comment.value:
            start, _ = self.span(node.comment)
            self.found[start.line, start.column] = (node, node.comment)

    def visit_TrailingWhitespace(self, node: cst.TrailingWhitespace) -> None:
        self._add(node)

    def visit_EmptyLine(self, node: cst.EmptyLine) -> None:
        self._add(node)


def apply_suppressions(raws: list[RawFinding], text: str, module: cst.Module, rules: list[RuleSpec],
                       span: Span) -> list[RawFinding]:
    """The findings no directive silences, plus one finding per unused directive when its rule is selected."""
    if MARKER not in text:
        return raws
    try:
        suppressions = scan(text).suppressions
    except (tokenize.TokenError, SyntaxError):
        return raws
    kept = []
    for raw in raws:
        line = span(raw.node)[0].line
        covering = [s for s in suppressions if s.covers(raw.rule.code, line)]
        for suppression in covering:
            suppression.used.add(raw.rule.code)
        if not covering:
            kept.append(raw)
    unused_rule = next((rule for rule in rules if rule.kind == UNUSED_KIND), None)
    if unused_rule is None:
        return kept
    selected = {rule.code for rule in rules}
    reasons = [(s, reason) for s in suppressions if (reason := _unused_reason(s, selected)) is not None]
    if reasons:
        visitor = _Containers(span)
        module.visit(visitor)
        for suppression, (why, keep) in reasons:
            container, comment = visitor.found[suppression.line, suppression.column]
            replacement = _rewritten(container, suppression, keep)
            written = suppression.comment[suppression.start:suppression.end]
            kept.append(RawFinding(unused_rule, comment, unused_rule.render(directive=written, reason=why),
                                   unused_rule.fix, ((container, replacement),)))
    return kept


def directive(codes: set[str] | tuple[str, ...]) -> str:
    return f"# claude-migrate: ignore[{','.join(sorted(codes))}]"


def add_ignores(text: str, findings: list[Finding], rules: list[RuleSpec]) -> tuple[str, list[Finding]]:
    """The text with a directive for every finding (at the line's end, or above a statement of several lines),
    and the findings those directives silence; unused-suppression findings get none."""
    unused_codes = {rule.code for rule in rules if rule.kind == UNUSED_KIND}
    silenced = [f for f in findings if f.code not in unused_codes]
    if not silenced:
        return text, []
    logical = scan(text).logical
    lines = physical_lines(text)
    trailing: dict[int, set[str]] = {}
    above: dict[int, set[str]] = {}
    for finding in silenced:
        line = finding.start.line
        first, last = next(((a, b) for a, b in logical if a <= line <= b), (line, line))
        (trailing.setdefault(line, set()) if first == last else above.setdefault(first, set())).add(finding.code)
    for number in sorted({*trailing, *above}, reverse=True):
        body = lines[number - 1]
        content = body.rstrip("\r\n")
        ending = body[len(content):]
        if number in trailing:
            lines[number - 1] = f"{content}  {directive(trailing[number])}{ending}"
        else:
            indent = content[:len(content) - len(content.lstrip())]
            lines.insert(number - 1, f"{indent}{directive(above[number])}{ending or newline_of(text)}")
    return "".join(lines), silenced
