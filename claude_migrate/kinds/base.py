"""The base of every rule kind and of the shared analysis providers, and the kind registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import libcst as cst

from claude_migrate.catalogue import parse_generation
from claude_migrate.findings import SAFETY_ORDER, weakest  # noqa: F401 - kinds import both from here
from claude_migrate.yamlio import Fields, YamlMap

if TYPE_CHECKING:
    from claude_migrate.context import FileContext
    from claude_migrate.ruleset import RuleSpec

KIND_REGISTRY: dict[str, type[RuleKind]] = {}
K = TypeVar("K", bound="type[RuleKind]")


@dataclass(frozen=True)
class Param:
    """One parameter a kind accepts in its rule's ``params`` block."""

    type: str  # "str", "int", "bool", "str_list", "version" (a string like "3.5")
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] | None = None


@dataclass
class RawFinding:
    """A finding before positions are known: the node it is about and the node replacements of its fix."""

    rule: RuleSpec
    node: cst.CSTNode
    message: str
    safety: str
    replacements: tuple[tuple[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel], ...]  # REMOVE: delete the node


_VISITOR_NAMES: dict[type, tuple[str, ...]] = {}


class Visitor(cst.BatchableCSTVisitor):
    """A batchable visitor that finds its visit/leave methods once per class, not once per file: libcst's own
    lookup inspects every attribute of every instance, which cost more than the analysis itself."""

    def get_visitors(self) -> dict[str, Any]:
        cls = type(self)
        if cls not in _VISITOR_NAMES:
            _VISITOR_NAMES[cls] = tuple(
                name for name in dir(cls) if name.startswith(("visit_", "leave_"))
                and callable(method := getattr(cls, name)) and not getattr(method, "_is_no_op", False))
        return {name: getattr(self, name) for name in _VISITOR_NAMES[cls]}


class Provider(Visitor):
    """Shared facts about a file (imports, client regions, ...) that several rule kinds read."""

    REQUIRES: ClassVar[tuple[type[Provider], ...]] = ()

    def __init__(self, ctx: FileContext) -> None:
        super().__init__()
        self.ctx = ctx


class RuleKind(Visitor):
    """One kind of change; a rule in YAML picks a kind and gives it parameters and a message."""

    KIND: ClassVar[str]
    PARAMS: ClassVar[dict[str, Param]] = {}
    MESSAGE_FIELDS: ClassVar[frozenset[str]] = frozenset()
    REQUIRES: ClassVar[tuple[type[Provider], ...]] = ()

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__()
        self.spec = spec
        self.ctx = ctx
        self.params = spec.params

    def report(self, node: cst.CSTNode, *, safety: str | None = None,
               replacements: tuple[tuple[cst.CSTNode, cst.CSTNode], ...] = (), **values: Any) -> None:
        chosen = weakest(self.spec.fix, safety or "safe")
        if chosen == "manual":
            replacements = ()
        self.ctx.raw_findings.append(RawFinding(self.spec, node, self.spec.render(**values), chosen, replacements))

    @classmethod
    def needs_import(cls) -> tuple[str, ...]:
        """Modules a file must import (one of them; () for none) for this kind to report on it. The prefilter
        uses it: a trigger such as ``temperature`` is in thousands of files that send no request."""
        return ()

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path) -> dict[str, Any]:
        if params is None:
            missing = [name for name, p in cls.PARAMS.items() if p.required]
            if missing:
                from claude_migrate.errors import DataError

                raise DataError(path, None, "params", f"kind {cls.KIND} needs params: {', '.join(missing)}")
            return {name: p.default for name, p in cls.PARAMS.items()}
        fields = Fields(params, f"params of kind {cls.KIND}", path=path, allowed=set(cls.PARAMS))
        result: dict[str, Any] = {}
        for name, p in cls.PARAMS.items():
            if p.type == "str_list":
                result[name] = fields.str_list(name, required=p.required, choices=p.choices) or p.default
            elif p.type == "str":
                result[name] = fields.str(name, required=p.required, default=p.default, choices=p.choices)
            elif p.type == "version":
                result[name] = fields.str(name, required=p.required, default=p.default)
                if result[name] is not None:
                    parse_generation(result[name], fields, name)
            elif p.type == "int":
                result[name] = fields.int(name, required=p.required, default=p.default)
            else:
                result[name] = fields.bool(name, required=p.required, default=p.default)
        return result


def register(name: str) -> Callable[[K], K]:
    """Class decorator: make a kind available to rule files under ``name``."""

    def decorate(cls: K) -> K:
        cls.KIND = name
        KIND_REGISTRY[name] = cls
        return cls

    return decorate
