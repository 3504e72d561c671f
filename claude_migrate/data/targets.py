"""Migration targets (which model replaces each tier) and the Bedrock Region to profile-prefix map."""

from __future__ import annotations

import datetime
import fnmatch
from dataclasses import dataclass
from collections.abc import Sequence
from pathlib import Path

from claude_migrate.data.catalogue import Catalogue, Model, Platform
from claude_migrate.data.errors import UsageError
from claude_migrate.data.yamlio import Fields, YamlMap, load_layered, load_yaml

FIX_SAFETIES = ("safe", "unsafe", "manual")


@dataclass(frozen=True)
class Replacement:
    model: Model
    fix: str
    why: str


@dataclass(frozen=True)
class Target:
    name: str
    description: str
    replace: dict[str, Replacement]

    def models_on(self) -> list[tuple[Model, Platform]]:
        """Each target model with every platform it has an ID on."""
        return [(r.model, platform) for r in self.replace.values() for platform in Platform
                if r.model.id_for(platform) is not None]

    def replacement_for(self, model: Model) -> Replacement | None:
        """The replacement when ``model`` is older than this target's model of the same tier."""
        replacement = self.replace.get(model.tier)
        if replacement is None or model.generation >= replacement.model.generation:
            return None
        return replacement


@dataclass(frozen=True)
class Targets:
    default: str
    by_name: dict[str, Target]

    def get(self, name: str | None) -> Target:
        chosen = name or self.default
        if chosen not in self.by_name:
            raise UsageError(f"unknown target '{chosen}' (known targets: {', '.join(self.by_name)})")
        return self.by_name[chosen]

    def live(self, as_of: datetime.date) -> list[str]:
        """Targets none of whose models is deprecated or retired on a platform it has an ID on, as of the date
        (Legacy models still serve: a Legacy target is live, and its runway is reported separately)."""
        return [name for name, target in self.by_name.items()
                if all(model.lifecycle(platform).state(as_of) in ("active", "legacy")
                       for model, platform in target.models_on())]

    def current(self, as_of: datetime.date) -> list[str]:
        """Targets all of whose models are active (not Legacy) on every platform they have an ID on."""
        return [name for name, target in self.by_name.items()
                if all(model.lifecycle(platform).state(as_of) == "active" for model, platform in target.models_on())]

    def live_advice(self, as_of: datetime.date, but: str = "") -> str:
        """The live targets other than ``but``, as `--target` options for a message."""
        names = [name for name in self.live(as_of) if name != but]
        return ("live targets on " + str(as_of) + ": " + ", ".join(f"--target {n}" for n in names)) if names else (
            f"no target is live on {as_of}")


def load_targets(path: Path, catalogue: Catalogue, overlays: Sequence[Path] = ()) -> Targets:
    raw = load_layered(path, overlays)
    top = Fields.data_file(raw, "targets file", path=path, allowed={"schema", "default", "targets"})
    by_name: dict[str, Target] = {}
    for name, entry in top.mapping("targets", required=True).items():
        fields = Fields(entry, f"target {name}", allowed={"description", "replace"})
        replace_map = fields.mapping("replace", required=True)
        replace: dict[str, Replacement] = {}
        for tier, spec in replace_map.items():
            if tier not in catalogue.tiers:
                raise replace_map.error(tier, f"unknown tier (tiers: {', '.join(catalogue.tiers)})")
            tier_fields = Fields(spec, f"target {name} tier {tier}", allowed={"model", "fix", "why"})
            key = tier_fields.str("model", required=True)
            if key not in catalogue.models:
                raise tier_fields.error("model", f"unknown model '{key}' (not in {catalogue.path.name})")
            replace[tier] = Replacement(
                model=catalogue.models[key],
                fix=tier_fields.str("fix", default="safe", choices=FIX_SAFETIES),
                why=tier_fields.str("why", default=""),
            )
        by_name[name] = Target(name=name, description=fields.str("description", default=""), replace=replace)
    default = top.str("default", required=True)
    if default not in by_name:
        raise top.error("default", f"unknown target '{default}'")
    return Targets(default=default, by_name=by_name)


@dataclass(frozen=True)
class ClientRegion:
    """The Region code builds a client with, and what adds the profile prefix at run time (or "")."""

    name: str | None
    variable: str = ""  # the environment variable that decides it, when the code gives only its default
    runtime_prefix: str = ""  # e.g. "`cross_region=True`": the code adds the profile prefix itself


@dataclass(frozen=True)
class RegionPrefixes:
    """Ordered (glob, prefixes) pairs: the first glob matching a Region wins. ``worldwide`` prefixes may process a
    request in any commercial Region, so moving a call onto one changes where its data goes."""

    entries: tuple[tuple[str, tuple[str, ...]], ...]
    worldwide: frozenset[str] = frozenset()

    def for_region(self, region: str) -> tuple[str, ...]:
        for pattern, prefixes in self.entries:
            if fnmatch.fnmatchcase(region, pattern):
                return prefixes
        return ()


def load_region_prefixes(path: Path, catalogue: Catalogue) -> RegionPrefixes:
    raw = load_yaml(path)
    top = Fields.data_file(raw, "bedrock regions file", path=path,
                           allowed={"schema", "sources", "regions", "worldwide"})
    sources = top.mapping("sources") or {}
    entries = []
    for index, item in enumerate(top.any("regions") or []):
        fields = Fields(item, f"regions item {index + 1}", path=path, allowed={"match", "prefixes", "sources"})
        entries.append((fields.str("match", required=True), _sourced_prefixes(fields, sources, catalogue)))
    worldwide: tuple[str, ...] = ()
    if (block := top.mapping("worldwide")) is not None:
        worldwide = _sourced_prefixes(Fields(block, "worldwide", path=path, allowed={"prefixes", "sources"}),
                                      sources, catalogue)
    return RegionPrefixes(tuple(entries), frozenset(worldwide))


def _sourced_prefixes(fields: Fields, sources: YamlMap, catalogue: Catalogue) -> tuple[str, ...]:
    """The ``prefixes`` of an entry, after checking that each of its ``sources`` is defined."""
    for key in fields.str_list("sources"):
        if key not in sources:
            raise fields.error("sources", f"unknown source key '{key}' (define it under the top-level 'sources')")
    return tuple(fields.str_list("prefixes", required=True, choices=catalogue.profile_prefixes))
