"""Rule kinds for code that handles what the model sends back: removed tool commands, stop reasons the code
does not handle, and request shapes a model rejects (assistant prefill)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

import libcst as cst

from claude_migrate.kinds.base import Param, RuleKind, register
from claude_migrate.kinds.request_kind import TargetKind
from claude_migrate.analysis.providers import Imports
from claude_migrate.analysis.requests import Request
from claude_migrate.analysis.strings import literal_text
from claude_migrate.analysis.values import Entry, MappingView

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext
    from claude_migrate.data.rules import RuleSpec

N = TypeVar("N", bound=cst.CSTNode)
LITERAL_TYPES = frozenset({"typing.Literal", "typing_extensions.Literal"})


def _strings(node: cst.BaseExpression) -> list[cst.SimpleString]:
    """The string literals a comparison operand stands for (``x in ("a", "b")`` counts both)."""
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return [s for element in node.elements for s in _strings(element.value)]
    return [node] if isinstance(node, cst.SimpleString) else []


@register("handled-value")
class HandledValue(RuleKind):
    """A string the model no longer sends, used where code handles it: comparisons, ``Literal[...]``, Enum
    members, ``match`` cases, dict keys (a dispatch table) and keyword arguments (a test that sends it)."""

    PARAMS = {"value": Param("str", required=True)}
    MESSAGE_FIELDS = frozenset({"value", "context"})
    REQUIRES = (Imports,)

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__(spec, ctx)
        self._enum_depth = 0
        self._class_enums: list[bool] = []

    def _check(self, node: cst.BaseExpression, context: str) -> None:
        for string in _strings(node):
            if literal_text(string) == self.params["value"]:
                self.report(string, value=self.params["value"], context=context)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._check(node.left, "a comparison")
        for target in node.comparisons:
            self._check(target.comparator, "a comparison")

    def visit_Subscript(self, node: cst.Subscript) -> None:
        qualified = self.ctx.provider(Imports).table.qualify(node.value)
        if qualified in LITERAL_TYPES or (qualified is None and isinstance(node.value, cst.Name)
                                          and node.value.value == "Literal"):
            for element in node.slice:
                if isinstance(element.slice, cst.Index):
                    self._check(element.slice.value, "a Literal type")

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        names = [arg.value.attr.value if isinstance(arg.value, cst.Attribute) else getattr(arg.value, "value", "")
                 for arg in node.bases]
        self._class_enums.append(any(isinstance(name, str) and name.endswith("Enum") for name in names))

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._class_enums.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._class_enums.append(False)  # statements in a method are not Enum members

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._class_enums.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._class_enums and self._class_enums[-1]:
            self._check(node.value, "an Enum member")

    def visit_MatchValue(self, node: cst.MatchValue) -> None:
        self._check(node.value, "a match case")

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._check(node.key, "a dictionary key")

    def visit_Arg(self, node: cst.Arg) -> None:
        # ``await tool(command="undo_edit", path=...)``: a test or caller that exercises the command
        if node.keyword is not None:
            self._check(node.value, f"the `{node.keyword.value}=` argument of a call")


def _mentions(nodes: Sequence[cst.CSTNode], value: str) -> bool:
    """Whether any of ``nodes`` holds the string literal ``value``."""
    return any(literal_text(s) == value for node in nodes for s in _descendants(node, cst.SimpleString))


def _reads(nodes: Sequence[cst.CSTNode], field: str) -> bool:
    """Whether any of ``nodes`` reads ``x.field`` or ``x["field"]``."""
    return any(node.attr.value == field for tree in nodes for node in _descendants(tree, cst.Attribute)) or \
        _mentions(nodes, field)


def _descendants(node: cst.CSTNode, kind: type[N]) -> list[N]:
    found: list[N] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, child: cst.CSTNode) -> bool:
            if isinstance(child, kind):
                found.append(child)
            return True

    node.visit(Collect())
    return found


def _raises(statement: cst.BaseStatement | None) -> bool:
    """Whether ``statement`` is a ``raise``: a catch-all after a dispatch that lets nothing through."""
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.Raise) for small in statement.body)


class StopReasonKind(RuleKind):
    """Shared logic: which expressions read ``field`` (also through a local alias such as ``reason =
    resp.stop_reason``), and the statements of each block in order, where a dispatch and what follows it are."""

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__(spec, ctx)
        self._aliases: set[str] = set()

    def _is_subject(self, node: cst.BaseExpression) -> bool:
        field = self.params["field"]
        if isinstance(node, cst.Name):
            return node.value == field or node.value in self._aliases
        if isinstance(node, cst.Attribute):
            return node.attr.value == field
        if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index):
            return literal_text(node.slice[0].slice.value) == field
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get":
            return bool(node.args) and literal_text(node.args[0].value) == field
        return False

    def _values(self, test: cst.BaseExpression) -> list[str] | None:
        """The values a test compares the subject with by ``==``/``in``; None for a negated comparison."""
        if isinstance(test, cst.BooleanOperation) and isinstance(test.operator, cst.Or):
            left, right = self._values(test.left), self._values(test.right)
            return None if left is None or right is None else left + right
        if not isinstance(test, cst.Comparison) or len(test.comparisons) != 1:
            return []
        target = test.comparisons[0]
        if isinstance(target.operator, (cst.NotEqual, cst.NotIn, cst.IsNot)):
            return None if self._is_subject(test.left) or self._is_subject(target.comparator) else []
        if not isinstance(target.operator, (cst.Equal, cst.In)):
            return []
        return self._compared(test)

    def _compared(self, test: cst.Comparison) -> list[str]:
        """The string values one comparison sets beside the subject, whatever its operator."""
        target = test.comparisons[0]
        other = target.comparator if self._is_subject(test.left) else (
            test.left if self._is_subject(target.comparator) else None)
        return [text for s in _strings(other) if (text := literal_text(s)) is not None] if other is not None else []

    def _block(self, body: Sequence[cst.BaseStatement]) -> None:
        for statement in body:
            for small in statement.body if isinstance(statement, cst.SimpleStatementLine) else ():
                if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                        small.targets[0].target, cst.Name) and self._is_subject(small.value):
                    self._aliases.add(small.targets[0].target.value)
        self.check_block(list(body))

    def visit_Module(self, node: cst.Module) -> None:
        self._block(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._block(node.body)

    def check_block(self, body: list[cst.BaseStatement]) -> None:
        raise NotImplementedError


@register("stop-reason-dispatch")
class StopReasonDispatch(StopReasonKind):
    """A dispatch on ``field`` (an if/elif chain, several ``if`` statements in one block, or a ``match``) that
    names at least ``min_cases`` values, none of them ``required``, with no catch-all: an ``else``, ``case _``,
    a negated test, or a ``raise`` right after it."""

    PARAMS = {"field": Param("str", required=True), "required": Param("str", required=True),
              "min_cases": Param("int", default=2)}
    MESSAGE_FIELDS = frozenset({"field", "values", "required"})

    def _chain(self, node: cst.If) -> list[str] | None:
        """The values an if/elif chain names; None when it has a catch-all (``else`` or a negated test)."""
        values: list[str] = []
        current: cst.If | None = node
        while current is not None:
            found = self._values(current.test)
            if found is None or isinstance(current.orelse, cst.Else):
                return None
            values += found
            current = current.orelse if isinstance(current.orelse, cst.If) else None
        return values

    def _cases(self, node: cst.Match) -> list[str] | None:
        """The values a ``match`` on the subject names; None when a ``case _`` catches the rest."""
        if not self._is_subject(node.subject):
            return []
        values: list[str] = []
        for case in node.cases:
            patterns = [element.pattern for element in case.pattern.patterns] if isinstance(
                case.pattern, cst.MatchOr) else [case.pattern]
            for pattern in patterns:
                if isinstance(pattern, cst.MatchAs) and pattern.pattern is None and case.guard is None:
                    return None  # case _: / case other:
                if isinstance(pattern, cst.MatchValue):
                    values += [text for s in _strings(pattern.value) if (text := literal_text(s)) is not None]
        return values

    def check_block(self, body: list[cst.BaseStatement]) -> None:
        """The ``if`` statements on the subject in one block are one dispatch (``if r == "tool_use": ...`` then
        ``if r == "end_turn": ...``); a ``match`` is one by itself."""
        dispatch: list[str] = []
        first: cst.CSTNode | None = None
        caught = False
        for index, statement in enumerate(body):
            if isinstance(statement, cst.Match):
                cases = self._cases(statement)
                if cases is not None and not _raises(body[index + 1] if index + 1 < len(body) else None):
                    self._check(statement.subject, cases)
            if not isinstance(statement, cst.If):
                continue
            values = self._chain(statement)
            if values is None:
                caught = caught or self._on_subject(statement)
                continue
            if values:
                first = first or statement.test
                dispatch += values
                if _raises(body[index + 1] if index + 1 < len(body) else None):
                    caught = True
        if first is not None and not caught:
            self._check(first, dispatch)

    def _on_subject(self, node: cst.If) -> bool:
        """Whether a chain with a catch-all tests the subject (then it catches for the whole dispatch)."""
        current: cst.If | None = node
        while current is not None:
            found = self._values(current.test)
            if found is None or found:
                return True
            current = current.orelse if isinstance(current.orelse, cst.If) else None
        return False

    def _check(self, node: cst.CSTNode, values: list[str]) -> None:
        distinct = list(dict.fromkeys(values))
        if len(distinct) >= self.params["min_cases"] and self.params["required"] not in distinct:
            self.report(node, field=self.params["field"], required=self.params["required"],
                        values=", ".join(f'"{value}"' for value in distinct))


@register("tool-loop-final-answer")
class ToolLoopFinalAnswer(StopReasonKind):
    """A tool loop that goes on while ``field`` is ``loop_value`` and reads ``reads`` (the answer) for every other
    stop reason, with no word of ``required``: ``while r == "tool_use": ...`` then ``resp.content[0].text``, or
    ``if r != "tool_use": return resp.content...``, or the ``else`` of ``if r == "tool_use"``."""

    PARAMS = {"field": Param("str", required=True), "loop_value": Param("str", required=True),
              "required": Param("str", required=True), "reads": Param("str", required=True)}
    MESSAGE_FIELDS = frozenset({"field", "loop_value"})

    def _tests(self, test: cst.BaseExpression, operators: tuple[type[cst.BaseCompOp], ...]) -> bool:
        """Whether ``test`` compares the subject with ``loop_value`` alone by one of ``operators``."""
        return isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(
            test.comparisons[0].operator, operators) and self._compared(test) == [self.params["loop_value"]]

    def _final(self, nodes: Sequence[cst.CSTNode]) -> bool:
        """Whether ``nodes`` take the answer without asking about ``required``."""
        return _reads(nodes, self.params["reads"]) and not _mentions(nodes, self.params["required"])

    def check_block(self, body: list[cst.BaseStatement]) -> None:
        for index, statement in enumerate(body):
            if isinstance(statement, cst.While) and self._tests(statement.test, (cst.Equal, cst.In)) and \
                    self._final(body[index + 1:]):
                self._report(statement.test)
            elif isinstance(statement, cst.If) and self._tests(statement.test, (cst.NotEqual, cst.NotIn)) and \
                    self._final([statement.body]):
                self._report(statement.test)
            elif isinstance(statement, cst.If) and self._tests(statement.test, (cst.Equal, cst.In)) and \
                    isinstance(statement.orelse, cst.Else) and self._final([statement.orelse]):
                self._report(statement.test)

    def _report(self, node: cst.CSTNode) -> None:
        self.report(node, field=self.params["field"], loop_value=self.params["loop_value"])


@register("assistant-prefill-on-target")
class AssistantPrefillOnTarget(TargetKind):
    """A literal ``messages`` list ending in an assistant turn, for a model the catalogue says rejects prefill."""

    MESSAGE_FIELDS = frozenset({"model"})

    def check_request(self, request: Request) -> None:
        messages = request.sequence("messages")
        if not isinstance(messages, list) or not messages:
            return
        last = request.resolver.mapping(messages[-1])
        role = last.get("role") if isinstance(last, MappingView) else None
        if not isinstance(role, Entry) or request.resolver.text(role.reached()) != "assistant":
            return
        models = self.affected(request, lambda m: not m.prefill)
        if models:
            self.report(messages[-1].node, model=self.describe(request, models))
