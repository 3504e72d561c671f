"""Shared per-file analyses: imports, the AWS Region each client is built with, model-ID string sites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from claude_migrate.analysis.context import Provider
from claude_migrate.data.model_ids import IdHit
from claude_migrate.analysis.names import ImportTable, dotted_name
from claude_migrate.analysis.strings import Segment, literal_text, segments

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext

REGION_KEYWORDS = frozenset({"region_name", "aws_region", "aws_region_name", "region"})
CLIENT_ROOTS = frozenset({"boto3", "botocore", "anthropic", "langchain_aws", "langchain_community",
                          "langchain_anthropic", "litellm", "aiobotocore"})


class Imports(Provider):
    """Which local names stand for which imported modules and objects."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.table = ImportTable()

    def visit_Import(self, node: cst.Import) -> None:
        self.table.add(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.table.add(node)


class ClientRegions(Provider):
    """The AWS Region literal each SDK client (or session) is built with, by the name it is bound to."""

    REQUIRES = (Imports,)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.bound: dict[str, cst.Call] = {}
        self.all_regions: set[str] = set()

    def _is_client_call(self, call: cst.Call) -> bool:
        name = self.ctx.provider(Imports).table.qualify(call.func)
        if name is not None:
            return name.split(".")[0] in CLIENT_ROOTS
        return isinstance(call.func, cst.Attribute) and call.func.attr.value == "client"

    def visit_Call(self, node: cst.Call) -> None:
        if (region := _region_keyword(node)) is not None and self._is_client_call(node):
            self.all_regions.add(region)

    def visit_Assign(self, node: cst.Assign) -> None:
        if isinstance(node.value, cst.Call):
            for target in node.targets:
                if (name := dotted_name(target.target)) is not None:
                    self.bound[name] = node.value

    def region_of_call(self, call: cst.Call, depth: int = 0) -> str | None:
        """The Region a call builds its client with: its own keyword, or that of the session it is made from."""
        if depth > 5:
            return None
        if (region := _region_keyword(call)) is not None:
            return region
        if isinstance(call.func, cst.Attribute):
            return self.region_of_expr(call.func.value, depth + 1)
        return None

    def region_of_expr(self, expr: cst.BaseExpression, depth: int = 0) -> str | None:
        if isinstance(expr, cst.Call):
            return self.region_of_call(expr, depth)
        name = dotted_name(expr)
        while name:  # ``client.messages`` is served by whatever ``client`` is bound to
            if name in self.bound:
                return self.region_of_call(self.bound[name], depth + 1)
            name = name.rpartition(".")[0]
        return None


def _region_keyword(call: cst.Call) -> str | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in REGION_KEYWORDS:
            return literal_text(arg.value)
    return None


@dataclass(frozen=True)
class IdSite:
    """One model ID inside one string literal, with what surrounds the literal."""

    string: cst.BaseExpression
    segment: Segment
    hit: IdHit
    calls: tuple[cst.Call, ...]  # enclosing calls, innermost first
    lookup_context: str | None  # "a comparison", "a dictionary key", "a match pattern" or None


class IdSites(Provider):
    """Every model ID in a string that holds an ID (not prose, not a docstring), in source order."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.sites: list[IdSite] = []
        self._calls: list[cst.Call] = []
        self._skip: set[int] = set()
        self._lookup: dict[int, str] = {}

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(node)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._calls.pop()

    def visit_Expr(self, node: cst.Expr) -> None:
        self._skip.add(id(node.value))  # docstrings and bare string statements

    def _mark(self, node: cst.BaseExpression, context: str) -> None:
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            for element in node.elements:
                self._mark(element.value, context)
        else:
            self._lookup[id(node)] = context

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._mark(node.left, "a comparison")
        for target in node.comparisons:
            self._mark(target.comparator, "a comparison")

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._mark(node.key, "a dictionary key")

    def visit_MatchValue(self, node: cst.MatchValue) -> None:
        self._mark(node.value, "a match pattern")

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._collect(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._collect(node)

    def _collect(self, node: cst.BaseExpression) -> None:
        if id(node) in self._skip:
            return
        parts = segments(node)
        if any(any(ch.isspace() for ch in part.value) for part in parts):
            return  # prose that mentions a model, not an ID
        matcher = self.ctx.data.matcher
        for part in parts:
            for hit in matcher.find(part.value, after_placeholder=part.after_placeholder):
                self.sites.append(IdSite(node, part, hit, tuple(reversed(self._calls)), self._lookup.get(id(node))))
