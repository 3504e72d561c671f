"""``claude-migrate config``: the effective settings, each with where it came from."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from claude_migrate.run.config import Settings

# Every setting a user can write; the rest of Settings says where they came from.
SHOWN = tuple(item.name for item in fields(Settings) if item.name not in ("config_path", "origins", "overrides", "sdk"))


def _value(value: object) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, tuple):
        return json.dumps([str(item) for item in value])
    return json.dumps(str(value))


def describe(settings: Settings, default_target: str, path: Path | None) -> list[str]:
    """One ``key = value  # origin`` line per setting, then the overrides; for a file, with its overrides applied."""
    effective = settings.for_path(path) if path is not None and path.is_file() else settings
    lines = [f"# configuration file: {settings.config_path or '(none found)'}"]
    if effective is not settings:
        lines.append(f"# settings for {path}")
    lines.append("[tool.claude-migrate]")
    for name in SHOWN:
        value, origin = getattr(effective, name), effective.origins.get(name, "default")
        if name == "target" and value is None:
            value, origin = default_target, "default of the rule data (rules/catalogue/targets.yaml)"
        lines.append(f"{name.replace('_', '-')} = {_value(value)}  # {origin}")
    for override in settings.overrides:
        lines += ["", f"[[tool.claude-migrate.overrides]]  # {override.origin}", f"paths = {_value(override.paths)}"]
        lines += [f"{key} = {_value(value)}" for key, value in override.values.items()]
    return lines
