"""Rule kinds for model IDs in Python: outdated models, IDs no platform has, Bedrock IDs that need a profile.

The decisions live in :mod:`claude_migrate.kinds.model_id_judges` (shared with notebooks and config files); these
kinds find the ID sites in the syntax tree, work out the Region of each site's client, and turn a
verdict into a node replacement.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

import libcst as cst

from claude_migrate.data.catalogue import Platform
from claude_migrate.kinds.model_id_judges import (ID_JUDGES, IdJudge, RegionSource, Rewrite, Verdict, role_safety,
                                                  site_region)
from claude_migrate.kinds.base import Param, RuleKind, register
from claude_migrate.analysis.providers import ClientRegions, IdSite, IdSites, Imports
from claude_migrate.analysis.requests import FieldHit, Requests

if TYPE_CHECKING:
    from claude_migrate.analysis.context import FileContext
    from claude_migrate.data.rules import RuleSpec


class ModelIdKind(RuleKind):
    """Shared logic of the model-ID kinds: visit every ID site and report the judge's verdict on it."""

    REQUIRES = (Imports, ClientRegions, IdSites)
    judge: IdJudge

    def __init__(self, spec: RuleSpec, ctx: FileContext) -> None:
        super().__init__(spec, ctx)
        self.judge = ID_JUDGES[self.KIND](spec, ctx.data, ctx.options)

    def leave_Module(self, original_node: cst.Module) -> None:
        others = [rule.judge for rule in self.ctx.rule_instances if isinstance(rule, ModelIdKind)]
        for site in self.ctx.provider(IdSites).sites:
            if not self.judge.applies(site.hit, site.role):
                continue
            verdict = self.judge.judge(site.hit, self.region_source(site), others)
            if verdict is not None:
                self.report_site(site, verdict)

    def report_site(self, site: IdSite, verdict: Verdict) -> None:
        """Report the verdict with the safety the site's role allows: a catalogue entry is never rewritten, a
        compared or unknown value only as an unsafe fix, and a name that says the old model makes it unsafe."""
        rewrite = verdict.fix
        replacements: tuple[tuple[cst.CSTNode, cst.CSTNode], ...] = ()
        safety, role, note = "manual", site.role, ""
        if rewrite is not None and site.segment.editable and role.rewritable:
            start = site.hit.start if rewrite.start is None else rewrite.start
            new = site.segment.replaced(start, site.hit.end, rewrite.text)
            replacements = ((site.segment.node, new),)
            safety, note = role_safety(role, rewrite.safety, site.hit, rewrite.text, self.ctx.data, self.ctx.options)
        elif not role.rewritable:
            note = f"; {role.why}, a catalogue of models: reported, not rewritten"
        self.report(site.string, safety=safety, replacements=replacements, severity=verdict.severity, role=role.name,
                    subject=site.hit.text, **verdict.message_values(note))

    def region_source(self, site: IdSite) -> RegionSource:
        """Where the site's calls run: its own client's Region, the file's one Region, or the settings."""
        regions = self.ctx.provider(ClientRegions)
        return lambda: site_region(self.ctx.options, self.ctx.data, lambda: regions.of_site(site.string, site.calls),
                                   regions.all_regions)


@register("outdated-model-id")
class OutdatedModelId(ModelIdKind):
    """An ID of a model older than the target's model of the same tier: replace it, keeping its platform form."""

    PARAMS: ClassVar[dict[str, Param]] = {
        "generation_from": Param("version"),
        "generation_below": Param("version"),
    }
    MESSAGE_FIELDS = frozenset({"id", "model", "state", "replacement", "target", "note", "advice"})


@register("invalid-model-id")
class InvalidModelId(ModelIdKind):
    """An ID that no platform serves (mis-ordered family name, wrong date, withdrawn alias). A misspelling that is
    also the model's everyday name (``claude-sonnet-4.5``) is reported only as the model of a request this file
    sends to Claude: the same string sent through another service's client is that service's model name."""

    REQUIRES = (*ModelIdKind.REQUIRES, Requests)
    MESSAGE_FIELDS = frozenset({"id", "why", "replacement", "platform", "note", "advice"})

    def report_site(self, site: IdSite, verdict: Verdict) -> None:
        if site.hit.name_like:
            platforms = self._sent_to_claude.get(id(site.string))
            if platforms is None:
                return
            if verdict.rewrite is not None:
                verdict = self._unsent_note(site, self._on_platforms(verdict, verdict.rewrite, platforms))
        super().report_site(site, verdict)

    @staticmethod
    def _on_platforms(verdict: Verdict, rewrite: Rewrite, platforms: list[Platform | None]) -> Verdict:
        """No Claude API ID written (``rewrite``, the verdict's) where a request that sends it takes Bedrock or
        Vertex IDs; a warning where the code does not show the client."""
        elsewhere = next((platform for platform in platforms if platform not in (Platform.FIRST_PARTY, None)), None)
        if elsewhere is not None:
            advice = (f"the request that sends it takes {elsewhere.label} IDs, so nothing is written: use the "
                      f"{elsewhere.label} ID of the model it means (`claude-migrate models`)")
            return replace(verdict, rewrite=None, values={**verdict.values, "advice": advice})
        if None in platforms:
            note = ("; the code does not show which client sends it: if that client is a Bedrock or Vertex one, "
                    "write that platform's ID instead")
            return replace(verdict, rewrite=replace(rewrite, note=rewrite.note + note))
        return verdict

    def _unsent_note(self, site: IdSite, verdict: Verdict) -> Verdict:
        """Where the file also writes the spelling where no request sends it (a label, a lookup, a comparison), the
        message says how often: the fix (unsafe, as every fix of a name-like spelling) would split them."""
        unsent = sum(other.hit.text == site.hit.text and id(other.string) not in self._sent_to_claude
                     for other in self.ctx.provider(IdSites).sites)
        if not unsent or verdict.rewrite is None:
            return verdict
        times = "once more" if unsent == 1 else f"{unsent} more times"
        note = (f"; `{site.hit.text}` is also written {times} in this file where no request sends it, and the fix "
                f"would split it from there")
        return replace(verdict, rewrite=replace(verdict.rewrite, note=verdict.rewrite.note + note))

    @cached_property
    def _sent_to_claude(self) -> dict[int, list[Platform | None]]:
        """The literals (through names) that the file's Claude requests send as their model, with the platform
        whose IDs each of those requests takes (None: unknown)."""
        requests = self.ctx.provider(Requests)
        sent: dict[int, list[Platform | None]] = {}
        for request in requests.all():
            if isinstance(hit := request.field("model"), FieldHit):
                platform = request.surface.platform_of(requests.client_of(request))
                sent.setdefault(id(request.resolver.follow(hit.entry.reached()).node), []).append(platform)
        return sent


@register("bedrock-profile-missing")
class BedrockProfileMissing(ModelIdKind):
    """A bare Bedrock base ID of a model AWS serves only through cross-Region inference profiles; not in a call of
    ``base_id_calls`` (control-plane methods such as ``get_foundation_model``), which want the base ID."""

    PARAMS: ClassVar[dict[str, Param]] = {"base_id_calls": Param("str_list", default=[])}
    MESSAGE_FIELDS = frozenset({"id", "model", "replacement", "note"})

    def report_site(self, site: IdSite, verdict: Verdict) -> None:
        wanted = self.params["base_id_calls"]
        if not any(isinstance(call.func, cst.Attribute) and call.func.attr.value in wanted for call in site.calls):
            super().report_site(site, verdict)


@register("model-lifecycle")
class ModelLifecycle(ModelIdKind):
    """An ID whose model is retired or deprecated on its platform on the run date, or retires within --fail-within."""

    MESSAGE_FIELDS = frozenset({"id", "model", "state", "window", "advice", "note"})

