"""Shared per-file analyses: imports, the AWS Region each client is built with, model-ID string sites."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from claude_migrate.analysis.bindings import Bindings, Scope
from claude_migrate.analysis.context import Provider
from claude_migrate.analysis.roles import (
    CATALOGUE,
    COMPARISON,
    CONFIGURATION,
    PRECEDENCE,
    REQUEST,
    TEST,
    UNKNOWN,
    Role,
    in_test,
    is_test_file,
    names_a_model,
)
from claude_migrate.data.model_ids import IdHit
from claude_migrate.data.targets import ClientRegion
from claude_migrate.analysis.names import ImportTable, dotted_name
from claude_migrate.analysis.strings import Segment, literal_text, segments
from claude_migrate.analysis.values import Reached, Resolver

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext

# Arguments of wrappers that add the cross-Region profile prefix to the model ID themselves
ENVIRONMENT_GETTERS = frozenset({"os.environ.get", "os.getenv"})


class Imports(Provider):
    """Which local names stand for which imported modules and objects."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.table = ImportTable()

    def visit_Import(self, node: cst.Import) -> None:
        self.table.add(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.table.add(node)


class ComparedStrings(Provider):
    """The string literals a file compares with (``==``, ``in (...)``, ``match`` cases), by text: handler code that
    dispatches on a tool's name, which a fix that renames the tool must change too."""

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.by_text: dict[str, list[cst.SimpleString]] = {}

    def _collect(self, node: cst.BaseExpression) -> None:
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            for element in node.elements:
                self._collect(element.value)
        elif isinstance(node, cst.SimpleString) and (text := literal_text(node)) is not None:
            self.by_text.setdefault(text, []).append(node)

    def visit_Comparison(self, node: cst.Comparison) -> None:
        self._collect(node.left)
        for target in node.comparisons:
            self._collect(target.comparator)

    def visit_MatchValue(self, node: cst.MatchValue) -> None:
        self._collect(node.value)


class ClientRegions(Provider):
    """The AWS Region each SDK client (or session) is built with, read from the binding of the client's name that
    Python would use at the call (function, class, module scope), and code that adds the profile prefix itself."""

    REQUIRES = (Imports, Bindings)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.resolver = Resolver(ctx.provider(Bindings), ctx.provider(Imports).table,
                                 ctx.data.surfaces.mapping_types)
        self.all_regions: set[str] = set()
        self._scopes: dict[int, Scope] = {}  # the scope each call is written in
        self._clients: list[cst.Call] = []
        self._attributes: dict[tuple[int, str], list[cst.BaseExpression]] = {}  # ``self.NAME = ...`` per class
        self._after: dict[int, cst.BaseExpression] = {}  # string -> what ``+`` puts before it

    def _is_client_call(self, call: cst.Call) -> bool:
        name = self.ctx.provider(Imports).table.qualify(call.func)
        if name is not None:
            return name.split(".")[0] in self.ctx.data.surfaces.region_clients
        return isinstance(call.func, cst.Attribute) and call.func.attr.value == "client"

    def visit_Call(self, node: cst.Call) -> None:
        self._scopes[id(node)] = self.ctx.provider(Bindings).current
        if self._is_client_call(node):
            self._clients.append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        """Names resolve only once every binding is known; the rule kinds read ``all_regions`` after this."""
        for call in self._clients:
            if not (service_name(call) or "bedrock").startswith("bedrock"):
                continue  # an S3 or STS client's Region says nothing about where Bedrock is called
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
                     if arg.keyword is not None and arg.keyword.value in self.ctx.data.surfaces.runtime_prefix_keywords
                     and not (isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None"))), "")

    def region_of_call(self, call: cst.Call, depth: int = 0) -> ClientRegion | None:
        """The Region a call builds its client with: its own keyword, or that of the client or session it is
        made from. None when the code does not show it."""
        scope = self._scopes.get(id(call))
        if depth > 5 or scope is None:
            return None
        if any(arg.keyword is not None and arg.keyword.value in self.ctx.data.surfaces.region_keywords for arg in call.args):
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
        arg = next((arg for arg in call.args if arg.keyword is not None and arg.keyword.value in self.ctx.data.surfaces.region_keywords),
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
    """One model ID inside one string literal, with what surrounds the literal and the role that gives it."""

    string: cst.BaseExpression
    segment: Segment
    hit: IdHit
    calls: tuple[cst.Call, ...]  # enclosing calls, innermost first
    role: Role


_COLLECTIONS = {cst.List: "list", cst.Tuple: "tuple", cst.Set: "set"}
_ENUM_BASES = ("Enum", "StrEnum", "IntEnum", "Flag", "IntFlag")


class IdSites(Provider):
    """Every model ID in a string that holds an ID (not prose, not a docstring), in source order, with its role.

    Roles are decided from the syntax around the literal and the module's names: a literal that is a request's
    model keyword (directly, or through a name assigned it) is a request; several distinct IDs in one collection
    or Enum are a catalogue; a compared, matched or looked-up literal is a comparison; asserted or parametrized
    values in a test file are test expectations; a literal assigned to a name, a default or a model keyword is a
    single setting (configuration); anything else is unknown.
    """

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.sites: list[IdSite] = []
        self._calls: list[cst.Call] = []
        self._skip: set[int] = set()
        self._roles: dict[int, Role] = {}  # literal node -> role decided by what surrounds it
        self._classes: list[str] = []
        self._asserting = 0
        self._test_file = is_test_file(ctx.path)
        self._request_keywords = _request_keywords(ctx)
        self._request_positions = _request_positions(ctx)
        self._batch_lists = _batch_lists(ctx)  # method path -> the argument that lists a batch's requests
        self._collections: list[cst.List | cst.Tuple | cst.Set] = []
        self._batches: set[int] = set()  # lists of batch requests, each element one request
        self._batch_names: set[str] = set()  # names whose value is passed as a batch's requests
        self._assigned: dict[str, list[int]] = {}  # name -> literal nodes assigned to it
        self._requested: set[str] = set()  # names passed as a request's model

    # -- where the value goes
    def _mark(self, node: cst.BaseExpression, role: Role) -> None:
        if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
            for element in node.elements:
                self._mark(element.value, role)
        elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            self._mark(node.left, role)  # ``prefix + ".anthropic..."``: the parts of one value
            self._mark(node.right, role)
        elif (known := self._roles.get(id(node))) is None or PRECEDENCE.index(role.name) < PRECEDENCE.index(known.name):
            self._roles[id(node)] = role

    def _distinct_ids(self, nodes: list[cst.BaseExpression]) -> set[str]:
        matcher = self.ctx.data.matcher
        return {hit.text for node in nodes if (text := literal_text(node)) is not None for hit in matcher.find(text)
                if not hit.name_like}

    def _catalogue(self, nodes: list[cst.BaseExpression], what: str) -> None:
        found = self._distinct_ids(nodes)
        if len(found) >= 2:
            for node in nodes:
                self._mark(node, Role(CATALOGUE, f"one of {len(found)} model IDs listed in {what}"))

    def visit_Call(self, node: cst.Call) -> None:
        self._calls.append(node)
        name = node.func.attr.value if isinstance(node.func, cst.Attribute) else dotted_name(node.func) or ""
        if name in ("startswith", "endswith") or (name == "get" and isinstance(node.func, cst.Attribute)):
            if node.args:
                self._mark(node.args[0].value, Role(COMPARISON, "it is looked up or matched as a prefix"))
        if self._test_file and name.endswith("parametrize"):
            for arg in node.args:
                self._mark_within(arg.value, Role(TEST, "it is a parametrized value of a test"))
        if name.rpartition(".")[2] in ("get", "getenv", "setdefault") and len(node.args) >= 2 and \
                (dotted_name(node.func) or "").startswith(("os.environ", "os.getenv", "environ", "getenv")):
            self._mark(node.args[1].value, Role(CONFIGURATION, "it is the default of an environment variable"))
        callee = name.rpartition(".")[2]
        called = f".{dotted_name(node.func) or ''}"
        for method, keyword in self._batch_lists.items():
            if called.endswith(method):
                self._batch_argument(node, keyword)
        positional = [arg for arg in node.args if arg.keyword is None]
        for index in self._request_positions.get(callee, ()):
            if index < len(positional) and not any(arg.star for arg in positional[:index + 1]):
                self._request_model(positional[index].value)
        for arg in node.args:
            if arg.keyword is None:
                continue
            keyword = arg.keyword.value
            if callee in self._request_keywords and keyword in self._request_keywords[callee]:
                self._request_model(arg.value)
            elif names_a_model(keyword) or keyword == "default":  # default=: argparse, click, typer, Field()
                self._mark(arg.value, Role(CONFIGURATION, f"it is the `{keyword}` setting of a call"))

    def _batch_argument(self, call: cst.Call, keyword: str) -> None:
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == keyword:
                if isinstance(arg.value, cst.Name):
                    self._batch_names.add(arg.value.value)
                self._batches.add(id(arg.value))

    def _request_model(self, value: cst.BaseExpression) -> None:
        self._mark(value, Role(REQUEST, "it is the model of a request"))
        if isinstance(value, cst.Name):
            self._requested.add(value.value)

    def _mark_within(self, node: cst.BaseExpression, role: Role) -> None:
        for inner in _strings_within(node):
            self._mark(inner, role)

    def leave_Call(self, original_node: cst.Call) -> None:
        self._calls.pop()

    def visit_Expr(self, node: cst.Expr) -> None:
        self._skip.add(id(node.value))  # docstrings and bare string statements

    def visit_Assert(self, node: cst.Assert) -> None:
        self._asserting += 1

    def leave_Assert(self, original_node: cst.Assert) -> None:
        self._asserting -= 1

    def visit_Comparison(self, node: cst.Comparison) -> None:
        role = Role(TEST, "a test asserts it") if self._asserting and self._test_file else Role(
            COMPARISON, "it is compared with another value")
        self._mark(node.left, role)
        for target in node.comparisons:
            self._mark(target.comparator, role)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                self._mark(element.slice.value, Role(COMPARISON, "it is a key that a value is looked up by"))

    def visit_MatchValue(self, node: cst.MatchValue) -> None:
        self._mark(node.value, Role(COMPARISON, "it is a match pattern"))

    def visit_Dict(self, node: cst.Dict) -> None:
        elements = [element for element in node.elements if isinstance(element, cst.DictElement)]
        self._catalogue([element.key for element in elements], "the keys of a dictionary")
        self._catalogue([string for element in elements if not _is_string(element.value)
                         for string in _strings_within(element.value)], "the records of a dictionary")
        for element in elements:
            self._mark(element.key, Role(COMPARISON, "it is a dictionary key that values are looked up by"))
            if (key := literal_text(element.key)) is not None:
                self._mark(element.value, Role(CONFIGURATION, f"it is the value of key `{key}`", key))

    def _visit_collection(self, node: cst.List | cst.Tuple | cst.Set) -> None:
        """Several IDs in one collection, directly or in its records (dicts, tuples), list models on purpose (decided
        at the end of the module: a batch's list of requests is no catalogue)."""
        self._collections.append(node)

    visit_List = visit_Tuple = visit_Set = _visit_collection

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node.name.value)
        if any((dotted_name(base.value) or "").rpartition(".")[2] in _ENUM_BASES for base in node.bases):
            values = [statement.body[0].value for statement in node.body.body
                      if isinstance(statement, cst.SimpleStatementLine) and statement.body
                      and isinstance(statement.body[0], (cst.Assign, cst.AnnAssign)) and statement.body[0].value]
            self._catalogue([v for v in values if v is not None], f"the Enum `{node.name.value}`")

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        names = [name for target in node.targets if (name := dotted_name(target.target))]
        self._assigning(names[0] if names else None, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assigning(dotted_name(node.target), node.value)

    def _assigning(self, name: str | None, value: cst.BaseExpression) -> None:
        holder = name.rpartition(".")[2] if name else None
        if holder is not None:
            if self._classes:
                holder = f"{self._classes[-1]}.{holder}"
            self._assigned.setdefault(holder.rpartition(".")[2], []).append(id(value))
            self._mark(value, Role(CONFIGURATION, f"it is the value of `{holder}`", holder))

    def visit_Param(self, node: cst.Param) -> None:
        if node.default is not None:
            self._mark(node.default, Role(CONFIGURATION, f"it is the default of `{node.name.value}`",
                                          node.name.value))

    # -- the sites
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
                self.sites.append(IdSite(node, part, hit, tuple(reversed(self._calls)),
                                         Role(UNKNOWN, "the tool cannot tell where the value goes")))

    def leave_Module(self, original_node: cst.Module) -> None:
        """Give each site its role, now that every name the module passes to a request is known."""
        batches = self._batches | {node for name in self._batch_names for node in self._assigned.get(name, ())}
        for collection in self._collections:
            if id(collection) not in batches:
                strings = [string for element in collection.elements for string in _strings_within(element.value)]
                self._catalogue(strings, f"a {_COLLECTIONS[type(collection)]}")
        requested = {node for name in self._requested for node in self._assigned.get(name, ())}
        for index, site in enumerate(self.sites):
            role = self._roles.get(id(site.string), site.role)
            if role.name == CONFIGURATION and id(site.string) in requested:
                role = Role(REQUEST, f"{role.why}, which is sent as the model of a request", role.holder)
            self.sites[index] = IdSite(site.string, site.segment, site.hit, site.calls, in_test(role, self.ctx.path))


def _is_string(node: cst.BaseExpression) -> bool:
    return isinstance(node, (cst.SimpleString, cst.FormattedString, cst.ConcatenatedString))


class _Strings(cst.CSTVisitor):
    """Collects the string literals under a node, in source order."""

    def __init__(self, found: list[cst.BaseExpression]) -> None:
        super().__init__()
        self.found = found

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.found.append(node)

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self.found.append(node)


_NO_STRINGS = (cst.Name, cst.Integer, cst.Float, cst.Imaginary, cst.Ellipsis)


def _strings_within(node: cst.BaseExpression, found: list[cst.BaseExpression] | None = None
                    ) -> list[cst.BaseExpression]:
    """The string literals inside ``node`` (a parametrize table is lists of tuples of values), in source order.
    Literals, names and collections, most of what data tables hold, are walked here; a libcst visit, which costs
    many times more per node, walks the rest."""
    found = [] if found is None else found
    if isinstance(node, cst.SimpleString):
        found.append(node)
    elif isinstance(node, _NO_STRINGS):
        pass
    elif isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        for element in node.elements:
            _strings_within(element.value, found)
    elif isinstance(node, cst.Dict):
        for item in node.elements:
            if isinstance(item, cst.DictElement):
                _strings_within(item.key, found)
            _strings_within(item.value, found)
    elif isinstance(node, cst.ConcatenatedString):
        _strings_within(node.left, found)
        _strings_within(node.right, found)
    else:
        node.visit(_Strings(found))
    return found


def _request_keywords(ctx: FileContext) -> dict[str, set[str]]:
    """Callee name -> the keywords that hold the model, for every request surface's methods and constructors."""
    keywords: dict[str, set[str]] = {}
    for surface in ctx.data.surfaces.by_name.values():
        model_keys = {path[0] for path in surface.paths("model") if len(path) == 1}
        callees = [method[-1] for method in surface.methods] + [name.rpartition(".")[2] for name in surface.constructors]
        for callee in callees:
            keywords.setdefault(callee, set()).update(model_keys)
    return keywords


def _request_positions(ctx: FileContext) -> dict[str, set[int]]:
    """Callee name -> the positions of the arguments that hold the model, for surfaces with positional parameters
    (``AnthropicModel("claude-...")``)."""
    positions: dict[str, set[int]] = {}
    for surface in ctx.data.surfaces.by_name.values():
        model_keys = {path[0] for path in surface.paths("model") if len(path) == 1}
        indexes = {index for index, name in enumerate(surface.positional) if name in model_keys}
        callees = [method[-1] for method in surface.methods] + [name.rpartition(".")[2] for name in surface.constructors]
        for callee in callees if indexes else ():
            positions.setdefault(callee, set()).update(indexes)
    return positions


def _batch_lists(ctx: FileContext) -> dict[str, str]:
    """``.messages.batches.create`` -> ``requests``: the methods that send several requests in one list argument."""
    return {"." + ".".join(method): surface.each_request[0][0] for surface in ctx.data.surfaces.by_name.values()
            if surface.each_request is not None for method in surface.methods}


def service_name(call: cst.Call) -> str | None:
    """The AWS service a ``client(...)`` call builds (its first argument or ``service_name``), when written."""
    for arg in call.args:
        if (arg.keyword is None and not arg.star) or (arg.keyword is not None and arg.keyword.value == "service_name"):
            return literal_text(arg.value)
    return None
