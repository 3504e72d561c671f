"""Rule kinds for model IDs: outdated models, IDs no platform has, Bedrock IDs that need a profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import libcst as cst

from claude_migrate.catalogue import Model, Platform
from claude_migrate.kinds.base import Param, RuleKind, register, weakest
from claude_migrate.providers import ClientRegions, IdSite, IdSites, Imports
from claude_migrate.targets import Replacement

if TYPE_CHECKING:
    from claude_migrate.bedrock_snapshot import BedrockSnapshot

PREFIX_PREFERENCE = ("us", "eu", "apac", "global", "jp", "au", "us-gov")


@dataclass(frozen=True)
class Rewrite:
    """The text that replaces one ID hit, how safe it is, and what the message should add."""

    text: str
    safety: str
    note: str = ""


@dataclass(frozen=True)
class BedrockOffer:
    """What a site's Region offers one model: from the catalogue, or from AWS's answer for that Region."""

    profiles: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    needs_profile: bool
    aws_region: str | None = None  # set when the offer is AWS's answer for this Region

    @property
    def where(self) -> str:
        return f" in {self.aws_region} per AWS" if self.aws_region else ""

    def choices(self) -> str:
        return ", ".join(f"{p}." for p in self.profiles) or (
            f"(AWS lists none in {self.aws_region})" if self.aws_region else "(no confirmed profile is documented)")


class ModelIdKind(RuleKind):
    """Shared logic of the model-ID kinds: where a site's Region comes from and how a Bedrock ID is spelt."""

    REQUIRES = (Imports, ClientRegions, IdSites)

    def leave_Module(self, original_node: cst.Module) -> None:
        for site in self.ctx.provider(IdSites).sites:
            self.check_site(site)

    def check_site(self, site: IdSite) -> None:
        raise NotImplementedError

    def report_site(self, site: IdSite, rewrite: Rewrite | None, **values: object) -> None:
        replacements: tuple[tuple[cst.CSTNode, cst.CSTNode], ...] = ()
        safety = "manual"
        if rewrite is not None and site.segment.editable and rewrite.text != site.hit.text:
            new = site.segment.replaced(site.hit.start, site.hit.end, rewrite.text)
            replacements = ((site.segment.node, new),)
            safety = rewrite.safety
            if site.lookup_context:
                safety = weakest(safety, "unsafe")
        note = rewrite.note if rewrite else ""
        if site.lookup_context:
            note += f"; it is used in {site.lookup_context}, so other code may still produce the old ID"
        self.report(site.string, safety=safety, replacements=replacements, id=site.hit.text,
                    replacement=rewrite.text if rewrite else "", note=note, **values)

    def site_region(self, site: IdSite) -> tuple[str | None, str]:
        """The Region a site's calls run in, and where that came from: its client, the file, or the settings."""
        regions = self.ctx.provider(ClientRegions)
        table = self.ctx.data.regions
        for call in site.calls:
            if (region := regions.region_of_call(call)) is not None:
                return region, f"region {region}"
        if len({table.for_region(r) for r in regions.all_regions}) == 1:
            region = sorted(regions.all_regions)[0]
            return region, f"region {region}"
        if self.ctx.options.bedrock_region:
            return self.ctx.options.bedrock_region, f"region {self.ctx.options.bedrock_region} (configured)"
        return None, ""

    def region_prefixes(self, site: IdSite) -> tuple[tuple[str, ...], str]:
        """Candidate profile prefixes for a site, most preferred first, and where they came from."""
        if self.ctx.options.bedrock_profile_prefix:
            return (self.ctx.options.bedrock_profile_prefix,), "the bedrock-profile-prefix setting"
        region, origin = self.site_region(site)
        return (self.ctx.data.regions.for_region(region) if region else ()), origin

    def bedrock_answer(self, site: IdSite) -> BedrockSnapshot | None:
        """AWS's answer when it is for the Region this site runs in."""
        answer = self.ctx.options.bedrock
        return answer if answer is not None and self.site_region(site)[0] == answer.region else None

    def offer(self, site: IdSite, model: Model) -> BedrockOffer:
        answer = self.bedrock_answer(site)
        if answer is None or model.bedrock_id is None:
            return BedrockOffer(model.profiles, model.profiles_unconfirmed, model.needs_profile)
        return BedrockOffer(answer.prefixes(model.bedrock_id), (), not answer.on_demand(model.bedrock_id),
                            answer.region)

    def migrated_to(self, model: Model) -> Replacement | None:
        """The replacement a selected outdated-model rule writes for ``model``, if one does."""
        return next((replacement for rule in self.ctx.rule_instances if isinstance(rule, OutdatedModelId)
                     and (replacement := rule.replacement(model)) is not None), None)

    def bedrock_text(self, site: IdSite, model: Model, new_id: str, base_safety: str) -> Rewrite:
        """Spell ``new_id`` for a Bedrock site: keep or add the right cross-Region profile prefix."""
        hit = site.hit
        offer = self.offer(site, model)
        if hit.arn_resource is not None:
            if hit.arn_account or hit.arn_resource != "foundation-model":
                return Rewrite(new_id, "manual", "; an ARN that names an account-specific resource needs a "
                                                 "new resource, not a new string")
            return Rewrite(new_id, base_safety)
        if hit.dynamic_prefix:
            return Rewrite(new_id, weakest(base_safety, "unsafe"),
                           f"; the profile prefix comes from a placeholder: check that it is one of {offer.choices()}")
        if hit.prefix is not None:
            if hit.prefix in offer.profiles:
                return Rewrite(f"{hit.prefix}.{new_id}", base_safety)
            if hit.prefix in offer.unconfirmed:
                return Rewrite(f"{hit.prefix}.{new_id}", weakest(base_safety, "unsafe"),
                               f"; a {hit.prefix}. profile for {model.name} is not confirmed by AWS or Anthropic")
            return Rewrite(f"{hit.prefix}.{new_id}", "manual",
                           f"; {model.name} has no {hit.prefix}. profile{offer.where}: choose one of {offer.choices()}")
        if not offer.needs_profile:
            return Rewrite(new_id, base_safety)
        candidates, origin = self.region_prefixes(site)
        for prefix in candidates:
            if prefix in offer.profiles:
                return Rewrite(f"{prefix}.{new_id}", base_safety, f" (profile prefix {prefix}. from {origin})")
        if origin:
            return Rewrite(new_id, weakest(base_safety, "unsafe"),
                           f"; {model.name} has no profile for {origin}: choose one of {offer.choices()}")
        fallback = next((p for p in PREFIX_PREFERENCE if p in offer.profiles), None)
        if fallback is None:
            return Rewrite(new_id, "manual", f"; {model.name} lists no cross-Region profile")
        return Rewrite(f"{fallback}.{new_id}", weakest(base_safety, "unsafe"),
                       f"; {model.name} needs a cross-Region inference profile and the code shows no Region: "
                       f"choose one of {offer.choices()} (the unsafe fix writes {fallback}.)")


@register("outdated-model-id")
class OutdatedModelId(ModelIdKind):
    """An ID of a model older than the target's model of the same tier: replace it, keeping its platform form."""

    PARAMS = {
        "generation_from": Param("str"),
        "generation_below": Param("str"),
    }
    MESSAGE_FIELDS = frozenset({"id", "model", "state", "replacement", "target", "note"})

    def applies_to(self, model: Model) -> bool:
        low, high = self.params.get("generation_from"), self.params.get("generation_below")
        if low and model.generation < tuple(int(p) for p in low.split(".")):
            return False
        return not (high and model.generation >= tuple(int(p) for p in high.split(".")))

    def replacement(self, model: Model) -> Replacement | None:
        return self.ctx.options.target.replacement_for(model) if self.applies_to(model) else None

    def check_site(self, site: IdSite) -> None:
        known = site.hit.known
        if known is None or (replacement := self.replacement(known.model)) is None:
            return
        new_model = replacement.model
        safety = replacement.fix
        note = f"; {replacement.why}" if replacement.why and safety != "safe" else ""
        if known.model.legacy or known.variant == "other":
            safety = weakest(safety, "unsafe")
        new_id = new_model.id_for(known.platform, known.variant)
        if new_id is None:
            rewrite = None
            note += f"; {new_model.name} has no {known.platform.label} ID"
        elif known.platform is Platform.BEDROCK:
            rewrite = self.bedrock_text(site, new_model, new_id, safety)
        else:
            rewrite = Rewrite(new_id, safety)
        if rewrite is not None:
            rewrite = Rewrite(rewrite.text, rewrite.safety, note + rewrite.note)
        self.report_site(site, rewrite, model=known.model.name, state=self.state(known.model, known.platform),
                         target=self.ctx.options.target.name)

    def state(self, model: Model, platform: Platform) -> str:
        life = model.lifecycle(platform)
        state = life.state(self.ctx.options.as_of)
        where = platform.label
        unconfirmed = "" if life.confirmed else " (unconfirmed)"
        if state == "retired":
            return f"retired on {where} since {life.retired}{unconfirmed}"
        if state == "deprecated":
            when = f", retiring {life.retired}" if life.retired else ""
            return f"deprecated on {where}{when}{unconfirmed}"
        return f"superseded by the {self.ctx.options.target.name} target"


@register("invalid-model-id")
class InvalidModelId(ModelIdKind):
    """An ID that no platform serves (mis-ordered family name, wrong date, withdrawn alias)."""

    MESSAGE_FIELDS = frozenset({"id", "why", "replacement", "platform", "note"})

    def check_site(self, site: IdSite) -> None:
        invalid = site.hit.invalid
        if invalid is None:
            return
        valid = invalid.means.id_for(invalid.platform)
        if valid is None:
            self.report_site(site, None, why=invalid.why, platform=invalid.platform.label)
            return
        prefix = f"{site.hit.prefix}." if site.hit.prefix else ""
        rewrite = Rewrite(prefix + valid, "safe")  # profile prefixes are the other rules' business
        self.report_site(site, rewrite, why=invalid.why, platform=invalid.platform.label)


@register("bedrock-profile-missing")
class BedrockProfileMissing(ModelIdKind):
    """A bare Bedrock base ID of a model AWS serves only through cross-Region inference profiles."""

    MESSAGE_FIELDS = frozenset({"id", "model", "replacement", "note"})

    def check_site(self, site: IdSite) -> None:
        known, hit = site.hit.known, site.hit
        if (known is None or known.platform is not Platform.BEDROCK or hit.prefix or hit.dynamic_prefix
                or hit.arn_resource or known.variant == "other"):
            return
        if not self.offer(site, known.model).needs_profile:
            return
        if self.migrated_to(known.model) is not None:
            return  # a selected outdated-model rule rewrites this ID anyway (one finding per ID)
        rewrite = self.bedrock_text(site, known.model, known.text, "safe")
        self.report_site(site, rewrite, model=known.model.name)
