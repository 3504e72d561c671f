"""The loaded data every file shares, and the rules that read it: what one load of the rule folders gives."""

from __future__ import annotations

from dataclasses import dataclass

from claude_migrate.data.catalogue import Catalogue
from claude_migrate.data.model_ids import IdMatcher
from claude_migrate.data.surfaces import Surfaces
from claude_migrate.data.targets import RegionPrefixes, Targets
from claude_migrate.data.tool_types import ToolTypes


@dataclass(frozen=True)
class RuleData:
    """The loaded data every file shares: catalogue, targets, region map, ID matcher, request surfaces, tools."""

    catalogue: Catalogue
    targets: Targets
    regions: RegionPrefixes
    matcher: IdMatcher
    surfaces: Surfaces
    tools: ToolTypes
