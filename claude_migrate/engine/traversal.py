"""One walk of a module that calls every rule's and provider's visit and leave methods, as
``libcst.visit_batched`` does, for less.

libcst's batched walk formats two method names per node and two more per field of every node, and visits
the whitespace and punctuation under every name, number, string and operator, rebuilding each of those nodes
as it goes; on modules with a finding that walk was most of the analysis. This one finds a node's methods by
its type's name once, calls no per-field hooks, and does not descend into nodes under which only tokens
stand (whitespace, commas, brackets, operators). The calls each visitor gets are the same, in the same
order, as long as no visitor listens to a token type or to a field; otherwise libcst's own walk runs.
On the way it notes which top-level statement holds each node it visits, so that findings can be placed
by writing out only the statements that hold them (:mod:`claude_migrate.engine.placement`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import libcst as cst

_TOKENS: tuple[type[cst.CSTNode], ...] = (
    cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.TrailingWhitespace, cst.EmptyLine, cst.Newline,
    cst.Comment, cst.Comma, cst.Dot, cst.Colon, cst.Semicolon, cst.AssignEqual, cst.ImportStar, cst.Asynchronous,
    cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
    cst.RightCurlyBrace, cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp,
)
# Nodes whose children are all tokens: their own methods run, their children are not walked.
_LEAVES: tuple[type[cst.CSTNode], ...] = (
    *_TOKENS, cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.Ellipsis,
    cst.FormattedStringText,
)


def _subclasses(kinds: tuple[type[cst.CSTNode], ...]) -> set[type[cst.CSTNode]]:
    found: set[type[cst.CSTNode]] = set()
    pending = list(kinds)
    while pending:
        kind = pending.pop()
        if kind not in found:
            found.add(kind)
            pending.extend(kind.__subclasses__())
    return found


TOKEN_NAMES = frozenset(kind.__name__ for kind in _subclasses(_TOKENS))
LEAF_NAMES = frozenset(kind.__name__ for kind in _subclasses(_LEAVES))

Method = Callable[[cst.CSTNode], None]


class _Walk(cst.CSTVisitor):
    def __init__(self, module: cst.Module, visits: dict[str, list[Method]], leaves: dict[str, list[Method]]) -> None:
        super().__init__()
        self.visits = visits
        self.leaves = leaves
        self.tops = {id(statement): index for index, statement in enumerate(module.body)}
        self.statement = -1
        self.holders: dict[int, int] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        key = id(node)
        self.statement = self.tops.get(key, self.statement)
        self.holders[key] = self.statement
        name = type(node).__name__
        for method in self.visits.get(name, ()):
            method(node)
        return name not in LEAF_NAMES

    def on_leave(self, original_node: cst.CSTNode) -> None:
        for method in self.leaves.get(type(original_node).__name__, ()):
            method(original_node)
        if id(original_node) in self.tops:
            self.statement = -1  # the module's footer follows the last statement

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        pass

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        pass


def visit_all(module: cst.Module, visitors: Iterable[cst.BatchableCSTVisitor]) -> dict[int, int]:
    """Call the visitors' ``visit_<Type>`` and ``leave_<Type>`` methods over ``module``, each in turn per node.
    Returns the index in ``module.body`` of the statement that holds each node visited (-1: none, the module and
    its header); empty after libcst's own walk."""
    visitors = list(visitors)
    visits: dict[str, list[Method]] = {}
    leaves: dict[str, list[Method]] = {}
    for visitor in visitors:
        for name, method in visitor.get_visitors().items():
            when, _, kind = name.partition("_")
            if "_" in kind or kind in TOKEN_NAMES:  # a field hook, or a token's: only libcst's walk calls it
                cst.visit_batched(module, visitors)
                return {}
            (visits if when == "visit" else leaves).setdefault(kind, []).append(method)
    walk = _Walk(module, visits, leaves)
    module.visit(walk)
    return walk.holders
