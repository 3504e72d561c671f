"""Rule kinds for code that handles what the model sends back: removed tool commands, stop reasons the code
does not handle, and request shapes a model rejects (assistant prefill)."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


@register("stop-reason-dispatch")
class StopReasonDispatch(RuleKind):
    """An if/elif chain or ``match`` on ``field`` that names at least ``min_cases`` values, none of them
    ``required``, with no ``else``/``case _`` to catch the rest."""

    PARAMS = {"field": Param("str", required=True), "required": Param("str", required=True),
              "min_cases": Param("int", default=2)}
    MESSAGE_FIELDS = frozenset({"field", "values", "required"})

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__(spec, ctx)
        self._elifs: set[int] = set()

    def _is_subject(self, node: cst.BaseExpression) -> bool:
        field = self.params["field"]
        if isinstance(node, cst.Name):
            return node.value == field
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
        other = target.comparator if self._is_subject(test.left) else (
            test.left if self._is_subject(target.comparator) else None)
        return [text for s in _strings(other) if (text := literal_text(s)) is not None] if other is not None else []

    def visit_If(self, node: cst.If) -> None:
        if id(node) in self._elifs:
            return
        values: list[str] = []
        current: cst.If | None = node
        while current is not None:
            found = self._values(current.test)
            if found is None:
                return
            values += found
            orelse = current.orelse
            if isinstance(orelse, cst.Else):
                return
            current = orelse if isinstance(orelse, cst.If) else None
            if current is not None:
                self._elifs.add(id(current))
        self._check(node.test, values)

    def visit_Match(self, node: cst.Match) -> None:
        if not self._is_subject(node.subject):
            return
        values: list[str] = []
        for case in node.cases:
            patterns = [element.pattern for element in case.pattern.patterns] if isinstance(
                case.pattern, cst.MatchOr) else [case.pattern]
            for pattern in patterns:
                if isinstance(pattern, cst.MatchAs) and pattern.pattern is None and case.guard is None:
                    return  # case _: / case other:
                if isinstance(pattern, cst.MatchValue):
                    values += [text for s in _strings(pattern.value) if (text := literal_text(s)) is not None]
        self._check(node.subject, values)

    def _check(self, node: cst.CSTNode, values: list[str]) -> None:
        distinct = list(dict.fromkeys(values))
        if len(distinct) >= self.params["min_cases"] and self.params["required"] not in distinct:
            self.report(node, field=self.params["field"], required=self.params["required"],
                        values=", ".join(f'"{value}"' for value in distinct))


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
