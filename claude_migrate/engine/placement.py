"""Where the nodes of one parsed module stand in its text, from one lean code-generation pass.

libcst's ``PositionProvider`` places every node by writing the module out while it splits each token on line
breaks and builds two position objects per node; on modules with a finding that was more than half of the
analysis. This pass writes the module out once too but only counts characters, and turns the few offsets a run
asks for into lines and columns against the source text. It follows libcst's own rules for what a node's range
is (the syntactic range where a node records one, else everything it writes), so every range is the one
``PositionProvider`` (or, for :meth:`Placement.whole`, ``WhitespaceInclusivePositionProvider``) gives, and it
records the indentation libcst writes at the nodes a fix replaces.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Iterator
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
    dropped: str = ""
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
            self.dropped = self.tokens.pop()

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


class Placement:
    """Ranges and indentation of the nodes of ``module``, parsed from ``text``. The pass runs on the first
    question; a later question about a replaced node that pass did not watch runs one more."""

    def __init__(self, module: cst.Module, text: str, watched: Iterable[cst.CSTNode] = ()) -> None:
        self.module = module
        self.text = text
        self._watched = frozenset(map(id, watched))
        self._state: _CountingState | None = None

    def span(self, node: cst.CSTNode) -> tuple[Position, Position]:
        """The range ``PositionProvider`` gives: the node's code without the whitespace around it."""
        return self._positions(self._pass(()).syntactic[id(node)])

    def whole(self, node: cst.CSTNode) -> tuple[Position, Position]:
        """The range ``WhitespaceInclusivePositionProvider`` gives: all the code the node writes."""
        return self._positions(self._pass((node,)).whole[id(node)])

    def indents(self, node: cst.CSTNode) -> tuple[str, ...]:
        """The indentation tokens libcst writes at ``node``: one per enclosing indented block."""
        return self._pass((node,)).indents[id(node)]

    def text_between(self, start: Position, end: Position) -> str:
        starts = self._line_starts
        return self.text[starts[start.line - 1] + start.column:starts[end.line - 1] + end.column]

    def _pass(self, needs: tuple[cst.CSTNode, ...]) -> _CountingState:
        missing = {id(node) for node in needs} - self._watched
        if self._state is None or missing:
            self._watched |= missing
            state = _CountingState(default_indent=self.module.default_indent,
                                   default_newline=self.module.default_newline, watched=self._watched)
            self.module._codegen(state)
            self._state = state
        return self._state

    @cached_property
    def _line_starts(self) -> list[int]:
        """Where each line starts; a line break only libcst's count holds (the one it drops at the end of a
        module without one) starts a line as well."""
        lines = physical_lines(self.text + self._pass(()).dropped)
        ends = itertools.accumulate(len(line) for line in lines)
        return [0, *(end for line, end in zip(lines, ends) if line.endswith(("\n", "\r")))]

    def _positions(self, offsets: Offsets) -> tuple[Position, Position]:
        return self._position(offsets[0]), self._position(offsets[1])

    def _position(self, offset: int) -> Position:
        starts = self._line_starts
        line = bisect.bisect_right(starts, offset) - 1
        return Position(line + 1, offset - starts[line])
