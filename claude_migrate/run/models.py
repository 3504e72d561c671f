"""`claude-migrate models`: the catalogue, and on request where it disagrees with Amazon Bedrock's answer.

The command receives a client factory, so the CLI can pass the real boto3 one and tests a stubbed client.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from claude_migrate.bedrock.compare import Disagreement, compare
from claude_migrate.bedrock.live import ClientFactory, bedrock_answer
from claude_migrate.bedrock.snapshot import BedrockSnapshot
from claude_migrate.data.errors import UsageError
from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.targets import Target
from claude_migrate.run import rulecache


@dataclass(frozen=True)
class ModelsRequest:
    as_of: datetime.date
    target: str | None = None
    bedrock: bool = False
    region: str | None = None
    profile: str | None = None
    save: Path | None = None
    snapshot: Path | None = None
    extra_rule_dirs: tuple[Path, ...] = ()  # the configuration's folders, whose catalogue/ files add models

    def check(self) -> None:
        for flag, value in (("--region", self.region), ("--profile", self.profile), ("--save", self.save)):
            if value is not None and not self.bedrock:
                raise UsageError(f"{flag} applies only with --bedrock")


@dataclass(frozen=True)
class ModelsView:
    """What `models` shows: the catalogue for a target and date, and Bedrock's answer where it was asked."""

    data: RuleData
    target: Target
    as_of: datetime.date
    answer: BedrockSnapshot | None
    disagreements: list[Disagreement]

    @property
    def exit_code(self) -> int:
        """0 when AWS was not asked or agrees with the catalogue, 1 when they disagree."""
        return 1 if self.disagreements else 0


def run_models(request: ModelsRequest, factory: ClientFactory) -> ModelsView:
    """The catalogue view; where AWS was asked, every place it disagrees with the catalogue."""
    request.check()
    data = rulecache.load(request.extra_rule_dirs).data
    target = data.targets.get(request.target)
    answer = bedrock_answer(live=request.bedrock, snapshot=request.snapshot, region=request.region,
                            profile=request.profile, factory=factory, live_flag="--bedrock")
    if answer is not None and request.save is not None:
        answer.save(request.save)
    disagreements = compare(data, answer, request.as_of) if answer is not None else []
    return ModelsView(data, target, request.as_of, answer, disagreements)
