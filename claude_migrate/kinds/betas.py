"""Rule kinds for beta flags, wherever a surface keeps them: ``betas=[...]``, the ``anthropic-beta`` header,
InvokeModel ``anthropic_beta`` and Converse ``additionalModelRequestFields.anthropic_beta``."""

from __future__ import annotations

from functools import partial

from claude_migrate.analysis.edits import EditSet, remove_element, remove_entry, with_text
from claude_migrate.kinds.base import Param, register, weakest
from claude_migrate.kinds.request_kind import RequestKind, models_where
from claude_migrate.kinds.tools import ToolVersion
from claude_migrate.analysis.requests import BetaFlags, Request
from claude_migrate.analysis.strings import literal_text
from claude_migrate.analysis.values import Entry, MappingView


def listed(texts: list[str]) -> str:
    return ", ".join(f"`{text}`" for text in texts)


class BetaFlagKind(RequestKind):
    """Shared logic: rewrite some flags of a request (replace or remove), keeping the way they are written."""

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
        """With ``only_on_models``, only requests that may run on a model that ignores the flags are reported."""
        flags = self.flags_of(request)
        found = [f.text for f in flags.flags if f.text in self.params["flags"]] if flags else []
        if not flags or not found:
            return
        assert request.runs_on is not None
        test = self.params["only_on_models"]
        models = models_where(request, test) if test else request.runs_on.models
        if models:
            self.rewrite(request, flags, dict.fromkeys(found), flags=listed(found), field=flags.hit.label,
                         model=request.runs_on.describe(models))


@register("tool-beta-flag")
class ToolBetaFlag(BetaFlagKind):
    """A flag an old tool version needed: once no tool of the request needs it, write the flag the request's
    tools need now, or remove it. Left alone while the tools are unknown or an old tool still needs it."""

    PARAMS = {"flags": Param("str_list", required=True)}
    MESSAGE_FIELDS = frozenset({"flag", "field", "action", "note"})

    def check_request(self, request: Request) -> None:
        flags = self.flags_of(request)
        old = [f.text for f in flags.flags if f.text in self.params["flags"]] if flags else []
        planned = self._needed(request) if old else None
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
        self.rewrite(request, flags, changes, safety, flag=listed(old), field=flags.hit.label, action=action)

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
