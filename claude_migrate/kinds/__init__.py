"""Rule kinds: the only Python per kind of change. Each registers itself by name."""

from __future__ import annotations

from claude_migrate.kinds.base import KIND_REGISTRY, RuleKind, register

__all__ = ["KIND_REGISTRY", "RuleKind", "register", "load_builtin_kinds"]


def load_builtin_kinds() -> None:
    """Import the modules that register the built-in kinds."""
    from claude_migrate.kinds import (  # noqa: F401
        bedrock_availability,
        betas,
        converse,
        model_id,
        request_keys,
        responses,
        suppression,
        thinking,
        tools,
    )
