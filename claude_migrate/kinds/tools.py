"""Rule kinds for Anthropic-defined tools (text editor, bash, computer): tool versions in definitions, tool
names in handler code, and typed SDK params that pin an old version."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import libcst as cst

from claude_migrate.analysis.bindings import Bindings, Scope
from claude_migrate.analysis.edits import EditSet, with_text
from claude_migrate.data.errors import DataError
from claude_migrate.kinds.base import Param, RuleKind, register, weakest
from claude_migrate.kinds.param_checks import check_known
from claude_migrate.analysis.providers import ComparedStrings, Imports
from claude_migrate.analysis.requests import Requests
from claude_migrate.analysis.runs_on import RunsOn
from claude_migrate.analysis.strings import literal_text
from claude_migrate.data.tool_types import ToolType
from claude_migrate.analysis.values import Entry, MappingView, Reached
from claude_migrate.data.yamlio import YamlMap
from claude_migrate.data.rule_data import RuleData

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext
    from claude_migrate.data.rules import RuleSpec

FAMILY = Param("str", required=True)  # one of the families of rules/catalogue/tools.yaml (ToolKind.check_params)


class ToolKind(RuleKind):
    """Shared logic: the tool version a target accepts for the models a definition will be sent to."""

    FOR_TARGET = True

    REQUIRES = (Requests, ComparedStrings)

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        result = super().check_params(params, path, data)
        if "family" in result:
            check_known(params, path, "family", [result["family"]], data.tools.families, "tool family")
        if "from_types" in result:
            check_known(params, path, "from_types", result["from_types"], data.tools.by_type,
                        "tool type")
        return result

    def runs_on(self, definition: cst.CSTNode | None) -> RunsOn:
        """The models a tool definition goes to: those of the requests that send it, else the whole target."""
        target = self.ctx.options.target
        requests = self.ctx.provider(Requests).using_tool(definition) if definition is not None else []
        found = [request.runs_on for request in requests if request.runs_on is not None]
        if found:
            models = {model.key: model for runs_on in found for model in runs_on.models}
            return RunsOn(tuple(models.values()), all(runs_on.known for runs_on in found), target.name)
        return RunsOn.whole_target(target, request=False)

    def newest(self, family: str, runs_on: RunsOn) -> ToolType | None:
        return self.ctx.data.tools.newest(family, list(runs_on.models))


def _literal_strings(node: cst.BaseExpression | None, text: str) -> list[cst.SimpleString]:
    """The string literals equal to ``text`` in ``node`` (an annotation ``Literal["x"]``, or the value itself)."""
    if node is None:
        return []
    found: list[cst.SimpleString] = []

    class Strings(cst.CSTVisitor):
        def visit_SimpleString(self, string: cst.SimpleString) -> None:
            if literal_text(string) == text:
                found.append(string)

    node.visit(Strings())
    return found


def class_attributes(node: cst.ClassDef) -> dict[str, tuple[cst.BaseExpression, cst.BaseExpression | None]]:
    """The class-level ``attr: Annotation = value`` and ``attr = value`` lines of ``node``: value and annotation."""
    attrs: dict[str, tuple[cst.BaseExpression, cst.BaseExpression | None]] = {}
    for line in node.body.body:
        for small in line.body if isinstance(line, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name) and small.value is not None:
                attrs[small.target.value] = (small.value, small.annotation.annotation)
            elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                    small.targets[0].target, cst.Name):
                attrs[small.targets[0].target.value] = (small.value, None)
    return attrs


def _inherited_name(cls: cst.ClassDef, classes: dict[str, cst.ClassDef],
                    seen: frozenset[str] = frozenset()) -> tuple[str, cst.BaseExpression] | None:
    """The base class of this module that sets ``name`` for ``cls`` (nearest first, as Python's lookup goes for
    single inheritance) and the value it sets."""
    for base in cls.bases:
        parent = classes.get(base.value.value) if isinstance(base.value, cst.Name) else None
        if parent is None or parent.name.value in seen:
            continue
        attrs = class_attributes(parent)
        if "name" in attrs:
            return parent.name.value, attrs["name"][0]
        found = _inherited_name(parent, classes, seen | {parent.name.value})
        if found is not None:
            return found
    return None


@register("tool-version")
class ToolVersion(ToolKind):
    """A tool definition whose type is one of ``from_types``: write the newest type of the family every model it
    goes to accepts, with the name that type requires, in one edit. A definition is a dict ``{"type": T,
    "name": N}``, or a tool class whose attributes hold them (``api_type: Literal[T] = T``, ``name: ...``), as
    the computer-use demo and its forks write tools; any other literal of an old type (a ``Literal[...]``
    alias, a constant) is reported for a human, since its name is not beside it."""

    PARAMS = {"family": FAMILY, "from_types": Param("str_list", required=True),
              "only_where_rejected": Param("bool", default=False),
              "only_where_misnamed": Param("bool", default=False),
              "name_as_type": Param("bool", default=False)}
    MESSAGE_FIELDS = frozenset({"type", "advice", "model", "note", "name", "required"})

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__(spec, ctx)
        self._definitions: list[tuple[cst.Dict | cst.Call, Scope]] = []
        self._strings: list[cst.SimpleString] = []
        self._classes: list[cst.ClassDef] = []
        self._in_call_args = 0

    def visit_Dict(self, node: cst.Dict) -> None:
        self._definitions.append((node, self.ctx.provider(Bindings).current))

    def visit_Call(self, node: cst.Call) -> None:
        if self.ctx.provider(Requests).resolver.is_dict_call(node):
            self._definitions.append((node, self.ctx.provider(Bindings).current))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._classes.append(node)

    def visit_Arg(self, node: cst.Arg) -> None:
        self._in_call_args += 1

    def leave_Arg(self, original_node: cst.Arg) -> None:
        self._in_call_args -= 1

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        # An argument of a call is a typed param (CM303) or a builder this rule cannot see into.
        if not self._in_call_args and literal_text(node) in self.params["from_types"]:
            self._strings.append(node)

    def leave_Module(self, original_node: cst.Module) -> None:
        resolver = self.ctx.provider(Requests).resolver
        done: set[int] = set()
        for node, scope in self._definitions:
            view = resolver.mapping(Reached(node, scope))
            entry = view.get("type") if view is not None else None
            if isinstance(entry, Entry) and entry.container is node:
                old = resolver.text(entry.reached())
                name = view.get("name")  # type: ignore[union-attr]
                name_text = resolver.text(name.reached()) if isinstance(name, Entry) else None
                if self._matches(old, name_text):
                    done.add(id(entry.value))
                    self._check_dict(view, entry, old)  # type: ignore[arg-type]
        classes = {cls.name.value: cls for cls in self._classes}
        for cls in self._classes:
            done.update(self._check_class(cls, classes))
        for string in self._strings:
            if id(string) not in done and not self.params["only_where_rejected"] and \
                    not self.params["only_where_misnamed"] and not self.params["name_as_type"]:
                self._report(string, [string], [], literal_text(string) or "", self.runs_on(None), None, "manual",
                             " (written here without the tool's name beside it: change the type and the name"
                             " the tool sends together)")

    def _no_version(self, runs_on: RunsOn) -> str:
        """Advice when no version of the family suits every model: the family that replaces it, where those models
        all accept one (the computer toolset), else a version per model."""
        tools = self.ctx.data.tools
        unknown = tools.unknown(self.params["family"], runs_on.models)
        if unknown:
            return (f"no first-party source in the catalogue says which version of this tool "
                    f"{runs_on.describe(unknown)} accept{'s' if len(unknown) == 1 else ''}: check the model's tool "
                    f"documentation before choosing one")
        successor = tools.families[self.params["family"]].replaced_by
        toolset = tools.newest(successor, list(runs_on.models)) if successor else None
        if toolset is None:
            return "no single version of this tool fits all of them: choose one per model"
        what = "a toolset" if toolset.name is None else f'the tool `{toolset.name}`'
        return (f'no version of this tool is accepted: use {what}, `{{"type": "{toolset.type}"}}`, whose members '
                f"Claude calls by their own names, so the code that handles its tool calls changes too")

    def _matches(self, old: str | None, name: str | None) -> bool:
        """Whether a definition of type ``old`` named ``name`` is this rule's: a type of ``from_types``; with
        ``only_where_misnamed``, one named otherwise than its type requires (a name not known statically is not
        known to differ: nothing is guessed); with ``name_as_type``, the name of one of them written as the type.
        A check of the version a model accepts (``only_where_rejected``) leaves a misnamed pair to that rule."""
        by_type = self.ctx.data.tools.by_type
        if self.params["name_as_type"]:
            return old in {by_type[t].name for t in self.params["from_types"]}
        if old not in self.params["from_types"]:
            return False
        misnamed = name is not None and name != by_type[old].name
        if self.params["only_where_rejected"]:
            return not misnamed
        return not self.params["only_where_misnamed"] or misnamed

    def planned(self, view: MappingView) -> tuple[str, str] | None:
        """The type this rule's fix writes into the tool definition ``view`` and the fix's safety; None when it
        leaves the type as written (not one of its types, or a change it only reports). Other kinds read the
        request's tools as the fix will write them, so ``check`` reports in one pass what ``fix`` reaches."""
        entry = view.get("type")
        if not isinstance(entry, Entry) or entry.container is not view.container:
            return None
        resolver = self.ctx.provider(Requests).resolver
        old = resolver.text(entry.reached())
        name_entry = view.get("name")
        if old is None or not self._matches(old, resolver.text(name_entry.reached())
                                            if isinstance(name_entry, Entry) else None):
            return None
        new, safety, _ = self._plan(self.runs_on(view.container), entry.value,
                                    name_entry.value if isinstance(name_entry, Entry) else None)
        return (new.type, safety) if new is not None and safety != "manual" else None

    def _plan(self, runs_on: RunsOn, type_node: cst.BaseExpression,
              name_node: cst.BaseExpression | None) -> tuple[ToolType | None, str, str]:
        """The newest type the definition's models accept, the fix's safety, and what the message adds."""
        new = self.newest(self.params["family"], runs_on)
        if new is None:
            return None, "manual", ""
        name = literal_text(name_node) if name_node is not None else None
        if not isinstance(type_node, cst.SimpleString) or (
                name != new.name and not isinstance(name_node, cst.SimpleString)):
            return new, "manual", " (the type and name are not both string literals here: change them together)"
        if name is not None and name != new.name and name in self.ctx.provider(ComparedStrings).by_text:
            return new, "unsafe", (f" (the file compares tool names with `{name}`: the fix renames the tool, so those "
                                   f"comparisons must change with it, which CM302 does as an unsafe fix)")
        return new, weakest(self.spec.fix, "safe"), ""

    def _accepted(self, old: str, runs_on: RunsOn) -> bool:
        """With ``only_where_rejected``, a type that every model the definition goes to accepts is left alone. When
        those models are not known, the target's models stand for them, and so is the newest version any of them
        accepts: code that already moved to it chose its models (computer_20251124 for the 4.6 models)."""
        if not self.params["only_where_rejected"]:
            return False
        tools = self.ctx.data.tools
        tool = tools.by_type[old]
        if all(tool.accepted_by(model) or not tool.known_for(model) for model in runs_on.models):
            return True  # a model the data knows nothing about is not said to reject it
        family = [t for t in tools.by_type.values() if t.family == tools.by_type[old].family]
        newest = next((t for t in reversed(family) if any(t.accepted_by(m) for m in runs_on.models)), None)
        return not runs_on.known and newest is not None and newest.type == old

    def _check_dict(self, view: MappingView, type_entry: Entry, old: str) -> None:
        name_entry = view.get("name")
        name_node = name_entry.value if isinstance(name_entry, Entry) else None
        runs_on = self.runs_on(view.container)
        if self._accepted(old, runs_on):
            return
        new, safety, note = self._plan(runs_on, type_entry.value, name_node)
        names = [name_node] if isinstance(name_node, cst.SimpleString) else []
        self._report(type_entry.value, [type_entry.value], names, old, runs_on, new, safety, note,
                     literal_text(name_node) if isinstance(name_node, cst.SimpleString) else None)

    def _check_class(self, cls: cst.ClassDef, classes: dict[str, cst.ClassDef]) -> set[int]:
        """A tool class: the attribute holding an old type and the ``name`` attribute, each in its value and its
        ``Literal[...]`` annotation, change together. A name inherited from a base class of the module is read
        there, and the class is left to a human: other tools share the base, whose own fix may change the name.
        Returns the ids of the type literals it reported."""
        attrs = class_attributes(cls)
        for key, (value, annotation) in attrs.items():
            old = literal_text(value) if isinstance(value, cst.SimpleString) else None
            if old is None or (self.params["name_as_type"] and not key.endswith("type")):
                continue
            name_value, name_annotation = attrs.get("name", (None, None))
            base = _inherited_name(cls, classes) if name_value is None else None
            old_name = literal_text(name_value) if isinstance(name_value, cst.SimpleString) else None
            shown = old_name if base is None else literal_text(base[1]) if isinstance(base[1], cst.SimpleString) \
                else None
            if not self._matches(old, shown):
                continue
            runs_on = self.runs_on(None)
            if self._accepted(old, runs_on):
                return set()
            new, safety, note = self._plan(runs_on, value, name_value)
            if base is not None and new is not None:  # the base class's own fix may change the name this type gets
                safety, note = "manual", f" (the name `{shown}` comes from the base class `{base[0]}`: " + (
                    "give this class its own `name`, or change the base class's pair)" if shown != new.name
                    else "change this type by hand, with the base class in view)")
            types = [value] + [s for s in _literal_strings(annotation, old) if s is not value]
            names = [name_value] + _literal_strings(name_annotation, old_name) if old_name else []
            self._report(value, types, names, old, runs_on, new, safety, note, shown)  # type: ignore[arg-type]
            return {id(node) for node in types}
        return set()

    def _report(self, at: cst.BaseExpression, types: list[cst.SimpleString], names: list[cst.SimpleString],
                old: str, runs_on: RunsOn, new: ToolType | None, safety: str, note: str,
                name: str | None = None) -> None:
        """One finding at ``at`` whose fix writes the new type into ``types`` and its name into ``names``."""
        tool = self.ctx.data.tools.by_type.get(old)
        rejecting = tuple(m for m in runs_on.models if tool is not None and not tool.accepted_by(m) and tool.known_for(m))
        shown = runs_on.describe(rejecting if self.params["only_where_rejected"] and rejecting else None)
        values: dict[str, Any] = {"type": old, "model": shown, "name": name or "?",
                                  "required": getattr(tool, "name", None) or ""}
        if new is None:
            self.report(at, safety="manual", note="", **values, advice=self._no_version(runs_on))
            return
        beta = f" (beta flag `{new.beta}`)" if new.beta else ""
        values["advice"] = f'use `{{"type": "{new.type}", "name": "{new.name}"}}`{beta}'
        if safety == "manual":
            self.report(at, safety="manual", note=note, **values)
            return
        edits = EditSet()
        for node in types:
            edits.replace(node, with_text(node, new.type))
        for node in names:
            if literal_text(node) != new.name:
                edits.replace(node, with_text(node, new.name))
        self.report(at, safety=safety, replacements=edits.replacements(), note=note, **values)


@register("tool-name-comparison")
class ToolNameComparison(ToolKind):
    """Handler code comparing a tool name with the name an old version of the tool used."""

    PARAMS = {"family": FAMILY, "from_types": Param("str_list", required=True)}
    MESSAGE_FIELDS = frozenset({"name", "new_name", "new_type", "model"})

    def leave_Module(self, original_node: cst.Module) -> None:
        runs_on = self.runs_on(None)
        new = self.newest(self.params["family"], runs_on)
        types = self.ctx.data.tools.by_type
        old_names = {types[t].name for t in self.params["from_types"] if t in types}
        if new is None:
            return
        compared = self.ctx.provider(ComparedStrings).by_text
        for name in sorted(old_names - {new.name}):
            for node in compared.get(name, []):
                self.report(node, replacements=((node, with_text(node, new.name)),), name=name, new_name=new.name,
                            new_type=new.type, model=runs_on.describe())


_CLASS = re.compile(r"^(?P<cls>\w+)\s*:\s*(?P<type>\w+)$")


@register("typed-tool-param")
class TypedToolParam(ToolKind):
    """A typed SDK param class that pins an old tool version (``BetaToolTextEditor20241022Param(...)``)."""

    PARAMS = {"classes": Param("str_list", required=True)}
    MESSAGE_FIELDS = frozenset({"name", "type", "new_type", "model"})

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        result = super().check_params(params, path, data)
        classes = {}
        for text in result["classes"]:
            if (match := _CLASS.match(text)) is None:
                line = params.line_of("classes") if params is not None else None
                raise DataError(path, line, "classes", f"'{text}' is not 'ClassName: tool_type'")
            classes[match["cls"]] = match["type"]
        check_known(params, path, "classes", classes.values(), data.tools.by_type, "tool type")
        result["classes"] = classes
        return result

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__(spec, ctx)
        self._uses: list[tuple[cst.BaseExpression, str]] = []
        self._attrs: set[int] = set()
        self._in_import = 0
        self._returns: set[int] = set()
        self._in_returns = 0

    # A class named as a return type (``def to_params(self) -> BetaToolBash20241022Param``) builds nothing: the
    # definition's type literal sends the old version, on the lines a user edits, and its own rule reports it there.
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.returns is not None:
            self._returns.add(id(node.returns))

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._in_returns += id(node) in self._returns

    def leave_Annotation(self, original_node: cst.Annotation) -> None:
        self._in_returns -= id(original_node) in self._returns

    def visit_Import(self, node: cst.Import) -> None:
        self._in_import += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._in_import -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._in_import += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._in_import -= 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._attrs.add(id(node.attr))
        self._use(node)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._attrs:
            self._use(node)

    def _use(self, node: cst.BaseExpression) -> None:
        if self._in_import or self._in_returns:
            return
        qualified = self.ctx.provider(Imports).table.qualify(node)
        if qualified and qualified.startswith("anthropic.") and qualified.rpartition(".")[2] in self.params["classes"]:
            self._uses.append((node, qualified.rpartition(".")[2]))

    def leave_Module(self, original_node: cst.Module) -> None:
        types = self.ctx.data.tools.by_type
        runs_on = self.runs_on(None)
        for node, name in self._uses:
            old = types.get(self.params["classes"][name])
            new = self.newest(old.family, runs_on) if old is not None else None
            self.report(node, name=name, type=self.params["classes"][name], new_type=new.type if new else "?",
                        model=runs_on.describe())
