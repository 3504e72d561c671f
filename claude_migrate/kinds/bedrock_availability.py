"""The rule kind that reports a Bedrock model the account cannot call in the Region, going by AWS's own answer.

The decision is :class:`claude_migrate.id_rules.UnavailableIds`, shared with notebooks and config files.
"""

from __future__ import annotations

from claude_migrate.kinds.base import register
from claude_migrate.kinds.model_id import ModelIdKind


@register("bedrock-model-unavailable")
class BedrockModelUnavailable(ModelIdKind):
    """A Bedrock ID the code will call (after migration, the target's) that AWS's answer says fails in the Region."""

    MESSAGE_FIELDS = frozenset({"id", "model", "region", "why", "answer"})
