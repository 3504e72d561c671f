"""`claude-migrate models`: the catalogue, and on request where it disagrees with Amazon Bedrock's answer or
(``--audit``) with Anthropic's own sources: the installed SDK's tables and the Models API.

The command receives a client factory (and the audit a page fetcher), so the CLI can pass the real boto3 and
anthropic ones and tests a stubbed client or a recorded answer.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from claude_migrate.audit.compare import Difference
from claude_migrate.audit.compare import compare as audit_compare
from claude_migrate.audit.models_api import PageFetch, models_api_source
from claude_migrate.audit.sdk_tables import installed_package, read_sdk
from claude_migrate.audit.sources import AuditError, ModelSource
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
    audit: bool = False
    anthropic_package: Path | None = None
    anthropic_live: bool = False

    def check(self) -> None:
        for flag, value in (("--region", self.region), ("--profile", self.profile), ("--save", self.save)):
            if value is not None and not self.bedrock:
                raise UsageError(f"{flag} applies only with --bedrock")
        for flag, value in (("--anthropic-package", self.anthropic_package),
                            ("--anthropic-live", self.anthropic_live or None)):
            if value is not None and not self.audit:
                raise UsageError(f"{flag} applies only with --audit")
        if self.audit and (self.bedrock or self.snapshot is not None):
            raise UsageError("--audit compares with Anthropic's sources, --bedrock and --bedrock-snapshot with AWS's "
                             "answer: give one of them")


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


@dataclass(frozen=True)
class AuditView:
    """What `models --audit` shows: each source asked, with its disagreements and notes."""

    as_of: datetime.date
    results: list[tuple[ModelSource, list[Difference]]]

    @property
    def exit_code(self) -> int:
        """0 when every source agrees with the catalogue (notes allowed), 1 when one disagrees."""
        return 1 if any(not d.note for _, found in self.results for d in found) else 0


def run_audit(request: ModelsRequest, pages: Callable[[], PageFetch]) -> AuditView:
    """Compare the catalogue (with the user's overlays) with the SDK's tables, and with the Models API when live."""
    request.check()
    data = rulecache.load(request.extra_rule_dirs).data
    package = request.anthropic_package or installed_package()
    if package is None and not request.anthropic_live:
        raise AuditError("nothing to audit against: the anthropic package is not installed here (install it, give "
                         "--anthropic-package DIR_OR_WHEEL, or ask the Models API with --anthropic-live)")
    sources = [read_sdk(package)] if package is not None else []
    if request.anthropic_live:
        sources.append(models_api_source(pages()))
    return AuditView(request.as_of, [(source, audit_compare(data.catalogue, source, request.as_of))
                                     for source in sources])
