"""The settings of a run that change what rules report or write; free of libcst, as the hook's path must be."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claude_migrate.data.sdk_versions import SdkRequirement
from claude_migrate.data.targets import Target

if TYPE_CHECKING:
    from claude_migrate.bedrock.snapshot import BedrockSnapshot


@dataclass(frozen=True)
class RunOptions:
    """The settings that change what rules report or write."""

    target: Target
    as_of: datetime.date
    bedrock_region: str | None = None
    bedrock_profile_prefix: str | None = None
    bedrock: BedrockSnapshot | None = None  # Amazon Bedrock's answer for one Region (--bedrock-live/-snapshot)
    fail_within: int | None = None  # --fail-within DAYS: report IDs whose (earliest) retirement is this close
    groups: tuple[GroupDecision, ...] = ()  # what the run decided for IDs used in coupled places
    sdk: SdkRequirement | None = None  # the anthropic versions the files may run on (run/dependencies.py); None: unknown

    def within_window(self, day: datetime.date) -> bool:
        """Whether ``day`` falls inside the --fail-within window (from the run date on)."""
        return self.fail_within is not None and day <= self.as_of + datetime.timedelta(days=self.fail_within)

    def group_of(self, subject: str) -> GroupDecision | None:
        return next((group for group in self.groups if group.subject == subject), None)


@dataclass(frozen=True)
class GroupDecision:
    """Every use of one old ID across a run's files that must change together: either all move (``moves``), or
    none moves safely, and ``note`` says which uses are coupled and why."""

    subject: str
    moves: bool
    note: str
