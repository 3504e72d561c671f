"""Where the nodes of one parsed module stand in its text, from lean code-generation passes.

libcst's ``PositionProvider`` places every node by writing the whole module out while it splits each token on
line breaks and builds two position objects per node; on modules with a finding that was more than half of the
analysis. Here only the top-level statements that hold a node asked about are written out (the whole module
when the statements' starts are not known), counting characters, and the few offsets a run asks for become
lines and columns against the source text. libcst's own rules for what a node's range is are followed (the
syntactic range where a node records one, else everything it writes), so every range is the one
``PositionProvider`` (or, for :meth:`Placement.whole`, ``WhitespaceInclusivePositionProvider``) gives; the
indentation libcst writes at the nodes a fix replaces is noted on the same pass.
"""

from __future__ import annotations

import ast
import bisect
import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst
from libcst._nodes.internal import CodegenState  # the hooks libcst's own position providers override

from claude_migrate.data.findings import Position
from claude_migrate.engine.source import physical_lines

Offsets = tuple[int, int]


@dataclass
class _CountingState(CodegenState):
    """A code-generation state that counts the characters written and records offsets: the syntactic range of
    every node, the whole range and the indentation of the ``watched`` nodes."""

    watched: frozenset[int] = frozenset()
    written: int = 0
    syntactic: dict[int, Offsets] = field(default_factory=dict)
    whole: dict[int, Offsets] = field(default_factory=dict)
    indents: dict[int, tuple[str, ...]] = field(default_factory=dict)
    _starts: list[int] = field(default_factory=list)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.written += len(value)

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        self.written += sum(map(len, self.indent_tokens))

    def pop_trailing_newline(self) -> None:
        """Drops the module's last newline from the output but, as libcst's providers do, not from the count."""
        if self.tokens:
            self.tokens.pop()

    def before_codegen(self, node: cst.CSTNode) -> None:
        self._starts.append(self.written)
        if id(node) in self.watched:
            self.indents[id(node)] = tuple(self.indent_tokens)

    def after_codegen(self, node: cst.CSTNode) -> None:
        span = (self._starts.pop(), self.written)
        key = id(node)
        self.syntactic.setdefault(key, span)
        if key in self.watched:
            self.whole[key] = span

    @contextmanager
    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> Iterator[None]:
        start = self.written
        yield
        end = self.written
        if start_node is not None:
            start = self.syntactic[id(start_node)][0]
        if end_node is not None:
            end = self.syntactic[id(end_node)][1]
        self.syntactic[id(node)] = (start, end)


def _first_lines(module: cst.Module, tree: ast.Module) -> list[int] | None:
    """The line on which each top-level statement's code starts (its own comment and blank lines first), from the
    running Python's line numbers; None when the two parses do not line up statement for statement."""
    lines: list[int] = []
    position = 0
    for statement in module.body:
        if position >= len(tree.body):
            return None
        first = tree.body[position]
        decorators: Sequence[cst.Decorator] = getattr(statement, "decorators", ())
        decorated = getattr(first, "decorator_list", None)
        line = decorated[0].lineno if decorators and decorated else first.lineno
        above = len(statement.leading_lines) + (len(decorators[0].leading_lines) if decorators else 0)
        lines.append(line - above)
        position += len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
    return lines if position == len(tree.body) else None


class Placement:
    """Ranges and indentation of the nodes of ``module``, parsed from ``text``, found when first asked for.

    Given which top-level statement holds each node (``holders``, from the analysis walk) and the running
    Python's parse of the text (``tree``, whose line numbers say where each statement starts), only the
    statements that hold a node asked about are written out; a statement whose code is not the text found at
    its start (the two parses disagree) turns this off, and the whole module is written out instead, as it is
    without them. A later question about a replaced node that was not watched writes its part out again."""

    def __init__(self, module: cst.Module, text: str, watched: Iterable[cst.CSTNode] = (),
                 holders: dict[int, int] | None = None, tree: ast.Module | None = None) -> None:
        self.module = module
        self.text = text
        self._watched = frozenset(map(id, watched))
        self._holders = holders or {}
        self._tree = tree
        self._syntactic: dict[int, Offsets] = {}
        self._whole: dict[int, Offsets] = {}
        self._indents: dict[int, tuple[str, ...]] = {}
        self._done: set[int] = set()  # statements written out (-1: the whole module)
        self._by_statement = tree is not None and bool(self._holders)

    def span(self, node: cst.CSTNode) -> tuple[Position, Position]:
        """The range ``PositionProvider`` gives: the node's code without the whitespace around it."""
        self._place(node, watch=False)
        return self._positions(self._syntactic[id(node)])

    def whole(self, node: cst.CSTNode) -> tuple[Position, Position]:
        """The range ``WhitespaceInclusivePositionProvider`` gives: all the code the node writes."""
        self._place(node, watch=True)
        return self._positions(self._whole[id(node)])

    def indents(self, node: cst.CSTNode) -> tuple[str, ...]:
        """The indentation tokens libcst writes at ``node``: one per enclosing indented block."""
        self._place(node, watch=True)
        return self._indents[id(node)]

    def text_between(self, start: Position, end: Position) -> str:
        starts = self._line_starts
        return self.text[starts[start.line - 1] + start.column:starts[end.line - 1] + end.column]

    def _statement(self, node: cst.CSTNode) -> int:
        """The top-level statement whose code holds ``node``; -1 when only the whole module's code will do."""
        statement = self._holders.get(id(node), -1)
        return statement if self._by_statement and self._statement_starts is not None else -1

    def _place(self, node: cst.CSTNode, watch: bool) -> None:
        if watch and id(node) not in self._watched:
            self._watched |= {id(node)}
            self._done.difference_update({-1, self._statement(node)})  # to note its whole range and indentation
        statement = self._statement(node)
        if statement in self._done or -1 in self._done:
            return
        if statement == -1:
            self._write(self.module, 0)
            self._done.add(-1)
            return
        start = self._statement_starts[statement]  # type: ignore[index]
        if self.text.startswith(self._write(self.module.body[statement], start), start):
            self._done.add(statement)
            return
        self._by_statement = False  # the two parses disagree: what was noted may be wrong
        for noted in (self._syntactic, self._whole, self._indents, self._done):
            noted.clear()
        self._write(self.module, 0)
        self._done.add(-1)

    def _write(self, node: cst.CSTNode, start: int) -> str:
        """Write ``node`` out from offset ``start``, noting the offsets of what it holds; its code."""
        state = _CountingState(default_indent=self.module.default_indent, default_newline=self.module.default_newline,
                               watched=self._watched, written=start, syntactic=self._syntactic, whole=self._whole,
                               indents=self._indents)
        node._codegen(state)
        return "".join(state.tokens)

    @cached_property
    def _statement_starts(self) -> list[int] | None:
        lines = _first_lines(self.module, self._tree) if self._tree is not None else None
        if lines is None or not all(0 < line <= len(self._line_starts) for line in lines):
            return None
        return [self._line_starts[line - 1] for line in lines]

    @cached_property
    def _line_starts(self) -> list[int]:
        lines = physical_lines(self.text)
        ends = itertools.accumulate(len(line) for line in lines)
        return [0, *(end for line, end in zip(lines, ends) if line.endswith(("\n", "\r")))]

    def _positions(self, offsets: Offsets) -> tuple[Position, Position]:
        return self._position(offsets[0]), self._position(offsets[1])

    def _position(self, offset: int) -> Position:
        starts = self._line_starts
        if offset > len(self.text):  # the end of a module without a final newline: libcst counts the one it drops
            return Position(len(starts) + 1, 0)
        line = bisect.bisect_right(starts, offset) - 1
        return Position(line + 1, offset - starts[line])
