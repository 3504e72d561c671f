"""The base of every rule kind, and the kind registry that rule loading is given."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import libcst as cst

from claude_migrate.analysis.context import Provider, RawFinding, Visitor
from claude_migrate.data.findings import SAFETY_ORDER, weakest  # noqa: F401 - kinds import both from here
from claude_migrate.data.rules import Param, parse_params
from claude_migrate.data.yamlio import YamlMap

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext
    from claude_migrate.data.rule_data import RuleData
    from claude_migrate.data.rules import RuleSpec

KIND_REGISTRY: dict[str, type[RuleKind]] = {}
K = TypeVar("K", bound="type[RuleKind]")


class RuleKind(Visitor):
    """One kind of change; a rule in YAML picks a kind and gives it parameters and a message."""

    KIND: ClassVar[str]
    PARAMS: ClassVar[dict[str, Param]] = {}
    MESSAGE_FIELDS: ClassVar[frozenset[str]] = frozenset()
    REQUIRES: ClassVar[tuple[type[Provider], ...]] = ()
    # A fix chosen for the model a request runs on after migration (a tool version, a flag that model ignores):
    # it is applied only together with the fix that writes that model (engine/whole_requests.py).
    FOR_TARGET: ClassVar[bool] = False

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__()
        self.spec = spec
        self.ctx = ctx
        self.params = spec.params

    def report(self, node: cst.CSTNode, *, safety: str | None = None,
               replacements: tuple[tuple[cst.CSTNode, cst.CSTNode], ...] = (), severity: str | None = None,
               role: str = "", subject: str = "", **values: Any) -> None:
        """Record a finding; ``severity`` overrides the rule's where the finding itself decides (a retired ID)."""
        chosen = weakest(self.spec.fix, safety or "safe")
        if chosen == "manual":
            replacements = ()
        self.ctx.raw_findings.append(RawFinding(self.spec, node, self.spec.render(**values), chosen, replacements,
                                                role=role, subject=subject, severity=severity,
                                                for_target=self.FOR_TARGET))

    @classmethod
    def needs_import(cls, data: RuleData) -> tuple[str, ...]:
        """Modules a file must import (one of them; () for none) for this kind to report on it. The prefilter
        uses it: a trigger such as ``temperature`` is in thousands of files that send no request."""
        return ()

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        """The rule's parameters, typed by ``PARAMS``; kinds that name data (surfaces, tool types) check it too."""
        return parse_params(cls.KIND, cls.PARAMS, params, path)


def register(name: str) -> Callable[[K], K]:
    """Class decorator: make a kind available to rule files under ``name``."""

    def decorate(cls: K) -> K:
        cls.KIND = name
        KIND_REGISTRY[name] = cls
        return cls

    return decorate
