"""What a beta-flag rule says about a flag written outside any request (a module constant, a class attribute, a
config file's value): reported where it is written, for a human, since the tool cannot see every request that
sends it. The libcst kinds in ``kinds/betas.py`` and the config scanner share these messages; no libcst here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from claude_migrate.analysis.runs_on import RunsOn

if TYPE_CHECKING:
    from claude_migrate.analysis.options import RunOptions
    from claude_migrate.data.catalogue import Model
    from claude_migrate.data.tool_types import ToolType
    from claude_migrate.data.rules import RuleSpec

StrayValues = Callable[["RuleSpec", "RunOptions", list[str], str], "dict[str, str] | None"]


def listed(texts: list[str]) -> str:
    return ", ".join(f"`{text}`" for text in texts)


def obsolete_stray(spec: RuleSpec, options: RunOptions, found: list[str], label: str) -> dict[str, str] | None:
    """Reported when some model of the target ignores the flags (``only_on_models``), naming those."""
    runs_on = RunsOn.whole_target(options.target, request=False)
    test = spec.params.get("only_on_models")
    models = tuple(m for m in runs_on.models if test.holds(m, None)) if test else runs_on.models
    if not models:
        return None
    return {"flags": listed(found), "field": label, "model": runs_on.describe(models),
            "note": " wherever this value is sent (it is written outside a request, so nothing is rewritten)"}


def rejecting(tool: ToolType, models: tuple[Model, ...]) -> tuple[Model, ...]:
    """The models that do not take ``tool``; a model the data says nothing about is not counted."""
    return tuple(m for m in models if tool.known_for(m) and not tool.accepted_by(m))


def tool_stray(spec: RuleSpec, options: RunOptions, found: list[str], label: str) -> dict[str, str] | None:
    """Reported unless the flag belongs to a tool version (``tool``) that every model of the target still takes."""
    runs_on = RunsOn.whole_target(options.target, request=False)
    tool: ToolType | None = spec.params.get("tool")
    models = rejecting(tool, runs_on.models) if tool is not None else runs_on.models
    if not models:
        return None
    return {"flag": listed(found), "field": label, "note": "", "model": runs_on.describe(models),
            "action": ("" if tool is not None else "the tools it enabled have Claude 4 versions that need another "
                                                     "flag or none: ")
                      + "change it together with the tool versions wherever this value is sent"}


STRAYS: dict[str, StrayValues] = {"remove-beta-flag": obsolete_stray, "tool-beta-flag": tool_stray}


def flags_in(text: str, flags: list[str]) -> list[str]:
    """The flags of ``flags`` that ``text`` holds as whole comma-separated items ("a, b" is a header string)."""
    return [item for part in text.split(",") if (item := part.strip()) in flags]
