"""Find the calls that send a Claude request on every surface and read their logical fields (model, max_tokens,
thinking, tools, betas, sampling, tool_choice, messages) wherever that surface keeps them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import libcst as cst

from claude_migrate.analysis.bindings import Bindings, Scope
from claude_migrate.analysis.botocore_check import ParamProblem, validate
from claude_migrate.data.catalogue import Model
from claude_migrate.analysis.context import Provider
from claude_migrate.analysis.providers import Imports, service_name
from claude_migrate.analysis.runs_on import RunsOn
from claude_migrate.analysis.strings import literal_text
from claude_migrate.data.surfaces import KeyPath, Surface
from claude_migrate.analysis.values import UNKNOWN, Entry, MappingView, PartialDict, Reached, Resolver, Unknown, Via, known_part

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext


@dataclass(frozen=True)
class FieldHit:
    """Where a logical field is written in one request: its entry and the surface's own path to it."""

    entry: Entry
    path: KeyPath

    @property
    def label(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class BetaFlag:
    """One beta flag: the string literal holding it and, in a list, the list element (None in a header string)."""

    text: str
    node: cst.SimpleString
    element: cst.Element | None


@dataclass(frozen=True)
class BetaFlags:
    """The beta flags of a request: a list literal of flags or one comma-separated header string."""

    hit: FieldHit
    holder: cst.BaseExpression
    flags: tuple[BetaFlag, ...]
    complete: bool  # False when some items are not literals
    via: Via

    @property
    def texts(self) -> list[str]:
        return [flag.text for flag in self.flags]


@dataclass
class Request:
    """One call that sends a request, with its keyword arguments as a mapping."""

    call: cst.Call
    surface: Surface
    args: MappingView
    resolver: Resolver
    runs_on: RunsOn | None  # None: the model is a static string naming no Claude model in the catalogue
    scope: Scope | None = None  # where the call's names resolve
    item: cst.BaseExpression | None = None  # one request of several the call sends: the mapping of its fields

    @property
    def extent(self) -> cst.CSTNode:
        """The node that holds this request's own fields: the call, or its item of a batch."""
        return self.item if self.item is not None else self.call

    @property
    def method(self) -> str:
        """The attribute path called, as written: ``client.beta.messages.create`` gives ``beta.messages.create``
        and everything before it (``self.client...`` keeps ``client``)."""
        parts: list[str] = []
        node: cst.BaseExpression = self.call.func
        while isinstance(node, cst.Attribute):
            parts.insert(0, node.attr.value)
            node = node.value
        return ".".join(parts)

    def calls(self, methods: list[str]) -> bool:
        """Whether the call is to one of ``methods`` (``messages.create`` also matches ``beta.messages.create``
        unless listed with its ``beta.`` prefix only)."""
        return any(f".{self.method}".endswith(f".{method}") for method in methods)

    def field(self, name: str) -> FieldHit | None | Unknown:
        """Where ``name`` is written; None when it certainly is not, UNKNOWN when it may be written out of sight."""
        unknown = False
        for path in self.surface.paths(name):
            entry = self.resolver.walk(self.args, path)
            if isinstance(entry, Entry):
                return FieldHit(entry, path)
            unknown |= entry is UNKNOWN
        return UNKNOWN if unknown else None

    def value(self, name: str) -> Any:
        """The static value of a field, None when it is absent, UNKNOWN when it cannot be known."""
        hit = self.field(name)
        if not isinstance(hit, FieldHit):
            return hit
        return self.resolver.value(hit.entry.reached())

    def mapping(self, name: str) -> MappingView | None:
        hit = self.field(name)
        return self.resolver.mapping(hit.entry.reached(), hit.entry) if isinstance(hit, FieldHit) else None

    def sequence(self, name: str) -> list[Reached] | None | Unknown:
        """The elements of a list field; None when the field is absent, UNKNOWN when they cannot be known."""
        hit = self.field(name)
        if not isinstance(hit, FieldHit):
            return hit
        elements = self.resolver.sequence(hit.entry.reached())
        return UNKNOWN if elements is None else elements

    def beta_flags(self) -> BetaFlags | None | Unknown:
        hit = self.field("betas")
        if not isinstance(hit, FieldHit):
            return hit
        target = self.resolver.follow(hit.entry.reached())
        holder = target.node
        if isinstance(holder, cst.SimpleString) and (text := literal_text(holder)) is not None:
            flags = tuple(BetaFlag(part.strip(), holder, None) for part in text.split(",") if part.strip())
            return BetaFlags(hit, holder, flags, True, target.via)
        if not isinstance(holder, (cst.List, cst.Tuple)):
            return UNKNOWN
        found, complete, via = [], True, target.via
        for element in holder.elements:
            item = self.resolver.follow(Reached(element.value, target.scope, target.via))
            if isinstance(element, cst.Element) and isinstance(item.node, cst.SimpleString) and \
                    (text := literal_text(item.node)) is not None:
                found.append(BetaFlag(text, item.node, element))
                via = (*via, *item.via[len(target.via):])
            else:
                complete = False
        return BetaFlags(hit, holder, tuple(found), complete, via)

    def locate(self, path: tuple[str | int, ...]) -> cst.CSTNode:
        """The deepest node written for a parameter path such as ``("messages", 0, "content")``."""
        node: cst.CSTNode = self.extent
        view: MappingView | None = self.args
        reached: Reached | None = None
        for part in path:
            if isinstance(part, str):
                entry = view.get(part) if view is not None else None
                if not isinstance(entry, Entry):
                    break
                node, reached = entry.element, entry.reached()
            else:
                elements = self.resolver.sequence(reached) if reached is not None else None
                if elements is None or part >= len(elements):
                    break
                reached = elements[part]
                node = reached.node
            view = self.resolver.mapping(reached)
        return node

    @cached_property
    def botocore_problems(self) -> list[ParamProblem]:
        """What botocore's validator says about the statically known part of this request (boto3 surfaces)."""
        if self.surface.service is None or not isinstance(self.call.func, cst.Attribute):
            return []
        trimmed: set[tuple[str | int, ...]] = set()
        args = {key: self.resolver.value(entry.reached()) for key, entry in self.args.entries.items()}
        params = known_part(args if self.args.complete else PartialDict(args), trimmed=trimmed)
        return [problem for problem in validate(self.surface.service, self.call.func.attr.value, params)
                if not (problem.incomplete and problem.path in trimmed)]

    def thinking_type(self) -> str | None | Unknown:
        """``enabled``, ``adaptive``, ``disabled``; None when the request does not set thinking."""
        thinking = self.value("thinking")
        if thinking is None or thinking is UNKNOWN:
            return thinking
        kind = thinking.get("type", UNKNOWN) if isinstance(thinking, dict) else UNKNOWN
        return kind if isinstance(kind, str) else UNKNOWN


class Requests(Provider):
    """Every call in the file that sends a Claude request, on any surface, under any import alias."""

    REQUIRES = (Imports, Bindings)

    # No properties here: libcst's batching inspects every attribute of a visitor before the traversal.
    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.resolver = Resolver(ctx.provider(Bindings), ctx.provider(Imports).table,
                                 ctx.data.surfaces.mapping_types)
        self._calls: list[tuple[cst.Call, Scope]] = []
        self._requests: list[Request] | None = None
        self._by_tool_dict: dict[int, list[Request]] | None = None

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append((node, self.ctx.provider(Bindings).current))

    def all(self) -> list[Request]:
        """The requests, in source order (ask once the whole module has been visited)."""
        if self._requests is None:
            self._requests = []
            for call, scope in self._calls:
                surface = self._surface(call, scope)
                if surface is None:
                    continue
                args = self.resolver.call_view(call, scope, positional=surface.positional)
                for view, item in self._items(args, surface):
                    request = Request(call, surface, view, self.resolver, None, scope, item)
                    request.runs_on = self._runs_on(request)
                    self._requests.append(request)
        return self._requests

    def _items(self, args: MappingView, surface: Surface) -> list[tuple[MappingView, cst.BaseExpression | None]]:
        """The requests one call sends: its own arguments, or each known element of a batch's list (an element
        whose fields cannot be reached is no request here: nothing is guessed)."""
        if surface.each_request is None:
            return [(args, None)]
        items, inner = surface.each_request
        entry = self.resolver.walk(args, items)
        elements = self.resolver.sequence(entry.reached()) if isinstance(entry, Entry) else None
        found: list[tuple[MappingView, cst.BaseExpression | None]] = []
        for element in elements or ():
            view = self.resolver.mapping(element)
            fields = self.resolver.view_at(view, inner) if view is not None else None
            if isinstance(fields, MappingView):
                found.append((fields, fields.container))
        return found

    def client_of(self, request: Request) -> str | None:
        """The qualified call that built the request's client (``anthropic.AnthropicBedrock``), or the client
        class a parameter is annotated with; None when the code does not show it (an attribute, a factory)."""
        node: cst.BaseExpression = request.call.func
        while isinstance(node, cst.Attribute) and request.scope is not None:
            node = node.value
            built = self.resolver.follow(Reached(node, request.scope))
            if isinstance(built.node, cst.Call):
                return self._chain(built)
            if isinstance(built.node, cst.Name) and built.scope is not None:
                annotation = self.resolver.bindings.annotation_of(built.node.value, built.scope)
                qualified = self.ctx.provider(Imports).table.qualify(annotation) if annotation is not None else None
                if qualified in request.surface.clients:
                    return qualified
        return None

    def shared(self, via: Via) -> list[str]:
        """The names among ``via`` that other code reads too, so an edit through them changes more than one call."""
        bindings = self.ctx.provider(Bindings)
        return list(dict.fromkeys(binding.name for binding in via if bindings.loads(binding) > 1))

    def using_tool(self, node: cst.CSTNode) -> list[Request]:
        """The requests that send the tool definition written as ``node``."""
        if self._by_tool_dict is None:
            self._by_tool_dict = {}
            for request in self.all():
                elements = request.sequence("tools")
                for element in elements if isinstance(elements, list) else ():
                    self._by_tool_dict.setdefault(id(self.resolver.follow(element).node), []).append(request)
        return self._by_tool_dict.get(id(node), [])

    # -- recognising a request
    def _surface(self, call: cst.Call, scope: Scope) -> Surface | None:
        surfaces = self.ctx.data.surfaces
        qualified = self.ctx.provider(Imports).table.qualify(call.func)
        if qualified is not None and (surface := surfaces.constructor(qualified)) is not None:
            return surface
        if not isinstance(call.func, cst.Attribute):
            return None
        for surface in surfaces.method_surfaces:
            for method in sorted(surface.methods, key=len, reverse=True):
                receiver = _receiver(call.func, method)
                if receiver is not None and self._is_client(receiver, scope, surface):
                    return surface
        return None

    def _is_client(self, receiver: cst.BaseExpression, scope: Scope, surface: Surface) -> bool:
        built = self.resolver.follow(Reached(receiver, scope))
        chain = self._chain(built) if isinstance(built.node, cst.Call) else None
        if chain is None:  # a parameter, an attribute, a factory of the user's: trust the file's imports
            roots = {client.split(".")[0] for client in surface.clients}
            return any(full.split(".")[0] in roots for full in self.ctx.provider(Imports).table.aliases.values())
        if chain not in surface.clients:
            return False
        assert isinstance(built.node, cst.Call)
        service = service_name(built.node)
        return surface.service is None or service is None or service == surface.service

    def _chain(self, built: Reached) -> str | None:
        """``boto3.Session().client`` for a call built that way (through names), else the qualified callee."""
        call = built.node
        assert isinstance(call, cst.Call)
        qualified = self.ctx.provider(Imports).table.qualify(call.func)
        if qualified is not None:
            return qualified
        if isinstance(call.func, cst.Attribute):
            inner = self.resolver.follow(Reached(call.func.value, built.scope))
            if isinstance(inner.node, cst.Call) and (base := self._chain(inner)) is not None:
                return f"{base}().{call.func.attr.value}"
        return None

    def _runs_on(self, request: Request) -> RunsOn | None:
        target = self.ctx.options.target
        model_id = request.value("model")
        if isinstance(model_id, str):
            model = self._model(model_id)
            if model is None:
                return None
            replacement = target.replacement_for(model)
            if replacement is None or replacement.model.key == model.key:
                return RunsOn((model,), True, target.name)
            return RunsOn((replacement.model,), True, target.name, moves=True, named=(model,))
        return RunsOn.whole_target(target, request=True)

    def _model(self, text: str) -> Model | None:
        for hit in self.ctx.data.matcher.find(text):
            if hit.known is not None:
                return hit.known.model
            if hit.invalid is not None and (model := hit.invalid.migrates_from(self.ctx.options.as_of)) is not None:
                return model
        return None


def _receiver(func: cst.Attribute, method: KeyPath) -> cst.BaseExpression | None:
    """``client`` for ``client.beta.messages.create`` and the method path ``beta.messages.create``."""
    node: cst.BaseExpression = func
    for part in reversed(method):
        if not isinstance(node, cst.Attribute) or node.attr.value != part:
            return None
        node = node.value
    return node
