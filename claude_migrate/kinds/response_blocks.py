"""``first-content-block``: code that reads the reply's first content block as text (``response.content[0].text``)
after a request that may start its reply with a thinking block, because the model thinks when the request does not
say otherwise. Linking the read to its request needs the request provider and the scopes of the names between."""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

from claude_migrate.analysis.bindings import Bindings, Scope
from claude_migrate.analysis.requests import Request, Requests
from claude_migrate.data.catalogue import Model
from claude_migrate.kinds.base import Param, register
from claude_migrate.kinds.request_kind import RequestKind, models_where

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext
    from claude_migrate.data.rules import RuleSpec


def _first_block_read(node: cst.Attribute, field: str, attribute: str) -> cst.BaseExpression | None:
    """The reply expression of ``<reply>.<field>[0].<attribute>``; None for any other attribute access."""
    if node.attr.value != attribute or not isinstance(node.value, cst.Subscript):
        return None
    subscript = node.value
    if len(subscript.slice) != 1 or not isinstance(index := subscript.slice[0].slice, cst.Index):
        return None
    if not isinstance(index.value, cst.Integer) or index.value.value != "0":
        return None
    blocks = subscript.value
    if not isinstance(blocks, cst.Attribute) or blocks.attr.value != field:
        return None
    return blocks.value


def _shown(reply: cst.BaseExpression) -> str:
    """The reply as the message names it: its name, or ``response`` for a longer expression."""
    expression = _unawaited(reply)
    return expression.value if isinstance(expression, cst.Name) else "response"


def _unawaited(node: cst.BaseExpression | None) -> cst.BaseExpression | None:
    return node.expression if isinstance(node, cst.Await) else node


@register("first-content-block")
class FirstContentBlock(RequestKind):
    """Reports ``reply.content[0].text`` where ``reply`` is the answer of a request (directly, or through a name
    every binding of which is such a request) that sets no thinking and runs on a model the ``model`` test picks."""

    REQUIRES = (Requests, Bindings)
    PARAMS = {
        "methods": Param("str_list", required=True),
        "field": Param("str", required=True),
        "attribute": Param("str", required=True),
        "model": Param("model_test", required=True),
    }
    MESSAGE_FIELDS = frozenset({"reply", "field", "attribute", "model"})

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__(spec, ctx)
        self._reads: list[tuple[cst.Attribute, cst.BaseExpression, Scope]] = []
        self._thinking: dict[int, tuple[Model, ...]] = {}  # request call -> the models that think unasked

    def visit_Attribute(self, node: cst.Attribute) -> None:
        reply = _first_block_read(node, self.params["field"], self.params["attribute"])
        if reply is not None:
            self._reads.append((node, reply, self.ctx.provider(Bindings).current))

    def check_request(self, request: Request) -> None:
        if request.calls(self.params["methods"]) and request.thinking_type() is None:
            if models := models_where(request, self.params["model"]):
                self._thinking[id(request.call)] = models

    def leave_Module(self, original_node: cst.Module) -> None:
        if not self._reads:
            return
        super().leave_Module(original_node)
        requests = {id(request.call): request for request in self.ctx.provider(Requests).all()}
        for node, reply, scope in self._reads:
            calls = _reply_calls(reply, scope)
            if not calls or not all(id(call) in requests for call in calls):
                continue  # the name is also bound to something that is not a request's answer
            thinking = [call for call in calls if id(call) in self._thinking]
            if thinking:
                models = tuple({m.key: m for call in thinking for m in self._thinking[id(call)]}.values())
                runs_on = requests[id(thinking[0])].runs_on
                assert runs_on is not None
                self.report(node, reply=_shown(reply), field=self.params["field"],
                            attribute=self.params["attribute"], model=runs_on.describe(models))


def _reply_calls(reply: cst.BaseExpression, scope: Scope) -> list[cst.BaseExpression]:
    """What ``reply`` is the value of: the expression itself, or every value its name is bound to; none when one of
    its bindings has no value (a loop target, a parameter, an import), so the read may see something else."""
    expression = _unawaited(reply)
    if not isinstance(expression, cst.Name):
        return [expression] if expression is not None else []
    owner: Scope | None = scope
    while owner is not None and expression.value not in owner.bindings:
        owner = owner.parent
    if owner is None:
        return []
    values = [_unawaited(binding.value) for binding in owner.bindings[expression.value]]
    return [value for value in values if value is not None] if all(values) else []
