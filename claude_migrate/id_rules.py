"""What each model-ID rule says about one ID, wherever the ID sits: Python, notebooks or config files.

The libcst kinds in ``kinds/model_id.py`` and the config-file scanner both call these judges, so a
Bedrock ID gets the same replacement and the same safety in ``app.py``, ``demo.ipynb`` and ``.env``.
This module does not import libcst: scanning a config file must not pay for the Python parser.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from claude_migrate.catalogue import Model, Platform
from claude_migrate.findings import weakest
from claude_migrate.model_ids import IdHit
from claude_migrate.targets import Replacement

if TYPE_CHECKING:
    from claude_migrate.context import RuleData, RunOptions
    from claude_migrate.ruleset import RuleSpec

PREFIX_PREFERENCE = ("us", "eu", "apac", "global", "jp", "au", "us-gov")

# Candidate profile prefixes for one ID, most preferred first, and where they came from (for messages).
PrefixSource = Callable[[], tuple[tuple[str, ...], str]]


@dataclass(frozen=True)
class Rewrite:
    """The text that replaces one ID hit, how safe it is, and what the message should add."""

    text: str
    safety: str
    note: str = ""


@dataclass(frozen=True)
class Verdict:
    """One rule's finding about one ID: the rewrite (None: report only) and the message values."""

    hit: IdHit
    rewrite: Rewrite | None
    values: dict[str, object] = field(default_factory=dict)

    def message_values(self, extra_note: str = "") -> dict[str, object]:
        rewrite = self.rewrite
        return {"id": self.hit.text, "replacement": rewrite.text if rewrite else "",
                "note": (rewrite.note if rewrite else "") + extra_note, **self.values}


def profile_prefixes(data: RuleData, options: RunOptions, call_region: Callable[[], str | None],
                     file_regions: Collection[str]) -> tuple[tuple[str, ...], str]:
    """Profile prefixes for an ID: the setting, else the Region of its own client, else the one Region
    the file names, else the configured Region."""
    if options.bedrock_profile_prefix:
        return (options.bedrock_profile_prefix,), "the bedrock-profile-prefix setting"
    table = data.regions
    if (region := call_region()) is not None:
        return table.for_region(region), f"region {region}"
    distinct = {table.for_region(r) for r in file_regions}
    if len(distinct) == 1:
        region = sorted(file_regions)[0]
        return distinct.pop(), f"region {region}"
    if options.bedrock_region:
        return table.for_region(options.bedrock_region), f"region {options.bedrock_region} (configured)"
    return (), ""


def _choices(model: Model) -> str:
    return ", ".join(f"{p}." for p in model.profiles) or "(no confirmed profile is documented)"


def bedrock_text(hit: IdHit, model: Model, new_id: str, base_safety: str, prefixes: PrefixSource) -> Rewrite:
    """Spell ``new_id`` for a Bedrock hit: keep or add the right cross-Region profile prefix."""
    if hit.arn_resource is not None:
        if hit.arn_account or hit.arn_resource != "foundation-model":
            return Rewrite(new_id, "manual", "; an ARN that names an account-specific resource needs a "
                                             "new resource, not a new string")
        return Rewrite(new_id, base_safety)
    if hit.dynamic_prefix:
        return Rewrite(new_id, weakest(base_safety, "unsafe"),
                       f"; the profile prefix comes from a placeholder: check that it is one of {_choices(model)}")
    if hit.prefix is not None:
        if hit.prefix in model.profiles:
            return Rewrite(f"{hit.prefix}.{new_id}", base_safety)
        if hit.prefix in model.profiles_unconfirmed:
            return Rewrite(f"{hit.prefix}.{new_id}", weakest(base_safety, "unsafe"),
                           f"; a {hit.prefix}. profile for {model.name} is not confirmed by AWS or Anthropic")
        return Rewrite(f"{hit.prefix}.{new_id}", "manual",
                       f"; {model.name} has no {hit.prefix}. profile: choose one of {_choices(model)}")
    if not model.needs_profile:
        return Rewrite(new_id, base_safety)
    candidates, origin = prefixes()
    for prefix in candidates:
        if prefix in model.profiles:
            return Rewrite(f"{prefix}.{new_id}", base_safety, f" (profile prefix {prefix}. from {origin})")
    if origin:
        return Rewrite(new_id, weakest(base_safety, "unsafe"),
                       f"; {model.name} has no profile for {origin}: choose one of {_choices(model)}")
    fallback = next((p for p in PREFIX_PREFERENCE if p in model.profiles), None)
    if fallback is None:
        return Rewrite(new_id, "manual", f"; {model.name} lists no cross-Region profile")
    return Rewrite(f"{fallback}.{new_id}", weakest(base_safety, "unsafe"),
                   f"; {model.name} needs a cross-Region inference profile and the code shows no Region: "
                   f"choose one of {_choices(model)} (the unsafe fix writes {fallback}.)")


class IdJudge:
    """The decision of one model-ID rule (a YAML rule of a model-ID kind) about single ID hits."""

    def __init__(self, spec: RuleSpec, data: RuleData, options: RunOptions) -> None:
        self.spec = spec
        self.data = data
        self.options = options

    def judge(self, hit: IdHit, prefixes: PrefixSource, others: Sequence[IdJudge]) -> Verdict | None:
        """The finding for ``hit``, or None; ``others`` are the judges of all selected model-ID rules."""
        raise NotImplementedError

    def may_report(self, spelling: str) -> bool:
        """Whether this ID could give a finding anywhere; False lets a file holding only such IDs go
        unparsed (a file that already uses current IDs: the pre-commit steady state)."""
        return True


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
        if low and model.generation < tuple(int(p) for p in low.split(".")):
            return False
        return not (high and model.generation >= tuple(int(p) for p in high.split(".")))

    def replacement(self, model: Model) -> Replacement | None:
        return self.options.target.replacement_for(model) if self.applies_to(model) else None

    def may_report(self, spelling: str) -> bool:
        known = self.data.catalogue.ids.get(spelling)
        return known is not None and self.replacement(known.model) is not None

    def judge(self, hit: IdHit, prefixes: PrefixSource, others: Sequence[IdJudge]) -> Verdict | None:
        known = hit.known
        if known is None or (replacement := self.replacement(known.model)) is None:
            return None
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
            rewrite = bedrock_text(hit, new_model, new_id, safety, prefixes)
        else:
            rewrite = Rewrite(new_id, safety)
        if rewrite is not None:
            rewrite = Rewrite(rewrite.text, rewrite.safety, note + rewrite.note)
        return Verdict(hit, rewrite, {"model": known.model.name, "state": self.state(known.model, known.platform),
                                      "target": self.options.target.name})

    def state(self, model: Model, platform: Platform) -> str:
        life = model.lifecycle(platform)
        state = life.state(self.options.as_of)
        where = platform.label
        unconfirmed = "" if life.confirmed else " (unconfirmed)"
        if state == "retired":
            return f"retired on {where} since {life.retired}{unconfirmed}"
        if state == "deprecated":
            when = f", retiring {life.retired}" if life.retired else ""
            return f"deprecated on {where}{when}{unconfirmed}"
        return f"superseded by the {self.options.target.name} target"


@judge_for("invalid-model-id")
class InvalidIds(IdJudge):
    """An ID that no platform serves (mis-ordered family name, wrong date, withdrawn alias)."""

    def may_report(self, spelling: str) -> bool:
        return spelling in self.data.catalogue.invalid_ids

    def judge(self, hit: IdHit, prefixes: PrefixSource, others: Sequence[IdJudge]) -> Verdict | None:
        invalid = hit.invalid
        if invalid is None:
            return None
        values = {"why": invalid.why, "platform": invalid.platform.label}
        valid = invalid.means.id_for(invalid.platform)
        if valid is None:
            return Verdict(hit, None, values)
        prefix = f"{hit.prefix}." if hit.prefix else ""
        return Verdict(hit, Rewrite(prefix + valid, "safe"), values)  # profile prefixes are the other rules' business


@judge_for("bedrock-profile-missing")
class MissingProfiles(IdJudge):
    """A bare Bedrock base ID of a model AWS serves only through cross-Region inference profiles."""

    def may_report(self, spelling: str) -> bool:
        known = self.data.catalogue.ids.get(spelling)
        return (known is not None and known.platform is Platform.BEDROCK and known.model.needs_profile
                and known.variant != "other")

    def judge(self, hit: IdHit, prefixes: PrefixSource, others: Sequence[IdJudge]) -> Verdict | None:
        known = hit.known
        if (known is None or known.platform is not Platform.BEDROCK or not known.model.needs_profile
                or hit.prefix or hit.dynamic_prefix or hit.arn_resource or known.variant == "other"):
            return None
        if any(isinstance(other, OutdatedIds) and other.replacement(known.model) is not None for other in others):
            return None  # a selected outdated-model rule rewrites this ID anyway (one finding per ID)
        rewrite = bedrock_text(hit, known.model, known.text, "safe", prefixes)
        return Verdict(hit, rewrite, {"model": known.model.name})
