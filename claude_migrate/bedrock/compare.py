"""Where the catalogue and Amazon Bedrock's answer for a Region disagree.

The catalogue knows what is documented; AWS knows what this account sees in this Region. Four kinds of
disagreement are reported: a profile the catalogue expects that AWS does not list, a model AWS marks
LEGACY that the catalogue calls active, a profile prefix AWS has that the catalogue lacks, and a model
AWS lists that the catalogue does not know.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from claude_migrate.bedrock.snapshot import BedrockSnapshot
from claude_migrate.data.catalogue import Model, Platform
from claude_migrate.data.rule_data import RuleData

PROVISIONED_VARIANT = re.compile(r":\d+k$")  # e.g. anthropic.claude-3-haiku-20240307-v1:0:200k (a context-size variant)


@dataclass(frozen=True)
class Disagreement:
    kind: str
    aws_id: str  # the model or profile ID concerned, as AWS spells it
    message: str


def catalogue_model(data: RuleData, aws_id: str) -> Model | None:
    """The catalogue model behind an AWS model ID, also for provisioned-throughput context-size variants."""
    for text in (aws_id, PROVISIONED_VARIANT.sub("", aws_id)):
        known = data.catalogue.ids.get(text)
        if known is not None and known.platform is Platform.BEDROCK:
            return known.model
    return None


def _missing_profiles(data: RuleData, answer: BedrockSnapshot, as_of: datetime.date) -> list[Disagreement]:
    """Profiles the catalogue lists for the prefixes that serve this Region (bedrock-regions.yaml)."""
    serving = data.regions.for_region(answer.region)
    found = []
    for model in data.catalogue.models.values():
        if model.bedrock_id is None or model.lifecycle(Platform.BEDROCK).state(as_of) == "retired":
            continue
        for prefix in serving:
            if prefix in model.profiles and prefix not in answer.prefixes(model.bedrock_id):
                profile = f"{prefix}.{model.bedrock_id}"
                found.append(Disagreement("missing-profile", profile, (
                    f"{model.name}: the catalogue lists the profile {profile}; AWS lists no such profile in "
                    f"{answer.region}")))
    return found


def _legacy(data: RuleData, answer: BedrockSnapshot, as_of: datetime.date) -> list[Disagreement]:
    found, seen = [], set()
    for aws_id in answer.models_by_id:
        model = catalogue_model(data, aws_id)
        if model is None or model.key in seen or answer.status(aws_id) != "LEGACY":
            continue
        recorded = Platform.BEDROCK in model.lifecycles
        if recorded and model.lifecycle(Platform.BEDROCK).state(as_of) != "active":
            continue
        seen.add(model.key)
        end = answer.end_of_life(aws_id)
        dates = " (no Bedrock dates recorded)" if not recorded else ""
        found.append(Disagreement("legacy", aws_id, (
            f"{model.name}: AWS marks {aws_id} LEGACY in {answer.region}"
            f"{f', end of life {end}' if end else ''}; the catalogue calls it active on Amazon Bedrock{dates}")))
    return found


def _new_prefixes(data: RuleData, answer: BedrockSnapshot) -> list[Disagreement]:
    found = []
    for base_id, prefixes in answer.prefixes_by_base_id.items():
        model = catalogue_model(data, base_id)
        if model is None:
            continue
        for prefix in prefixes:
            if prefix in model.profiles:
                continue
            profile = f"{prefix}.{base_id}"
            if prefix in model.profiles_unconfirmed:
                lacks = f"the catalogue has {prefix}. only as unconfirmed for {model.name}"
            elif prefix not in data.catalogue.profile_prefixes:
                known = ", ".join(data.catalogue.profile_prefixes)
                lacks = f"{prefix}. is a prefix the catalogue does not know (it knows {known})"
            else:
                lacks = f"the catalogue lists no {prefix}. profile for {model.name}"
            found.append(Disagreement("new-prefix", profile, f"AWS lists {profile} in {answer.region}; {lacks}"))
    return found


def _unknown_models(data: RuleData, answer: BedrockSnapshot) -> list[Disagreement]:
    found: dict[str, Disagreement] = {}
    for aws_id, summary in answer.models_by_id.items():
        if catalogue_model(data, aws_id) is None:
            name = f" ({summary['modelName']})" if summary.get("modelName") else ""
            found[aws_id] = Disagreement("unknown-model", aws_id, (
                f"AWS lists {aws_id}{name} in {answer.region}; the catalogue does not know it"))
    for base_id, prefixes in answer.prefixes_by_base_id.items():
        if base_id not in found and catalogue_model(data, base_id) is None:
            profiles = ", ".join(f"{prefix}.{base_id}" for prefix in prefixes)
            found[base_id] = Disagreement("unknown-model", base_id, (
                f"AWS lists the profile {profiles} in {answer.region}; the catalogue does not know {base_id}"))
    return list(found.values())


def compare(data: RuleData, answer: BedrockSnapshot, as_of: datetime.date) -> list[Disagreement]:
    """Every disagreement, grouped by kind in the order the module docstring gives."""
    return [*_missing_profiles(data, answer, as_of), *_legacy(data, answer, as_of),
            *_new_prefixes(data, answer), *_unknown_models(data, answer)]
