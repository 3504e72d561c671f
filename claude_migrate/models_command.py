"""`claude-migrate models`: the catalogue, and on request where it disagrees with Amazon Bedrock's answer.

The command receives a client factory, so the CLI can pass the real boto3 one and tests a stubbed client.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from claude_migrate import models_table
from claude_migrate.bedrock_compare import compare
from claude_migrate.bedrock_live import ClientFactory, bedrock_answer
from claude_migrate.errors import UsageError
from claude_migrate.loading import load_rule_data


@dataclass(frozen=True)
class ModelsRequest:
    as_of: datetime.date
    target: str | None = None
    output_format: str = "text"  # "text" or "json"
    bedrock: bool = False
    region: str | None = None
    profile: str | None = None
    save: Path | None = None
    snapshot: Path | None = None

    def check(self) -> None:
        for flag, value in (("--region", self.region), ("--profile", self.profile), ("--save", self.save)):
            if value is not None and not self.bedrock:
                raise UsageError(f"{flag} applies only with --bedrock")


@dataclass(frozen=True)
class CommandOutput:
    text: str
    exit_code: int


def run_models(request: ModelsRequest, factory: ClientFactory) -> CommandOutput:
    """Exit 0 when AWS was not asked or agrees with the catalogue, 1 when they disagree."""
    request.check()
    data = load_rule_data()
    target = data.targets.get(request.target)
    answer = bedrock_answer(live=request.bedrock, snapshot=request.snapshot, region=request.region,
                            profile=request.profile, factory=factory, live_flag="--bedrock")
    if answer is not None and request.save is not None:
        answer.save(request.save)
    disagreements = compare(data, answer, request.as_of) if answer is not None else []
    render = models_table.render_json if request.output_format == "json" else models_table.render_text
    return CommandOutput(render(data, target, request.as_of, answer, disagreements), 1 if disagreements else 0)
