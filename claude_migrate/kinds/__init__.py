"""Rule kinds: the only Python per kind of change, each registered by name, and the model-ID judges that
notebooks and config files share with the Python kinds.

May import ``analysis``, ``bedrock`` and ``data``; never ``engine``, ``run``, ``formats`` or the CLI. Kinds
read the rule data from the file context they are given, never from a process-wide load.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from claude_migrate.kinds.base import RuleKind

# Nothing is imported here at module level: the model-ID judges in this package are read on the pre-commit
# path, which must not pay for libcst (that the kinds import).


def builtin_kinds() -> Mapping[str, type[RuleKind]]:
    """The registry with the built-in kinds in it: what rule loading is given to check rule files."""
    from claude_migrate.kinds.base import KIND_REGISTRY
    from claude_migrate.kinds import (  # noqa: F401
        bedrock_availability,
        betas,
        converse,
        model_id,
        request_condition,
        request_keys,
        response_blocks,
        responses,
        sdk_range,
        sdk_request,
        suppression,
        tools,
    )

    return KIND_REGISTRY
