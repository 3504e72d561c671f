"""One walk of a module that calls every rule's and provider's visit and leave methods, as
``libcst.visit_batched`` does, for less.

libcst's walk rebuilds every node it passes (a dataclass built and checked per node), formats two method
names per node and two more per field, and visits the whitespace and punctuation under every name, number,
string and operator; on modules with a finding that walk was most of the analysis. This one reads a node's
children straight from its fields, in the order libcst's own walk visits them (read once per node type from
libcst's source, see :func:`_fields`), finds a node's methods by its type's name, calls no per-field hooks,
and does not descend into nodes under which only tokens stand (whitespace, commas, brackets, operators).
The calls each visitor gets are the same, in the same order, as long as no visitor listens to a token
type or to a field; otherwise libcst's own walk runs.
On the way it notes which top-level statement holds each node it visits, so that findings can be placed
by writing out only the statements that hold them (:mod:`claude_migrate.engine.placement`).
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Callable, Iterable
from functools import cache

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


@cache
def _fields(kind: type[cst.CSTNode]) -> tuple[str, ...] | None:
    """The fields of ``kind`` that libcst's walk visits, in its order: the keywords of the node built in its
    ``_visit_and_replace_children``, each a ``visit_*(self, "field", ...)`` call. None when that method has
    another shape (or no source to read): libcst's walk visits such a node's children."""
    method = next(klass.__dict__["_visit_and_replace_children"] for klass in kind.__mro__
                  if "_visit_and_replace_children" in klass.__dict__)
    try:
        function = ast.parse(textwrap.dedent(inspect.getsource(method))).body[0]
    except (OSError, TypeError, SyntaxError):
        return None
    if not isinstance(function, ast.FunctionDef):
        return None
    if [type(statement) for statement in function.body] == [ast.Return] and \
            isinstance(function.body[0].value, ast.Name):
        return ()  # ``return self``: a leaf
    built = [node for node in ast.walk(function) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
             and node.func.id == kind.__name__]
    if len(built) != 1:
        return None
    fields = [field for keyword in built[0].keywords for field in _visited(keyword.value)]
    if len(fields) != len(set(fields)) or set(fields) != set(_visited(function)):
        return None  # a field visited twice, or a visit outside the node built
    return tuple(fields)


def _visited(code: ast.AST) -> list[str]:
    """The field names of the ``visit_*(self, "field", ...)`` calls in ``code``, each once."""
    return list(dict.fromkeys(call.args[1].value for call in ast.walk(code) if isinstance(call, ast.Call)
                              and isinstance(call.func, ast.Name) and call.func.id.startswith("visit_")
                              and len(call.args) > 1 and isinstance(call.args[1], ast.Constant)))


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

    def walk(self, node: cst.CSTNode) -> None:
        if self.on_visit(node):
            fields = _fields(type(node))
            if fields is None:
                node._visit_and_replace_children(self)
            else:
                for name in fields:
                    value = getattr(node, name)
                    if isinstance(value, cst.CSTNode):
                        self.walk(value)
                    elif isinstance(value, (tuple, list)):
                        for item in value:
                            self.walk(item)
        self.on_leave(node)

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
    walk.walk(module)
    return walk.holders
