"""Static values of request arguments: literals, names assigned once, ``dict(...)``, ``**`` of a literal dict and
``json.dumps({...})`` bodies. What cannot be known is UNKNOWN, never a guess."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Any, Callable

import libcst as cst

from claude_migrate.analysis.bindings import Binding, Bindings, Scope
from claude_migrate.analysis.names import ImportTable
from claude_migrate.analysis.strings import literal_text

MAX_DEPTH = 12
_INT_OPERATORS: dict[type, Callable[[int, int], int]] = {
    cst.Add: operator.add, cst.Subtract: operator.sub, cst.Multiply: operator.mul, cst.FloorDivide: operator.floordiv,
}
_CONSTANTS = {"True": True, "False": False, "None": None}


class Unknown:
    """The value of an expression that cannot be known without running the code."""

    _instance: Unknown | None = None

    def __new__(cls) -> Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = Unknown()
Via = tuple[Binding, ...]  # the names followed to reach an expression


class PartialDict(dict[Any, Any]):
    """The statically known keys of a dict that has more keys (from ``**`` of something unknown)."""


def known_part(value: Any, path: tuple[str | int, ...] = (), trimmed: set[tuple[str | int, ...]] | None = None) -> Any:
    """``value`` without its unknown parts: unknown dict values are dropped (the dict's path is added to
    ``trimmed``), a list with an unknown item is UNKNOWN as a whole (dropping items would shift the positions
    botocore reports)."""
    if isinstance(value, dict):
        if isinstance(value, PartialDict) and trimmed is not None:
            trimmed.add(path)
        known = {}
        for key, item in value.items():
            part = known_part(item, (*path, key), trimmed)
            if part is UNKNOWN:
                if trimmed is not None:
                    trimmed.add(path)
            else:
                known[key] = part
        return known
    if isinstance(value, list):
        items = [known_part(item, (*path, index), trimmed) for index, item in enumerate(value)]
        return UNKNOWN if any(item is UNKNOWN for item in items) else items
    return value


@dataclass(frozen=True)
class Reached:
    """An expression with the scope its names resolve in and the names followed to reach it."""

    node: cst.BaseExpression
    scope: Scope
    via: Via = ()


@dataclass(frozen=True)
class Entry:
    """One key of a mapping: a ``"key": value`` element of a dict literal or a ``key=value`` argument."""

    key: str
    element: cst.DictElement | cst.Arg
    container: cst.Dict | cst.Call
    scope: Scope
    via: Via

    @property
    def value(self) -> cst.BaseExpression:
        return self.element.value

    @property
    def key_node(self) -> cst.BaseExpression:
        return self.element.key if isinstance(self.element, cst.DictElement) else self.element.keyword  # type: ignore[return-value]

    def reached(self) -> Reached:
        return Reached(self.value, self.scope, self.via)


@dataclass(frozen=True)
class MappingView:
    """The statically known keys of a mapping, in the containers (dict literal, call) they are written in.

    ``complete`` is False when keys may come from somewhere unknown (``**kwargs``, a computed key). ``parent`` is
    the entry whose value is this mapping's own container, written inline."""

    container: cst.Dict | cst.Call
    entries: dict[str, Entry]
    complete: bool
    via: Via
    parent: Entry | None = None

    def get(self, key: str) -> Entry | None | Unknown:
        """The entry for ``key``; None when the key is certainly absent, UNKNOWN when it may come from elsewhere."""
        if key in self.entries:
            return self.entries[key]
        return None if self.complete else UNKNOWN


class Resolver:
    """Follows expressions to the literals they stand for, through names that are assigned once."""

    def __init__(self, bindings: Bindings, imports: ImportTable, mapping_types: frozenset[str] = frozenset()) -> None:
        self.bindings = bindings
        self.imports = imports
        self.mapping_types = mapping_types  # qualified calls that build a plain mapping (TypedDicts), like dict()
        self._expanding: set[int] = set()  # literals being expanded, so ``A = {**B}; B = {**A}`` ends

    def follow(self, reached: Reached, *, through_json: bool = True) -> Reached:
        """Through names assigned exactly once (and, for the mapping it encodes, ``json.dumps(x)``) to the
        expression that gives the value."""
        node, scope, via = reached.node, reached.scope, reached.via
        for _ in range(MAX_DEPTH):
            if isinstance(node, cst.Name) and node.value not in _CONSTANTS:
                binding = self.bindings.lookup(node.value, scope)
                if binding is None or binding.value is None:
                    return Reached(node, scope, via)
                node, scope, via = binding.value, binding.scope, (*via, binding)
            elif through_json and isinstance(node, cst.Call) and self.is_call_to(node, "json.dumps") and node.args:
                node = node.args[0].value
            else:
                break
        return Reached(node, scope, via)

    def is_call_to(self, call: cst.Call, qualified: str) -> bool:
        return self.imports.qualify(call.func) == qualified

    @staticmethod
    def is_dict_call(node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict"

    def builds_mapping(self, node: cst.BaseExpression) -> bool:
        """``dict(...)`` or a call of one of the known TypedDict classes: its arguments are the mapping's keys."""
        return self.is_dict_call(node) or (isinstance(node, cst.Call) and bool(self.mapping_types)
                                           and self.imports.qualify(node.func) in self.mapping_types)

    # -- mappings
    def mapping(self, reached: Reached, parent: Entry | None = None) -> MappingView | None:
        """The mapping an expression evaluates to, or None when it is not a statically known mapping."""
        target = self.follow(reached)
        inline_parent = parent if parent is not None and target.node is parent.value else None
        if id(target.node) in self._expanding:
            return None
        self._expanding.add(id(target.node))
        try:
            if isinstance(target.node, cst.Dict):
                return self._dict_view(target, inline_parent)
            if self.builds_mapping(target.node):
                assert isinstance(target.node, cst.Call)
                return self.call_view(target.node, target.scope, target.via, inline_parent, positional_mapping=True)
            return None
        finally:
            self._expanding.discard(id(target.node))

    def _dict_view(self, target: Reached, parent: Entry | None) -> MappingView:
        node = target.node
        assert isinstance(node, cst.Dict)
        entries: dict[str, Entry] = {}
        complete = True
        for element in node.elements:
            if isinstance(element, cst.StarredDictElement):
                complete &= self._merge_splat(entries, Reached(element.value, target.scope, target.via))
                continue
            assert isinstance(element, cst.DictElement)  # a dict element that is not a ** splat
            key = literal_text(element.key)
            if key is None:
                complete = False
                continue
            entries.pop(key, None)
            entries[key] = Entry(key, element, node, target.scope, target.via)
        return MappingView(node, entries, complete, target.via, parent)

    def call_view(self, call: cst.Call, scope: Scope, via: Via = (), parent: Entry | None = None,
                  positional_mapping: bool = False, positional: tuple[str, ...] = ()) -> MappingView:
        """The keyword arguments of a call (and, for ``dict(m, ...)``, the keys of ``m``) as a mapping; the
        positional arguments under the parameter names ``positional`` gives them, in order."""
        entries: dict[str, Entry] = {}
        complete = True
        index: int | None = 0  # the next positional parameter; None after ``*args``: later ones go to unknown places
        for arg in call.args:
            if arg.star == "**":
                complete &= self._merge_splat(entries, Reached(arg.value, scope, via))
            elif arg.keyword is not None:
                entries.pop(arg.keyword.value, None)
                entries[arg.keyword.value] = Entry(arg.keyword.value, arg, call, scope, via)
            elif positional_mapping and not arg.star:
                complete &= self._merge_splat(entries, Reached(arg.value, scope, via))
            elif arg.star or index is None:
                index, complete = None, complete and not positional
            elif index < len(positional):
                entries[positional[index]] = Entry(positional[index], arg, call, scope, via)
                index += 1
        return MappingView(call, entries, complete, via, parent)

    def _merge_splat(self, entries: dict[str, Entry], reached: Reached) -> bool:
        view = self.mapping(reached)
        if view is None:
            return False
        for key, entry in view.entries.items():
            entries.pop(key, None)
            entries[key] = entry
        return view.complete

    def view_at(self, view: MappingView, path: tuple[str, ...]) -> MappingView | None | Unknown:
        """The mapping at a dotted path below ``view``; None when certainly absent, UNKNOWN when unknowable."""
        current = view
        for key in path:
            entry = current.get(key)
            if not isinstance(entry, Entry):
                return entry
            inner = self.mapping(entry.reached(), entry)
            if inner is None:
                return UNKNOWN
            current = inner
        return current

    def walk(self, view: MappingView, path: tuple[str, ...]) -> Entry | None | Unknown:
        """The entry at a dotted path below ``view``; None when certainly absent, UNKNOWN when unknowable."""
        parent = self.view_at(view, path[:-1])
        return parent.get(path[-1]) if isinstance(parent, MappingView) else parent

    # -- sequences
    def sequence(self, reached: Reached) -> list[Reached] | None:
        """The elements of a list or tuple literal (through names and ``*`` of known sequences), else None."""
        target = self.follow(reached)
        if not isinstance(target.node, (cst.List, cst.Tuple)) or id(target.node) in self._expanding:
            return None
        self._expanding.add(id(target.node))
        try:
            result: list[Reached] = []
            for element in target.node.elements:
                if isinstance(element, cst.StarredElement):
                    inner = self.sequence(Reached(element.value, target.scope, target.via))
                    if inner is None:
                        return None
                    result.extend(inner)
                else:
                    result.append(Reached(element.value, target.scope, target.via))
            return result
        finally:
            self._expanding.discard(id(target.node))

    # -- plain values
    def value(self, reached: Reached, depth: int = 0) -> Any:
        """The Python value of an expression; dicts and lists may hold UNKNOWN parts."""
        if depth > MAX_DEPTH:
            return UNKNOWN
        target = self.follow(reached, through_json=False)
        node = target.node
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            text = literal_text(node)
            return UNKNOWN if text is None else text
        if isinstance(node, (cst.Integer, cst.Float)):
            return node.evaluated_value
        if isinstance(node, cst.Name) and node.value in _CONSTANTS:
            return _CONSTANTS[node.value]
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
            inner = self.value(Reached(node.expression, target.scope, target.via), depth + 1)
            if isinstance(inner, (int, float)) and not isinstance(inner, bool):
                return -inner if isinstance(node.operator, cst.Minus) else inner
            return UNKNOWN
        if isinstance(node, cst.BinaryOperation) and type(node.operator) in _INT_OPERATORS:
            left = self.value(Reached(node.left, target.scope, target.via), depth + 1)
            right = self.value(Reached(node.right, target.scope, target.via), depth + 1)
            if type(left) is int and type(right) is int and not (right == 0 and isinstance(node.operator, cst.FloorDivide)):
                return _INT_OPERATORS[type(node.operator)](left, right)
            return UNKNOWN
        if isinstance(node, (cst.List, cst.Tuple)):
            elements = self.sequence(target)
            if elements is None:
                return UNKNOWN
            return [self.value(element, depth + 1) for element in elements]
        view = self.mapping(target) if isinstance(node, cst.Dict) or self.builds_mapping(node) else None
        if view is not None:
            known = {key: self.value(entry.reached(), depth + 1) for key, entry in view.entries.items()}
            return known if view.complete else PartialDict(known)
        return UNKNOWN

    def text(self, reached: Reached) -> str | None:
        value = self.value(reached)
        return value if isinstance(value, str) else None

    def number(self, reached: Reached) -> int | float | None:
        value = self.value(reached)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
