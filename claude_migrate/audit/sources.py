"""What one Anthropic source says about the models: the IDs it lists and the retirement dates it announces.

Both the installed SDK's tables and the Models API are read into this one shape, so a single comparison
serves both.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from claude_migrate.data.errors import UsageError


class AuditError(UsageError):
    """A source could not be read or asked; the message is one line."""


@dataclass(frozen=True)
class ModelSource:
    """The IDs a source lists, and those it marks deprecated with the end-of-life date it gives (None: no date,
    the raw text kept in ``retirement_texts``). ``lists_callable`` says the listing is what can be called today
    (the Models API), not a type hint that lags behind (the SDK's ``Model`` literal)."""

    name: str  # "anthropic 2.16.0 (/path/to/anthropic)", "the Models API"
    listed: frozenset[str]
    retirements: dict[str, datetime.date | None] = field(default_factory=dict)
    retirement_texts: dict[str, str] = field(default_factory=dict)
    lists_callable: bool = False
