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
LineName = Callable[[int], str]  # how a message names a line of the analysed text ("line 7", "cell 3, line 2")


def hold_back_partial_requests(ctx: FileContext, raws: list[RawFinding], span: Span, line_name: LineName
                               ) -> list[RawFinding]:
    """``raws`` with each model-ID fix downgraded where its request keeps fields the same run does not fix, and
    each fix chosen for the target's model no safer than the fix that writes that model."""
    if Requests not in ctx.providers:
        return raws
    # without the model-ID rules in the run no model fix is written, so target fixes wait for a run that has them
    sites = ctx.provider(IdSites).sites if IdSites in ctx.providers else []
    id_strings = {id(site.string) for site in sites}
    by_model: dict[int, list[Request]] = {}
    for request in ctx.provider(Requests).all():
        hit = request.field("model")
        if isinstance(hit, FieldHit):
            by_model.setdefault(id(request.resolver.follow(hit.entry.reached()).node), []).append(request)
    raws = _hold_model_fixes(raws, id_strings, by_model, span, line_name)
    return _hold_target_fixes(raws, id_strings, by_model, span)


def _hold_model_fixes(raws: list[RawFinding], id_strings: set[int], by_model: dict[int, list[Request]],
                      span: Span, line_name: LineName) -> list[RawFinding]:
    """A model fix is unsafe while its request has an error this run leaves (or fixes less safely)."""
    fixes = [raw for raw in raws if id(raw.node) in id_strings and raw.replacements]
    errors = [raw for raw in raws if id(raw.node) not in id_strings and raw.rule.severity == "error"]
    if not fixes or not errors:
        return raws
    held: dict[int, RawFinding] = {}
    for raw in fixes:
        extents = _extents(by_model.get(id(raw.node), []), span)
        blocking = [other for other in errors if _fails_with(other, raw.safety) and _inside(other, extents, span)]
        if blocking:
            names = [f"{other.rule.code} ({line_name(span(other.node)[0].line)})" for other in blocking]
            named = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
            # a blocking finding that no fix resolves keeps the model where it is even with --unsafe-fixes
            safety = weakest(raw.safety, "unsafe" if all(other.replacements for other in blocking) else "manual")
            held[id(raw)] = dataclasses.replace(
                raw, safety=safety, replacements=() if safety == "manual" else raw.replacements,
                message=f"{raw.message}; the request also has {named}, which this run does not fix at the "
                        f"same safety: the model moves only with the rest of its request")
    return [held.get(id(raw), raw) for raw in raws]


def _hold_target_fixes(raws: list[RawFinding], id_strings: set[int], by_model: dict[int, list[Request]],
                       span: Span) -> list[RawFinding]:
    """A fix chosen for the model a request moves to (a newer tool version, a flag that model ignores) applies
    only with the model fix: alone it would change a request that still calls the old model (removing
    ``context-1m-2025-08-07`` from a Sonnet 4 call turns its 1M window off)."""
    targeted = [raw for raw in raws if raw.for_target and raw.replacements]
    if not targeted:
        return raws
    model_fixes = {id(raw.node): raw for raw in raws if id(raw.node) in id_strings and raw.replacements}
    held: dict[int, RawFinding] = {}
    for model_node, requests in by_model.items():
        moving = [request for request in requests if request.runs_on is not None and request.runs_on.moves]
        if not moving:
            continue
        model_fix = model_fixes.get(model_node)
        cap = model_fix.safety if model_fix is not None else "manual"
        extents = _extents(moving, span)
        for raw in targeted:
            if SAFETY_ORDER.index(cap) > SAFETY_ORDER.index(raw.safety) and _inside(raw, extents, span):
                note = ("which this run does not do, so nothing is fixed here" if cap == "manual"
                        else f"so this fix is {cap}, like that one")
                held[id(raw)] = dataclasses.replace(
                    raw, safety=cap, replacements=() if cap == "manual" else raw.replacements,
                    message=f"{raw.message}; that holds once the request's model is migrated, {note}")
    return [held.get(id(raw), raw) for raw in raws]


def _extents(requests: list[Request], span: Span) -> list[tuple[Position, Position]]:
    return [span(node) for request in requests for node in _extent(request)]


def _inside(raw: RawFinding, extents: list[tuple[Position, Position]], span: Span) -> bool:
    start, end = span(raw.node)
    return any(low <= start and end <= high for low, high in extents)


def _fails_with(other: RawFinding, safety: str) -> bool:
    """Whether ``other`` stays unfixed when fixes of ``safety`` apply: no fix, or a less safe one."""
    return not other.replacements or SAFETY_ORDER.index(other.safety) > SAFETY_ORDER.index(safety)


def _extent(request: Request) -> Iterator[cst.CSTNode]:
    """The call (or the batch item) and every value its arguments reach through names (dicts, lists and calls,
    inside out)."""
    yield request.extent
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
