"""Which names are bound exactly once to a value, per scope, so request values can be followed soundly."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from claude_migrate.analysis.context import Provider

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext

MUTATING_METHODS = frozenset({"update", "setdefault", "pop", "popitem", "clear", "append", "extend", "insert",
                              "remove", "__setitem__"})


@dataclass(frozen=True, eq=False)
class Binding:
    """One binding of a name: the value it is assigned (None when it is not a plain assignment), the scope the
    value's own names resolve in, and the scope that owns the name."""

    name: str
    value: cst.BaseExpression | None
    scope: Scope
    owner: Scope
    annotation: cst.BaseExpression | None = None  # a parameter's annotation (``client: AnthropicBedrock``)


@dataclass(eq=False)
class Scope:
    """A module, class, function or comprehension body and the names bound in it."""

    kind: str  # "module", "class", "function", "comprehension"
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    occurrences: Counter[str] = field(default_factory=Counter)  # Name nodes written in this scope
    not_loads: Counter[str] = field(default_factory=Counter)  # of which: targets, keywords, attribute names

    def module(self) -> Scope:
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


class Bindings(Provider):
    """Scopes and their bindings; a name counts as known only when its scope assigns it once and nothing mutates it."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.current = Scope("module", None)
        self._scopes = [self.current]
        self._mutated: set[str] = set()

    # -- scopes
    def _push(self, kind: str) -> None:
        self.current = Scope(kind, self.current)
        self._scopes.append(self.current)

    def _pop(self) -> None:
        assert self.current.parent is not None
        self.current = self.current.parent

    def _bind(self, name: str, value: cst.BaseExpression | None, annotation: cst.BaseExpression | None = None) -> None:
        owner = self.current.module() if name in self.current.global_names else self.current
        owner.bindings.setdefault(name, []).append(Binding(name, value, self.current, owner, annotation))
        self.current.not_loads[name] += 1

    def _bind_target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self._bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            self._mutated.add(target.value.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._bind(node.name.value, None)
        self._push("function")
        self._bind_params(node.params)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._push("function")
        self._bind_params(node.params)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._pop()

    def _bind_params(self, params: cst.Parameters) -> None:
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            self._bind(param.name.value, None, param.annotation.annotation if param.annotation else None)
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                self._bind(star.name.value, None)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._bind(node.name.value, None)
        self._push("class")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._pop()

    def visit_ListComp(self, node: cst.ListComp) -> None:
        self._push("comprehension")

    def leave_ListComp(self, original_node: cst.ListComp) -> None:
        self._pop()

    def visit_SetComp(self, node: cst.SetComp) -> None:
        self._push("comprehension")

    def leave_SetComp(self, original_node: cst.SetComp) -> None:
        self._pop()

    def visit_DictComp(self, node: cst.DictComp) -> None:
        self._push("comprehension")

    def leave_DictComp(self, original_node: cst.DictComp) -> None:
        self._pop()

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> None:
        self._push("comprehension")

    def leave_GeneratorExp(self, original_node: cst.GeneratorExp) -> None:
        self._pop()

    # -- bindings
    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind_target(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        # ``async with session.client("bedrock-runtime") as client``: the name stands for what the call built (an
        # SDK client's ``__aenter__`` returns the client itself); any other context value stays unknown
        if node.asname is not None:
            self._bind_target(node.asname.name, node.item if isinstance(node.item, cst.Call) else None)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, None)

    def visit_Del(self, node: cst.Del) -> None:
        self._bind_target(node.target, None)

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._bind(node.name.value, None)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._bind(node.name.value, None)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self._bind(node.asname.name.value, None)
        elif isinstance(node.name, cst.Name):
            self._bind(node.name.value, None)
        elif isinstance(node.name, cst.Attribute):
            root: cst.BaseExpression = node.name
            while isinstance(root, cst.Attribute):
                root = root.value
            if isinstance(root, cst.Name):
                self._bind(root.value, None)

    def visit_Global(self, node: cst.Global) -> None:
        self.current.global_names.update(item.name.value for item in node.names)

    def visit_Nonlocal(self, node: cst.Nonlocal) -> None:
        for item in node.names:  # a nonlocal rebinding makes the enclosing binding unknowable
            if (parent := self.current.parent) is not None:
                parent.bindings.setdefault(item.name.value, []).append(Binding(item.name.value, None, self.current, parent))

    # -- uses
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in MUTATING_METHODS and isinstance(func.value, cst.Name):
            self._mutated.add(func.value.value)

    def visit_Name(self, node: cst.Name) -> None:
        self.current.occurrences[node.value] += 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.current.not_loads[node.attr.value] += 1

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.current.not_loads[node.keyword.value] += 1

    # -- queries (valid once the module has been visited)
    def _owner(self, name: str, scope: Scope) -> Scope | None:
        """The scope whose binding of ``name`` a use in ``scope`` refers to."""
        current: Scope | None = scope
        first = True
        while current is not None:
            if not first and current.kind == "class":
                current = current.parent
                continue
            if name in current.global_names:
                current = current.module()
            if name in current.bindings:
                return current
            first = False
            current = current.parent
        return None

    def lookup(self, name: str, scope: Scope) -> Binding | None:
        """The single plain assignment ``name`` stands for in ``scope``, or None when it is not known."""
        owner = self._owner(name, scope)
        if owner is None or name in self._mutated:
            return None
        found = owner.bindings[name]
        return found[0] if len(found) == 1 and found[0].value is not None else None

    def annotation_of(self, name: str, scope: Scope) -> cst.BaseExpression | None:
        """The annotation of the parameter ``name`` stands for in ``scope``, when nothing rebinds it."""
        owner = self._owner(name, scope)
        if owner is None or name in self._mutated:
            return None
        found = owner.bindings[name]
        return found[0].annotation if len(found) == 1 else None

    def loads(self, binding: Binding) -> int:
        """How often the name of ``binding`` is read where it means this binding (over-counts, never under)."""
        return sum(scope.occurrences[binding.name] - scope.not_loads[binding.name]
                   for scope in self._scopes if self._owner(binding.name, scope) is binding.owner)
