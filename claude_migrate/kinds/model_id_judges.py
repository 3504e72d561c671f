"""What each model-ID rule says about one ID, wherever the ID sits: Python, notebooks or config files.

The libcst kinds in ``kinds/model_id.py`` and the config-file scanner both call these judges, so a
Bedrock ID gets the same replacement and the same safety in ``app.py``, ``demo.ipynb`` and ``.env``.
This module does not import libcst: scanning a config file must not pay for the Python parser.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NamedTuple

from claude_migrate.analysis.roles import CONFIGURATION, COUPLED, REQUEST, Role, lying_name, names_a_model
from claude_migrate.data.catalogue import KnownId, Model, Platform
from claude_migrate.data.findings import weakest
from claude_migrate.data.model_ids import IdHit
from claude_migrate.data.targets import ClientRegion, Replacement

if TYPE_CHECKING:
    from claude_migrate.bedrock.snapshot import BedrockSnapshot
    from claude_migrate.data.rule_data import RuleData
    from claude_migrate.analysis.options import RunOptions
    from claude_migrate.data.rules import RuleSpec



def _model_of(hit: IdHit) -> Model | None:
    """The model an ID names (an invalid ID: the model it means)."""
    return hit.known.model if hit.known is not None else (hit.invalid.means if hit.invalid is not None else None)


def role_safety(role: Role, safety: str, hit: IdHit, new_text: str, data: RuleData, options: RunOptions
                ) -> tuple[str, str]:
    """The safety a rewrite of ``hit`` to ``new_text`` (of ``safety``) keeps at a site of ``role``, and what the
    message adds about it.

    A request's model or a single setting keeps its safety unless its name says the old model; any other use is
    unsafe alone, and safe only when the run found that every use of the same ID moves together (its group);
    a group that cannot move whole makes even a request's rewrite unsafe, so nothing splits.
    """
    subject, note = hit.text, ""
    old = _model_of(hit)
    new = next((model for found in data.matcher.find(new_text) if (model := _model_of(found))), None)
    holder_lies = (role.holder is not None and old is not None and new is not None
                   and lying_name(role.holder, old.generation, new.generation))
    if not role.safe:
        safety, note = weakest(safety, "unsafe"), (f"; {role.why}, so it may only move together with the code that "
                                                   f"produces or tests the same value")
    elif holder_lies:
        safety, note = weakest(safety, "unsafe"), (f"; `{role.holder}` names the old model, so after the fix the "
                                                   f"name would say another model")
    group = options.group_of(subject)
    if group is not None and group.moves and role.name in COUPLED and safety == "unsafe":
        safety, note = "safe", f"; {role.why}: {group.note}"
    elif group is not None and group.moves and safety == "safe":
        note = f"{note}; {group.note}"
    elif group is not None and not group.moves and safety == "safe":
        safety, note = "unsafe", f"{note}; {group.note}"
    return safety, note


class SiteRegion(NamedTuple):
    """The Region an ID's calls run in (None when the code and settings do not say), where that came from, the
    environment variable that decides it at run time (when the code gives only its default), and the code that
    adds the profile prefix at run time (when it does)."""

    region: str | None
    origin: str
    variable: str = ""
    runtime_prefix: str = ""


RegionSource = Callable[[], SiteRegion]


@dataclass(frozen=True)
class Rewrite:
    """The text that replaces one ID hit, how safe it is, and what the message should add."""

    text: str
    safety: str
    note: str = ""
    start: int | None = None  # replace from here, not from the hit's start (an ARN around the ID)


@dataclass(frozen=True)
class Verdict:
    """One rule's finding about one ID: the rewrite (None: report only) and the message values."""

    hit: IdHit
    rewrite: Rewrite | None
    values: Mapping[str, object] = field(default_factory=dict)
    severity: str | None = None  # set where the ID's lifecycle decides: retired is an error, deprecated a warning

    @property
    def fix(self) -> Rewrite | None:
        """The rewrite when it changes the text: one that writes the ID back unchanged is no fix, and a fix
        that never settles leaves the whole file unfixed."""
        rewrite = self.rewrite
        return rewrite if rewrite is not None and rewrite.text != self.hit.text else None

    def message_values(self, extra_note: str = "") -> dict[str, object]:
        rewrite = self.rewrite
        return {"id": self.hit.text, "replacement": rewrite.text if rewrite else "",
                "note": (rewrite.note if rewrite else "") + extra_note, **self.values}


def site_region(options: RunOptions, data: RuleData, client: Callable[[], ClientRegion | None],
                file_regions: Collection[str]) -> SiteRegion:
    """The Region of an ID's own client, else the one Region (profile geography) the file names, else the
    configured Region."""
    found = client() or ClientRegion(None)
    runtime = found.runtime_prefix
    if found.name is not None:
        origin = f"region {found.name}" + (f", the default of ${found.variable}" if found.variable else "")
        return SiteRegion(found.name, origin, found.variable, runtime)
    if len({data.regions.for_region(r) for r in file_regions}) == 1:
        region = sorted(file_regions)[0]
        return SiteRegion(region, f"region {region}", runtime_prefix=runtime)
    if options.bedrock_region:
        return SiteRegion(options.bedrock_region, f"region {options.bedrock_region} (configured)",
                          runtime_prefix=runtime)
    return SiteRegion(None, "", runtime_prefix=runtime)


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

class IdJudge:
    """The decision of one model-ID rule (a YAML rule of a model-ID kind) about single ID hits."""

    def __init__(self, spec: RuleSpec, data: RuleData, options: RunOptions) -> None:
        self.spec = spec
        self.data = data
        self.options = options

    def judge(self, hit: IdHit, region: RegionSource, others: Sequence[IdJudge]) -> Verdict | None:
        """The finding for ``hit``, or None; ``others`` are the judges of all selected model-ID rules."""
        raise NotImplementedError

    def may_report(self, spelling: str) -> bool:
        """Whether this ID could give a finding anywhere; False lets a file holding only such IDs go
        unparsed (a file that already uses current IDs: the pre-commit steady state)."""
        return True

    def applies(self, hit: IdHit, role: Role) -> bool:
        """Whether this rule speaks about an ID in this role at all (most rules: in every role)."""
        return True

    def bedrock_answer(self, region: RegionSource) -> BedrockSnapshot | None:
        """AWS's answer when it is for the Region this ID's calls run in."""
        answer = self.options.bedrock
        return answer if answer is not None and region()[0] == answer.region else None

    def retired(self, model: Model, platform: Platform) -> bool:
        """Whether ``model`` is retired on ``platform`` on the run date: its IDs there are never written."""
        return model.lifecycle(platform).state(self.options.as_of) == "retired"

    def describe(self, model: Model, platform: Platform) -> str:
        return model.lifecycle(platform).describe(self.options.as_of, platform.label)

    def severity_of(self, model: Model, platform: Platform) -> str | None:
        """A finding on an ID retired on the run date is an error, on a deprecated one a warning; None (the rule's
        own severity) when only third parties report the state."""
        life = model.lifecycle(platform)
        return {"retired": "error", "deprecated": "warning"}.get(life.state(self.options.as_of)) if life.confirmed \
            else None

    def refused(self, model: Model, platform: Platform) -> str:
        """Why an ID of ``model`` is not written, and what to do instead."""
        live = self.data.targets.live_advice(self.options.as_of)
        return f"{model.name} is {self.describe(model, platform)}, so nothing is written: {live}"

    def offer(self, model: Model, region: RegionSource) -> BedrockOffer:
        answer = self.bedrock_answer(region)
        if answer is None or model.bedrock_id is None:
            return BedrockOffer(model.profiles, model.profiles_unconfirmed, model.needs_profile)
        return BedrockOffer(answer.prefixes(model.bedrock_id), (), not answer.on_demand(model.bedrock_id),
                            answer.region)

    def migrated_to(self, model: Model, others: Sequence[IdJudge]) -> Replacement | None:
        """The replacement a selected outdated-model rule writes for ``model``, if one does."""
        return next((replacement for other in others if isinstance(other, OutdatedIds)
                     and (replacement := other.replacement(model)) is not None), None)

    def bedrock_text(self, hit: IdHit, model: Model, new_id: str, base_safety: str, region: RegionSource) -> Rewrite:
        """Spell ``new_id`` for a Bedrock hit: keep or add the right cross-Region profile prefix."""
        offer = self.offer(model, region)
        if hit.arn_resource is not None:
            if hit.arn_account or hit.arn_resource != "foundation-model":
                return Rewrite(new_id, "manual", "; an ARN that names an account-specific resource needs a "
                                                 "new resource, not a new string")
            if offer.needs_profile:
                return self.profile_for_arn(hit, model, new_id, base_safety, offer)
            return Rewrite(new_id, base_safety)
        site = region()
        if hit.dynamic_prefix or (site.runtime_prefix and hit.prefix is None):
            given = site.runtime_prefix or "a placeholder"  # never write a second, literal prefix
            return Rewrite(new_id, weakest(base_safety, "unsafe"),
                           f"; the profile prefix comes from {given} at run time: check that it is one of "
                           f"{offer.choices()}")
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
        candidates: tuple[str, ...]
        variable = ""
        if self.options.bedrock_profile_prefix:
            candidates, origin = (self.options.bedrock_profile_prefix,), "the bedrock-profile-prefix setting"
        else:
            origin, variable = site.origin, site.variable
            candidates = self.data.regions.for_region(site.region) if site.region else ()
        for prefix in candidates:
            if prefix in offer.profiles and variable:  # a hint: the deployment may set another Region
                return Rewrite(f"{prefix}.{new_id}", weakest(base_safety, "unsafe"),
                               f" (profile prefix {prefix}. from {origin}); ${variable} decides the Region at run "
                               f"time: check that {prefix}. serves it")
            worldwide = prefix in self.data.regions.worldwide and not self.options.bedrock_profile_prefix
            if prefix in offer.profiles and worldwide:
                return Rewrite(f"{prefix}.{new_id}", weakest(base_safety, "unsafe"),
                               f" (profile prefix {prefix}. from {origin}){self._worldwide_note(prefix, candidates, model)}")
            if prefix in offer.profiles:
                return Rewrite(f"{prefix}.{new_id}", base_safety, f" (profile prefix {prefix}. from {origin})")
        if origin:
            return Rewrite(new_id, weakest(base_safety, "unsafe"),
                           f"; {model.name} has no profile for {origin}: choose one of {offer.choices()}")
        fallback = next((p for p in self.data.catalogue.profile_prefixes if p in offer.profiles), None)
        if fallback is None:
            return Rewrite(new_id, "manual", f"; {model.name} lists no cross-Region profile")
        return Rewrite(f"{fallback}.{new_id}", weakest(base_safety, "unsafe"),
                       f"; {model.name} needs a cross-Region inference profile and the code shows no Region: "
                       f"choose one of {offer.choices()} (the unsafe fix writes {fallback}.)")

    def _worldwide_note(self, prefix: str, candidates: Sequence[str], model: Model) -> str:
        """Why moving an in-Region call onto a worldwide profile is a data-residency decision, and what stays local."""
        local = [f"{p}." for p in candidates if p not in self.data.regions.worldwide]
        keep = (f"use a geographic profile ({', '.join(local)}) once one is confirmed for {model.name}" if local
                else "no geographic profile serves this Region, so keep the old model until one does")
        return (f"; {prefix}. may process the request in any commercial Region of the world: if the data must stay "
                f"in this Region's geography, {keep}")

    def profile_for_arn(self, hit: IdHit, model: Model, new_id: str, base_safety: str,
                        offer: BedrockOffer) -> Rewrite:
        """A foundation-model ARN calls the base model on demand, which a profile-only model refuses: write the
        inference profile ID of the ARN's Region in place of the whole ARN, never another foundation-model ARN."""
        region = hit.arn_region or ""
        prefix = next((p for p in self.data.regions.for_region(region) if p in offer.profiles), None) if region else None
        why = (f"; a foundation-model ARN calls {model.name} on demand, which it does not serve"
               f"{f' in {region}' if region else ''}: use an inference profile ID or its ARN "
               f"(arn:aws:bedrock:{region or 'REGION'}:ACCOUNT:inference-profile/PROFILE)")
        if prefix is None:
            return Rewrite(new_id, "manual", f"{why}; choose one of {offer.choices()}")
        return Rewrite(f"{prefix}.{new_id}", weakest(base_safety, "unsafe"), why, start=hit.arn_start)


ID_JUDGES: dict[str, type[IdJudge]] = {}


def judge_for(kind: str) -> Callable[[type[IdJudge]], type[IdJudge]]:
    """Class decorator: the judge of the rule kind named ``kind``."""

    def decorate(cls: type[IdJudge]) -> type[IdJudge]:
        ID_JUDGES[kind] = cls
        return cls

    return decorate


@judge_for("outdated-model-id")
class OutdatedIds(IdJudge):
    """An ID of a model older than the target's model of the same tier: replace it, keeping its platform form."""

    def applies_to(self, model: Model) -> bool:
        low, high = self.spec.params.get("generation_from"), self.spec.params.get("generation_below")
        if low and model.generation < tuple(int(p) for p in low.split(".")):  # checked when the rules load
            return False
        return not (high and model.generation >= tuple(int(p) for p in high.split(".")))

    def replacement(self, model: Model) -> Replacement | None:
        return self.options.target.replacement_for(model) if self.applies_to(model) else None

    def may_report(self, spelling: str) -> bool:
        known = self.data.catalogue.ids.get(spelling)
        return known is not None and self.replacement(known.model) is not None

    def judge(self, hit: IdHit, region: RegionSource, others: Sequence[IdJudge]) -> Verdict | None:
        known = hit.known
        if known is None or (replacement := self.replacement(known.model)) is None:
            return None
        new_model = replacement.model
        target = self.options.target.name
        values = {"model": known.model.name, "state": self.state(known.model, known.platform), "target": target}
        severity = self.severity_of(known.model, known.platform)
        new_id = new_model.id_for(known.platform, known.variant)
        if new_id is not None and self.retired(new_model, known.platform):
            advice = f"target {target} would write `{new_id}`, but {self.refused(new_model, known.platform)}"
            return Verdict(hit, None, {**values, "advice": advice}, severity)
        safety = replacement.fix
        note = f"; {replacement.why}" if replacement.why and safety != "safe" else ""
        if known.model.legacy or known.variant == "other":
            safety = weakest(safety, "unsafe")
        if new_id is None:
            rewrite = None
            note += f"; {new_model.name} has no {known.platform.label} ID"
        elif known.platform is Platform.BEDROCK:
            rewrite = self.bedrock_text(hit, new_model, new_id, safety, region)
        else:
            rewrite = Rewrite(new_id, safety)
        if rewrite is not None:
            rewrite = replace(rewrite, note=note + rewrite.note)
            advice = f"use `{rewrite.text}` ({target})"
        else:
            advice = f"target {target} has nothing to write there{note}"
        return Verdict(hit, rewrite, {**values, "advice": advice}, severity)

    def state(self, model: Model, platform: Platform) -> str:
        life = model.lifecycle(platform)
        if life.state(self.options.as_of) in ("retired", "deprecated"):
            return self.describe(model, platform)
        return f"superseded by the {self.options.target.name} target"


@judge_for("invalid-model-id")
class InvalidIds(IdJudge):
    """An ID that no platform serves (mis-ordered family name, wrong date, withdrawn alias)."""

    def may_report(self, spelling: str) -> bool:
        return spelling in self.data.catalogue.invalid_ids or self.data.matcher.misspelled(spelling) is not None

    def judge(self, hit: IdHit, region: RegionSource, others: Sequence[IdJudge]) -> Verdict | None:
        invalid = hit.invalid
        if invalid is None:
            return None
        platform = invalid.platform
        if invalid.unlisted and not invalid.all_retired(self.options.as_of):
            return None  # it may name a snapshot newer than the catalogue
        values = {"why": invalid.why, "platform": invalid.platform.label}
        choices = " or ".join(f"`{text}`" for text in (invalid.nearest, *invalid.others))
        if invalid.migrates_from(self.options.as_of) is None:  # it may mean several IDs: a human chooses
            return Verdict(hit, None, {**values, "advice": f"it may mean {choices}: write the one you mean"})
        # write the ID the outdated-model rules would move the meant model to, so no retired ID is written on the way
        replacement = self.migrated_to(invalid.means, others)
        if replacement is not None and replacement.model.id_for(platform) is not None:
            model, safety = replacement.model, replacement.fix
        else:
            model, safety = invalid.means, "safe"
        valid = invalid.nearest if model is invalid.means and invalid.nearest else model.id_for(platform)
        if valid is None:
            return Verdict(hit, None, {**values, "advice": f"{model.name} has no {platform.label} ID"})
        if self.retired(model, platform):
            meant = f"it means `{invalid.nearest or invalid.means.id_for(platform)}`" if invalid.sure else \
                f"it may mean {choices}"
            moved = f"; target {self.options.target.name} would write `{valid}`" if model is not invalid.means else ""
            advice = f"{meant}{moved}, but {self.refused(model, platform)}"
            return Verdict(hit, None, {**values, "advice": advice})
        if platform is Platform.BEDROCK:
            # the ID as it must be called, in one step (as the outdated-model rules write it): keep the written
            # profile prefix only where the meant model has it ("au.anthropic.claude-4-sonnet-..." must not become
            # a profile that does not exist), and add the one a profile-only model needs
            rewrite = self.bedrock_text(hit, model, valid, safety, region)
        elif invalid.name_like:
            # never an ID: code that sends it may talk to a gateway with names of its own, and other files (whose
            # uses of a name-like spelling are no findings) may test the same text
            rewrite = Rewrite(valid, weakest(safety, "unsafe"),
                              f"; `{hit.text}` never was an ID, so the code may call a gateway that has its own model "
                              f"names, and other files may test the same text")
        else:
            rewrite = Rewrite(valid, safety)
        named = invalid.nearest is not None and f"`{invalid.nearest}`" in invalid.why
        if not invalid.sure:
            meant = f"it may mean {choices}, all retired; "
        elif invalid.unlisted:
            meant = f"it means `{invalid.nearest}`, {self.describe(invalid.means, platform)}; "
        else:
            meant = f"it means `{invalid.nearest}`; " if invalid.nearest and model is not invalid.means and not named else ""
        return Verdict(hit, rewrite, {**values, "advice": f"{meant}use `{rewrite.text}`"})


@judge_for("bedrock-profile-missing")
class MissingProfiles(IdJudge):
    """A bare Bedrock base ID of a model AWS serves only through cross-Region inference profiles."""

    def applies(self, hit: IdHit, role: Role) -> bool:
        """A foundation-model ARN wants a profile only as a request's model: an IAM policy, a CDK grant or any
        other place that names the model's resource needs exactly that ARN."""
        return hit.arn_resource != "foundation-model" or role.name == REQUEST or (
            role.name == CONFIGURATION and names_a_model(role.holder or ""))

    def may_report(self, spelling: str) -> bool:
        known = self.data.catalogue.ids.get(spelling)
        return (known is not None and known.platform is Platform.BEDROCK and known.variant != "other"
                and (known.model.needs_profile or self.options.bedrock is not None))

    def judge(self, hit: IdHit, region: RegionSource, others: Sequence[IdJudge]) -> Verdict | None:
        known = hit.known
        foundation_arn = hit.arn_resource == "foundation-model" and not hit.arn_account
        if (known is None or known.platform is not Platform.BEDROCK or hit.prefix or hit.dynamic_prefix
                or (hit.arn_resource and not foundation_arn) or known.variant == "other" or region().runtime_prefix):
            return None  # no prefix to add: the code adds one at run time, or it is written already
        if not self.offer(known.model, region).needs_profile or self.retired(known.model, Platform.BEDROCK):
            return None  # a profile for a retired model is still a retired ID: the lifecycle rule reports it
        if self.migrated_to(known.model, others) is not None:
            return None  # a selected outdated-model rule rewrites this ID anyway (one finding per ID)
        rewrite = self.bedrock_text(hit, known.model, known.text, "safe", region)
        return Verdict(hit, rewrite, {"model": known.model.name})


@judge_for("model-lifecycle")
class LifecycleIds(IdJudge):
    """An ID no selected outdated-model rule moves, whose model is retired or deprecated on its platform on the run
    date, or whose (earliest) retirement falls within the --fail-within window."""

    def may_report(self, spelling: str) -> bool:
        known = self.data.catalogue.ids.get(spelling)
        return known is not None and self._why(known) is not None

    def _why(self, known: KnownId) -> tuple[str, str] | None:
        """(severity, window note) when the ID's lifecycle gives a finding."""
        life = known.model.lifecycle(known.platform)
        if (severity := self.severity_of(known.model, known.platform)) is not None:
            return severity, ""
        if life.state(self.options.as_of) == "retired":
            return "warning", ""  # only third parties say so: worth a look, not a failed build
        ends = life.ends(self.options.as_of)
        if ends is not None and self.options.within_window(ends[0]):
            return "warning", f" (within --fail-within {self.options.fail_within} days)"
        return None

    def judge(self, hit: IdHit, region: RegionSource, others: Sequence[IdJudge]) -> Verdict | None:
        known = hit.known
        if known is None or self.migrated_to(known.model, others) is not None or (why := self._why(known)) is None:
            return None
        severity, window = why
        life = known.model.lifecycle(known.platform)
        named = self.data.catalogue.models.get(life.replacement or "")
        advice = self.data.targets.live_advice(self.options.as_of)
        if named is not None and (named_id := named.id_for(known.platform)) is not None:
            advice = f"the vendor names {named.name} (`{named_id}`) as its replacement; {advice}"
        values = {"model": known.model.name, "state": self.describe(known.model, known.platform), "window": window,
                  "advice": advice}
        return Verdict(hit, None, values, severity)


def unavailable_reason(answer: BedrockSnapshot, model: Model, prefix: str | None) -> str | None:
    """Why a call to ``model`` (through the ``prefix`` profile, or bare) fails in the answer's Region, or None."""
    base = model.bedrock_id or ""
    listed = answer.prefixes(base)
    if prefix is not None and prefix not in listed:
        return (f"AWS lists no {prefix}. profile for it (Claude profiles there: "
                f"{' '.join(p + '.' for p in listed) or 'none'})")
    status = answer.status(base)
    if prefix is None and status is None:
        return "AWS does not offer it"
    if status == "LEGACY":
        end = answer.end_of_life(base)
        return (f"AWS marks it LEGACY{f' (end of life {end})' if end else ''}, and accounts that have not used it "
                f"in the last 30 days are denied access")
    return None


@judge_for("bedrock-model-unavailable")
class UnavailableIds(IdJudge):
    """A Bedrock ID the code will call (after migration, the target's) that AWS's answer says fails in the Region.

    Quiet without an answer (``--bedrock-live`` or ``--bedrock-snapshot``) or for a client built in another Region.
    """

    def may_report(self, spelling: str) -> bool:
        return self.options.bedrock is not None

    def judge(self, hit: IdHit, region: RegionSource, others: Sequence[IdJudge]) -> Verdict | None:
        known = hit.known
        if (known is None or known.platform is not Platform.BEDROCK or known.variant == "other"
                or hit.arn_resource or hit.dynamic_prefix):
            return None
        answer = self.bedrock_answer(region)
        called = self._called(hit, known, region, others)
        if answer is None or called is None:
            return None
        model, prefix, text, role = called
        why = unavailable_reason(answer, model, prefix)
        if why is None:
            return None
        values = {"id": text, "model": model.name + role, "region": answer.region, "why": why,
                  "answer": answer.describe()}
        return Verdict(hit, None, values)

    def _called(self, hit: IdHit, known: KnownId, region: RegionSource,
                others: Sequence[IdJudge]) -> tuple[Model, str | None, str, str] | None:
        """The model, profile prefix and ID this site calls once fixed, and how it relates to the code's ID."""
        replacement = self.migrated_to(known.model, others)
        if replacement is None:
            return known.model, hit.prefix, hit.text, ""
        new_model, new_id = replacement.model, replacement.model.bedrock_id
        if new_id is None:
            return None  # the outdated-model rule already says the target has no Bedrock ID
        text = self.bedrock_text(hit, new_model, new_id, replacement.fix, region).text
        prefix = text[: -len(new_id) - 1] if text != new_id else None
        role = f", which target {self.options.target.name} writes for `{hit.text}`"
        return new_model, prefix, text, role
