"""The kind of the unused-suppression rule: its findings come from :mod:`claude_migrate.engine.suppressions`."""

from __future__ import annotations

from claude_migrate.kinds.base import RuleKind, register


@register("unused-suppression")
class UnusedSuppression(RuleKind):
    """A ``# claude-migrate: ignore`` directive that silenced nothing; reported after the other rules ran."""

    MESSAGE_FIELDS = frozenset({"directive", "reason"})
