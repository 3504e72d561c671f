"""Rule kind: what botocore's parameter validation rejects in a boto3 request, in botocore's own words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claude_migrate.kinds.base import Param, register
from claude_migrate.kinds.param_checks import check_known
from claude_migrate.kinds.request_keys import MoveRequestKey
from claude_migrate.kinds.request_kind import RequestKind
from claude_migrate.analysis.requests import Request
from claude_migrate.data.yamlio import YamlMap
from claude_migrate.data.rule_data import RuleData


@register("botocore-validation")
class BotocoreValidation(RequestKind):
    """Reports each problem botocore finds in the statically known part of the request, except the ones a
    selected move rule fixes (one finding per problem)."""

    PARAMS = {"surfaces": Param("str_list", required=True)}
    MESSAGE_FIELDS = frozenset({"error"})
    CLAUDE_ONLY = False

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        result = super().check_params(params, path, data)
        surfaces = data.surfaces.by_name
        check_known(params, path, "surfaces", result["surfaces"], surfaces, "surface")
        check_known(params, path, "surfaces", result["surfaces"],
                    (name for name, surface in surfaces.items() if surface.service), "boto3 surface")
        return result

    def check_request(self, request: Request) -> None:
        if request.surface.name not in self.params["surfaces"]:
            return
        moved = {source for rule in self.ctx.rule_instances if isinstance(rule, MoveRequestKey)
                 and rule.params["botocore"] for source in rule.sources_of(request.surface.name)}
        for problem in request.botocore_problems:
            if problem.unknown_key and problem.path in moved:
                continue
            self.report(request.locate(problem.path), error=problem.message)
