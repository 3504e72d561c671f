"""Rule kinds for beta flags, wherever a surface keeps them: ``betas=[...]``, the ``anthropic-beta`` header,
InvokeModel ``anthropic_beta`` and Converse ``additionalModelRequestFields.anthropic_beta``."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import libcst as cst

from claude_migrate.analysis.edits import EditSet, remove_element, remove_entry, with_text
from claude_migrate.kinds.base import Param, register, weakest
from claude_migrate.kinds.beta_strays import STRAYS, flags_in, listed, rejecting
from claude_migrate.kinds.param_checks import check_known
from claude_migrate.kinds.request_kind import RequestKind, models_where
from claude_migrate.kinds.tools import ToolVersion
from claude_migrate.analysis.requests import BetaFlags, Request, Requests
from claude_migrate.analysis.strings import literal_text
from claude_migrate.analysis.values import Entry, MappingView
from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.yamlio import YamlMap

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext
    from claude_migrate.data.rules import RuleSpec


class BetaFlagKind(RequestKind):
    """Shared logic: rewrite some flags of a request (replace or remove), keeping the way they are written. A
    flag written anywhere else (a module constant, a class attribute, a header dict built apart from the
    request, an alias list) that no request's finding covers is reported where it is written, for a human:
    agent code keeps its flags in constants and builds its tools in other files."""

    FOR_TARGET = True

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__(spec, ctx)
        self._strays: list[tuple[cst.SimpleString, str, list[str]]] = []
        self._labels: list[str | cst.CSTNode] = []  # a node stands for its code, written only when a flag is found
        self._covered: set[int] = set()

    @classmethod
    def needs_import(cls, data: RuleData) -> tuple[str, ...]:
        """Flags live in files that make no request (a constants module); the triggers are the flags themselves,
        so every file that holds one is read."""
        return ()

    def _label(self, label: str | cst.CSTNode) -> None:
        self._labels.append(label)

    def _unlabel(self, *_: object) -> None:
        self._labels.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        self._label(node.targets[-1].target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._label(node.target)

    def visit_DictElement(self, node: cst.DictElement) -> None:
        self._label(literal_text(node.key) or "a dict") if isinstance(node.key, cst.SimpleString) else \
            self._label("a dict")

    def visit_Arg(self, node: cst.Arg) -> None:
        self._label(node.keyword.value if node.keyword is not None else (self._labels or ["an argument"])[-1])

    leave_Assign = leave_AnnAssign = leave_DictElement = leave_Arg = _unlabel

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        found = flags_in(literal_text(node) or "", self.params["flags"])
        if found:
            label = self._labels[-1] if self._labels else "a string"
            if isinstance(label, cst.CSTNode):
                label = cst.Module([]).code_for_node(label)
            self._strays.append((node, "a dict key" if label in found else label, found))

    def leave_Module(self, original_node: cst.Module) -> None:
        for request in self.ctx.provider(Requests).all():
            if request.runs_on is None and self.CLAUDE_ONLY:
                continue
            before = len(self.ctx.raw_findings)
            self.check_request(request)
            flags = self.flags_of(request)
            if flags is not None and (len(self.ctx.raw_findings) > before or not flags.via):
                self._covered.update(id(flag.node) for flag in flags.flags)
        for node, label, found in self._strays:
            if id(node) not in self._covered and (values := self.stray_values(found, label)) is not None:
                self.report(node, safety="manual", **values)

    def stray_values(self, found: list[str], label: str) -> dict[str, str] | None:
        """The message fields of a flag written outside a request; None when it is right as it is."""
        return STRAYS[self.KIND](self.spec, self.ctx.options, found, label)

    def flags_of(self, request: Request) -> BetaFlags | None:
        flags = request.beta_flags()
        return flags if isinstance(flags, BetaFlags) else None

    def rewrite(self, request: Request, beta: BetaFlags, changes: dict[str, str | None], safety: str = "safe",
                **values: object) -> None:
        """Report a finding whose fix applies ``changes`` (flag -> new flag, or None to remove it), at most as safe
        as ``safety`` (that of the fixes it goes with)."""
        kept = [new for f in beta.flags if (new := changes.get(f.text, f.text)) is not None]
        header = beta.flags[0].element is None  # one comma-separated header string
        edits = EditSet()
        if not kept and beta.complete and (header or beta.hit.entry.value is beta.holder):
            self._remove_field(request, beta, edits)
        elif header:
            node = beta.flags[0].node
            separator = ", " if ", " in (literal_text(node) or "") else ","
            edits.replace(node, with_text(node, separator.join(kept)))
        else:
            holder = beta.holder
            for flag in beta.flags:
                new = changes.get(flag.text, flag.text)
                if new is None:
                    assert flag.element is not None  # not a header string: every flag is an element of the list
                    edits.change(holder, partial(remove_element, element=flag.element))
                elif new != flag.text:
                    edits.replace(flag.node, with_text(flag.node, new))
        note = self.shared_note(beta.via)
        # The caret goes on the flag written in the request; a flag reached through a name is shown where the
        # request uses the name, so two requests sharing one list get a finding each.
        written = None if beta.via else next((flag.node for flag in beta.flags if flag.text in changes), None)
        self.report(written or beta.hit.entry.key_node, safety=weakest(safety, "unsafe" if note else "safe"),
                    replacements=edits.replacements(), note=note, **values)

    def _remove_field(self, request: Request, flags: BetaFlags, edits: EditSet) -> None:
        """Remove the whole argument or key that holds the flags (and an inline dict it leaves empty)."""
        view = request.resolver.view_at(request.args, flags.hit.path[:-1])
        assert isinstance(view, MappingView)
        remove_entry(edits, flags.hit.entry, view, prune=True)


@register("remove-beta-flag")
class RemoveBetaFlag(BetaFlagKind):
    """Beta flags that do nothing on the target models: remove them (the whole field when none is left)."""

    PARAMS = {"flags": Param("str_list", required=True), "only_on_models": Param("model_test")}
    MESSAGE_FIELDS = frozenset({"flags", "field", "note", "model"})

    def check_request(self, request: Request) -> None:
        """With ``only_on_models``, only requests that may run on a model that ignores the flags are reported, and
        the flags are removed only when every model the request may run on ignores them: where the model is not
        known and some of the target's models still use a flag, removing it would change those requests."""
        flags = self.flags_of(request)
        found = [f.text for f in flags.flags if f.text in self.params["flags"]] if flags else []
        if not flags or not found:
            return
        assert request.runs_on is not None
        test = self.params["only_on_models"]
        models = models_where(request, test) if test else request.runs_on.models
        values = {"flags": listed(found), "field": flags.hit.label, "model": request.runs_on.describe(models)}
        if len(models) == len(request.runs_on.models):
            self.rewrite(request, flags, dict.fromkeys(found), **values)
        elif models:
            others = tuple(m for m in request.runs_on.models if m not in models)
            self.report(flags.hit.entry.key_node, safety="manual", **values,
                        note=f"; {request.runs_on.describe(others)} may still use it, so it is not removed")


@register("tool-beta-flag")
class ToolBetaFlag(BetaFlagKind):
    """A flag an old tool version needed: once no tool of the request needs it, write the flag the request's
    tools need now, or remove it. Left alone while the tools are unknown or an old tool still needs it."""

    PARAMS = {"flags": Param("str_list", required=True), "tool": Param("str")}
    MESSAGE_FIELDS = frozenset({"flag", "field", "action", "note", "model"})

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        """``tool`` names the tool version the flags belong to; it is kept as its data, so the flag is judged by
        the models that accept that version wherever it is written (config files too, which load no tools)."""
        result = super().check_params(params, path, data)
        if result.get("tool") is not None:
            check_known(params, path, "tool", [result["tool"]], data.tools.by_type, "tool type")
            result["tool"] = data.tools.by_type[result["tool"]]
        return result

    def check_request(self, request: Request) -> None:
        tool = self.params.get("tool")
        if tool is not None and request.runs_on is not None and \
                not rejecting(tool, request.runs_on.models):
            return  # every model the request goes to still takes the tool this flag belongs to
        flags = self.flags_of(request)
        old = [f.text for f in flags.flags if f.text in self.params["flags"]] if flags else []
        planned = self._needed(request) if old else None
        if flags and old and planned is None and not flags.via:
            self._built_elsewhere(request, flags, old)
        if not flags or planned is None:
            return
        needed, safety = planned
        for flag in old:
            if flag in needed:
                return
        missing = sorted(needed - set(flags.texts))
        if len(missing) > 1:
            return
        changes: dict[str, str | None] = dict.fromkeys(old)
        if missing:
            changes[old[0]] = missing[0]
            action = f"the request's tools now need `{missing[0]}` instead"
        else:
            action = "no tool of the request needs it any more: remove it"
        self.rewrite(request, flags, changes, safety, flag=listed(old), field=flags.hit.label, action=action,
                     model=self._model(request))

    def _model(self, request: Request) -> str:
        """The models that reject the flag's tool version (those the request goes to), for the message."""
        tool = self.params.get("tool")
        if request.runs_on is None:
            return ""
        return request.runs_on.describe(rejecting(tool, request.runs_on.models) if tool is not None else None)

    def _built_elsewhere(self, request: Request, flags: BetaFlags, old: list[str]) -> None:
        """The request's tools come from a call or a name this file does not resolve: the flag is reported for a
        human, naming the flags the newer tool versions need (a name that holds the flag is reported where the
        name is written, as a flag outside a request)."""
        models = request.runs_on.models if request.runs_on is not None else ()
        newer = sorted({kind.beta for kind in self.ctx.data.tools.by_type.values()
                        if kind.beta and kind.beta not in old and any(kind.accepted_by(m) for m in models)})
        node = next(flag.node for flag in flags.flags if flag.text in old)
        choice = f"write the flag of the computer tool's version ({listed(newer)}) or remove it" if newer else \
            "remove it, or move to a tool that needs a flag of its own"
        self.report(node, safety="manual", flag=listed(old), field=flags.hit.label, note="",
                    model=self._model(request),
                    action=f"the request's tools are built elsewhere, so the flag they need is not known here: "
                           f"once they are at versions accepted by {self._model(request) or 'its models'}, {choice}")

    def _needed(self, request: Request) -> tuple[set[str], str] | None:
        """The beta flags the request's Anthropic-defined tools need once the selected tool-version rules have
        fixed them, and the safety of those fixes; None when its tools are not known."""
        elements = request.sequence("tools")
        if elements is None:
            return set(), "safe"
        if not isinstance(elements, list):
            return None
        types = self.ctx.data.tools.by_type
        versions = [rule for rule in self.ctx.rule_instances if isinstance(rule, ToolVersion)]
        needed: set[str] = set()
        safety = "safe"
        for element in elements:
            view = request.resolver.mapping(element)
            if view is None:
                return None
            entry = view.get("type")
            if not isinstance(entry, Entry):
                if not view.complete:
                    return None
                continue
            kind = request.resolver.text(entry.reached())
            if kind is None:
                return None
            if (fixed := next((plan for rule in versions if (plan := rule.planned(view)) is not None), None)):
                kind, safety = fixed[0], weakest(safety, fixed[1])
            if kind in types and (beta := types[kind].beta):
                needed.add(beta)
        return needed, safety
