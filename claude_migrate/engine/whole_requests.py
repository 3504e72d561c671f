"""A request moves as a whole: a model fix is only as safe as the fixes of the request's other invalid fields.

Rewriting a request's model while it still sends a tool version, beta flag, thinking shape, sampling parameter
or prefill that the target model rejects leaves the call failing for a new reason. Once all of one file's
findings are known, each model-ID fix is compared with the error findings on the rest of its request (the call,
and the values its arguments reach through names): any that ``fix`` would not apply at the model fix's safety
hold the model fix back to unsafe, and its message names them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import libcst as cst

from claude_migrate.analysis.context import FileContext, RawFinding
from claude_migrate.analysis.providers import IdSites
from claude_migrate.analysis.requests import FieldHit, Request, Requests
from claude_migrate.analysis.values import MAX_DEPTH, Reached
from claude_migrate.data.findings import SAFETY_ORDER, Position, weakest

Span = Callable[[cst.CSTNode], tuple[Position, Position]]


def hold_back_partial_requests(ctx: FileContext, raws: list[RawFinding], span: Span) -> list[RawFinding]:
    """``raws`` with each model-ID fix downgraded where its request keeps fields the same run does not fix."""
    if IdSites not in ctx.providers or Requests not in ctx.providers:
        return raws
    id_strings = {id(site.string) for site in ctx.provider(IdSites).sites}
    fixes = [raw for raw in raws if id(raw.node) in id_strings and raw.replacements]
    errors = [raw for raw in raws if id(raw.node) not in id_strings and raw.rule.severity == "error"]
    if not fixes or not errors:
        return raws
    by_model: dict[int, list[Request]] = {}
    for request in ctx.provider(Requests).all():
        hit = request.field("model")
        if isinstance(hit, FieldHit):
            by_model.setdefault(id(request.resolver.follow(hit.entry.reached()).node), []).append(request)
    held: dict[int, RawFinding] = {}
    for raw in fixes:
        extents = [span(node) for request in by_model.get(id(raw.node), []) for node in _extent(request)]
        blocking = [other for other in errors if _fails_with(other, raw.safety)
                    and any(start <= span(other.node)[0] and span(other.node)[1] <= end for start, end in extents)]
        if blocking:
            names = [f"{other.rule.code} (line {span(other.node)[0].line})" for other in blocking]
            named = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
            held[id(raw)] = dataclasses.replace(
                raw, safety=weakest(raw.safety, "unsafe"),
                message=f"{raw.message}; the request also has {named}, which this run does not fix at the "
                        f"same safety: the model moves only with the rest of its request")
    return [held.get(id(raw), raw) for raw in raws]


def _fails_with(other: RawFinding, safety: str) -> bool:
    """Whether ``other`` stays unfixed when fixes of ``safety`` apply: no fix, or a less safe one."""
    return not other.replacements or SAFETY_ORDER.index(other.safety) > SAFETY_ORDER.index(safety)


def _extent(request: Request) -> Iterator[cst.CSTNode]:
    """The call and every value its arguments reach through names (dicts, lists and calls, inside out)."""
    yield request.call
    seen: set[int] = set()
    pending = [(entry.reached(), 0) for entry in request.args.entries.values()]
    while pending:
        reached, depth = pending.pop()
        target = request.resolver.follow(reached)
        if depth > MAX_DEPTH or id(target.node) in seen:
            continue
        seen.add(id(target.node))
        node = target.node
        if target.via:
            yield node
        children: list[cst.BaseExpression] = []
        if isinstance(node, (cst.Dict, cst.List, cst.Tuple, cst.Set)):
            children = [element.value for element in node.elements]
        elif isinstance(node, cst.Call):
            children = [arg.value for arg in node.args]
        pending.extend((Reached(child, target.scope, target.via), depth + 1) for child in children)
