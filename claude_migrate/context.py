"""Everything a rule kind may read about the run and the file under analysis."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from claude_migrate.catalogue import Catalogue
from claude_migrate.model_ids import IdMatcher
from claude_migrate.surfaces import Surfaces
from claude_migrate.targets import RegionPrefixes, Target, Targets
from claude_migrate.tool_types import ToolTypes

if TYPE_CHECKING:
    from claude_migrate.bedrock_snapshot import BedrockSnapshot
    from claude_migrate.kinds.base import Provider, RawFinding, RuleKind

P = TypeVar("P", bound="Provider")


@dataclass(frozen=True)
class RuleData:
    """The loaded data every file shares: catalogue, targets, region map, ID matcher, request surfaces, tools."""

    catalogue: Catalogue
    targets: Targets
    regions: RegionPrefixes
    matcher: IdMatcher
    surfaces: Surfaces
    tools: ToolTypes


@dataclass(frozen=True)
class RunOptions:
    """The settings that change what rules report or write."""

    target: Target
    as_of: datetime.date
    bedrock_region: str | None = None
    bedrock_profile_prefix: str | None = None
    bedrock: BedrockSnapshot | None = None  # Amazon Bedrock's answer for one Region (--bedrock-live/-snapshot)


@dataclass
class FileContext:
    path: str
    data: RuleData
    options: RunOptions
    raw_findings: list[RawFinding] = field(default_factory=list)
    providers: dict[type, Provider] = field(default_factory=dict)
    rule_instances: list[RuleKind] = field(default_factory=list)

    def provider(self, kind: type[P]) -> P:
        return self.providers[kind]  # type: ignore[return-value]
