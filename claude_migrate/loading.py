"""Find and load the bundled rule data: catalogue, targets, Region map and rule files."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from claude_migrate.catalogue import load_catalogue
from claude_migrate.context import RuleData
from claude_migrate.model_ids import IdMatcher
from claude_migrate.ruleset import RuleSpec, load_rules
from claude_migrate.surfaces import load_surfaces
from claude_migrate.targets import load_region_prefixes, load_targets
from claude_migrate.tool_types import load_tool_types


def rules_dir() -> Path:
    """``claude_migrate/_rules`` in an installed wheel, the repository's ``rules/`` in a checkout."""
    package = Path(__file__).resolve().parent
    bundled = package / "_rules"
    return bundled if bundled.is_dir() else package.parent / "rules"


@cache
def load_rule_data(base: Path | None = None) -> RuleData:
    folder = (base or rules_dir()) / "catalogue"
    catalogue = load_catalogue(folder / "models.yaml")
    return RuleData(
        catalogue=catalogue,
        targets=load_targets(folder / "targets.yaml", catalogue),
        regions=load_region_prefixes(folder / "bedrock-regions.yaml"),
        matcher=IdMatcher(catalogue),
        surfaces=load_surfaces(folder / "surfaces.yaml"),
        tools=load_tool_types(folder / "tools.yaml", catalogue),
    )


def rule_files(extra_dirs: tuple[Path, ...] = ()) -> list[Path]:
    files = sorted(rules_dir().glob("*.yaml"))
    for folder in extra_dirs:
        files.extend(sorted(folder.glob("*.yaml")))
    return files


@cache
def load_all_rules(extra_dirs: tuple[Path, ...] = ()) -> tuple[RuleSpec, ...]:
    return tuple(load_rules(rule_files(extra_dirs)))
