"""Everything a rule kind may read about the run and the file under analysis, and the bases of the libcst
visitors that read it: shared providers and rule kinds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import libcst as cst

from claude_migrate.data.rule_data import RuleData
from claude_migrate.analysis.options import RunOptions

if TYPE_CHECKING:
    from claude_migrate.data.rules import RuleSpec

P = TypeVar("P", bound="Provider")


@dataclass
class FileContext:
    path: str
    data: RuleData
    options: RunOptions
    raw_findings: list[RawFinding] = field(default_factory=list)
    providers: dict[type, Provider] = field(default_factory=dict)
    rule_instances: list[Visitor] = field(default_factory=list)  # the file's rule kinds, which may read each other

    def provider(self, kind: type[P]) -> P:
        return self.providers[kind]  # type: ignore[return-value]


@dataclass
class RawFinding:
    """A finding before positions are known: the node it is about and the node replacements of its fix."""

    rule: RuleSpec
    node: cst.CSTNode
    message: str
    safety: str
    replacements: tuple[tuple[cst.CSTNode, cst.CSTNode | cst.RemovalSentinel], ...]  # REMOVE: delete the node
    role: str = ""  # for model-ID findings: where the value goes (analysis/roles.py)
    subject: str = ""  # for model-ID findings: the ID as written, which coupled uses share
    severity: str | None = None  # None: the rule's severity
    for_target: bool = False  # the fix is right only for the model the migration writes (kinds' FOR_TARGET)


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
