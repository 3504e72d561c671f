"""Shared per-file analyses: imports, the AWS Region each client is built with, model-ID string sites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from claude_migrate.analysis.bindings import Bindings, Scope
from claude_migrate.analysis.context import Provider
from claude_migrate.data.model_ids import IdHit
from claude_migrate.data.targets import ClientRegion
from claude_migrate.analysis.names import ImportTable, dotted_name
from claude_migrate.analysis.strings import Segment, literal_text, segments
from claude_migrate.analysis.values import Reached, Resolver

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext

REGION_KEYWORDS = frozenset({"region_name", "aws_region", "aws_region_name", "region"})
# Arguments of wrappers that add the cross-Region profile prefix to the model ID themselves
RUNTIME_PREFIX_KEYWORDS = frozenset({"cross_region", "use_cross_region", "cross_region_inference",
                                     "inference_profile", "use_inference_profile"})
ENVIRONMENT_GETTERS = frozenset({"os.environ.get", "os.getenv"})
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
    """The AWS Region each SDK client (or session) is built with, read from the binding of the client's name that
    Python would use at the call (function, class, module scope), and code that adds the profile prefix itself."""

    REQUIRES = (Imports, Bindings)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.resolver = Resolver(ctx.provider(Bindings), ctx.provider(Imports).table)
        self.all_regions: set[str] = set()
        self._scopes: dict[int, Scope] = {}  # the scope each call is written in
        self._clients: list[cst.Call] = []
        self._attributes: dict[tuple[int, str], list[cst.BaseExpression]] = {}  # ``self.NAME = ...`` per class
        self._after: dict[int, cst.BaseExpression] = {}  # string -> what ``+`` puts before it

    def _is_client_call(self, call: cst.Call) -> bool:
        name = self.ctx.provider(Imports).table.qualify(call.func)
        if name is not None:
            return name.split(".")[0] in CLIENT_ROOTS
        return isinstance(call.func, cst.Attribute) and call.func.attr.value == "client"

    def visit_Call(self, node: cst.Call) -> None:
        self._scopes[id(node)] = self.ctx.provider(Bindings).current
        if self._is_client_call(node):
            self._clients.append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        """Names resolve only once every binding is known; the rule kinds read ``all_regions`` after this."""
        for call in self._clients:
            region = self._keyword_region(call, self._scopes[id(call)])
            if region is not None and region.name is not None and not region.variable:
                self.all_regions.add(region.name)

    def visit_Assign(self, node: cst.Assign) -> None:
        scope = self.ctx.provider(Bindings).current
        if scope.kind != "function" or scope.parent is None or scope.parent.kind != "class":
            return
        for target in node.targets:
            if isinstance(target.target, cst.Attribute) and dotted_name(target.target.value) == "self":
                key = (id(scope.parent), target.target.attr.value)
                self._attributes.setdefault(key, []).append(node.value)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, cst.Add):
            self._after[id(node.right)] = node.left

    # -- queries (valid once the module has been visited)
    def of_site(self, string: cst.BaseExpression, calls: tuple[cst.Call, ...]) -> ClientRegion:
        """The Region of the innermost enclosing call that shows one, and what adds a profile prefix at run time:
        a value concatenated before the string, or a wrapper argument such as ``cross_region=True``."""
        name = variable = ""
        for call in calls:
            if (region := self.region_of_call(call)) is not None and region.name is not None:
                name, variable = region.name, region.variable
                break
        return ClientRegion(name or None, variable, self._runtime_prefix(string, calls))

    def _runtime_prefix(self, string: cst.BaseExpression, calls: tuple[cst.Call, ...]) -> str:
        if (left := self._after.get(id(string))) is not None:
            return f"`{_code(left)} + ...`"
        return next((f"`{arg.keyword.value}={_code(arg.value)}`" for call in calls for arg in call.args
                     if arg.keyword is not None and arg.keyword.value in RUNTIME_PREFIX_KEYWORDS
                     and not (isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None"))), "")

    def region_of_call(self, call: cst.Call, depth: int = 0) -> ClientRegion | None:
        """The Region a call builds its client with: its own keyword, or that of the client or session it is
        made from. None when the code does not show it."""
        scope = self._scopes.get(id(call))
        if depth > 5 or scope is None:
            return None
        if any(arg.keyword is not None and arg.keyword.value in REGION_KEYWORDS for arg in call.args):
            return self._keyword_region(call, scope)
        if isinstance(call.func, cst.Attribute):
            return self._region_of_receiver(call.func.value, scope, depth + 1)
        return None

    def _region_of_receiver(self, expr: cst.BaseExpression, scope: Scope, depth: int) -> ClientRegion | None:
        """``client.messages`` is served by whatever ``client`` means here; ``self.client`` by the one assignment
        of that attribute in the class's methods."""
        while isinstance(expr, cst.Attribute):
            if dotted_name(expr.value) == "self" and scope.kind == "function" and scope.parent is not None:
                assigned = self._attributes.get((id(scope.parent), expr.attr.value), [])
                if len(assigned) == 1 and isinstance(assigned[0], cst.Call):
                    return self.region_of_call(assigned[0], depth + 1)
                return None
            expr = expr.value
        built = self.resolver.follow(Reached(expr, scope), through_json=False).node
        return self.region_of_call(built, depth + 1) if isinstance(built, cst.Call) else None

    def _keyword_region(self, call: cst.Call, scope: Scope) -> ClientRegion | None:
        """The Region a region keyword of ``call`` gives: a literal, through names, or an environment default."""
        arg = next((arg for arg in call.args if arg.keyword is not None and arg.keyword.value in REGION_KEYWORDS),
                   None)
        if arg is None:
            return None
        value = self.resolver.follow(Reached(arg.value, scope), through_json=False)
        if (text := self.resolver.text(value)) is not None:
            return ClientRegion(text)
        node = value.node
        if isinstance(node, cst.Call) and self.ctx.provider(Imports).table.qualify(node.func) in ENVIRONMENT_GETTERS:
            given = [a for a in node.args if a.keyword is None or a.keyword.value == "default"]
            variable = literal_text(given[0].value) if given else None
            default = self.resolver.text(Reached(given[1].value, value.scope)) if len(given) == 2 else None
            if variable and default:
                return ClientRegion(default, variable)
        return None


def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


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
