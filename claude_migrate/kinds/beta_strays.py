"""What a beta-flag rule says about a flag written outside any request (a module constant, a class attribute, a
config file's value): reported where it is written, for a human, since the tool cannot see every request that
sends it. The libcst kinds in ``kinds/betas.py`` and the config scanner share these messages; no libcst here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from claude_migrate.analysis.runs_on import RunsOn

if TYPE_CHECKING:
    from claude_migrate.analysis.options import RunOptions
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


def tool_stray(spec: RuleSpec, options: RunOptions, found: list[str], label: str) -> dict[str, str]:
    return {"flag": listed(found), "field": label, "note": "",
            "action": "the tools it enabled have Claude 4 versions that need another flag or none: change it"
                      " together with the tool versions wherever this value is sent"}


STRAYS: dict[str, StrayValues] = {"remove-beta-flag": obsolete_stray, "tool-beta-flag": tool_stray}


def flags_in(text: str, flags: list[str]) -> list[str]:
    """The flags of ``flags`` that ``text`` holds as whole comma-separated items ("a, b" is a header string)."""
    return [item for part in text.split(",") if (item := part.strip()) in flags]
