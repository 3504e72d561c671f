"""``request-condition``: one kind for the request-field tests of the thinking and sampling rules (a budget below
a minimum or not below ``max_tokens``, ``max_tokens`` above the model's limit, a sampling value thinking forbids,
a thinking mode the model deprecates), so a new test of that sort is a rule-file entry, not Python. The YAML
vocabulary is parsed in ``data/conditions.py``; here it is evaluated on a request, on every surface."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claude_migrate.analysis.requests import BetaFlags, Request
from claude_migrate.analysis.values import UNKNOWN
from claude_migrate.data.conditions import REQUEST_THINKING, check_one_other_field, is_number
from claude_migrate.data.rule_data import RuleData
from claude_migrate.data.yamlio import YamlMap
from claude_migrate.kinds.base import Param, register
from claude_migrate.kinds.request_kind import Found, RequestKind, find, models_where


def choice_of(value: Any) -> Any:
    """The kind of a choice such as ``tool_choice``: ``"auto"``, ``{"type": "any"}`` (Anthropic) or ``{"any": {}}``
    (Converse) give ``auto``, ``any``, ``any``; UNKNOWN when it cannot be told."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "type" in value:
            return value["type"] if isinstance(value["type"], str) else UNKNOWN
        if len(value) == 1:
            return next(iter(value))
    return UNKNOWN


def shown(value: Any) -> str:
    """A value as the user would write it in JSON (numbers stay numbers)."""
    return json.dumps(value, default=str) if isinstance(value, (str, dict, list)) else str(value)


def may_have_beta(request: Request, flags: list[str]) -> bool:
    """True when the request sends one of ``flags``, or its beta flags cannot be known."""
    found = request.beta_flags()
    if found is None:
        return False
    if isinstance(found, BetaFlags) and found.complete:
        return bool(set(found.texts) & set(flags))
    return True


@register("request-condition")
class RequestCondition(RequestKind):
    """Reports ``field`` of a request when every test the rule lists holds; unknown values never report."""

    PARAMS = {
        "field": Param("field", required=True),
        "report_on": Param("str", default="key", choices=("key", "value")),
        "thinking": Param("str_list", choices=REQUEST_THINKING),
        "with_field": Param("field"),
        "compare": Param("compare"),
        "outside": Param("range"),
        "not_in": Param("str_list"),
        "model": Param("model_test"),
        "unless_betas": Param("str_list"),
    }
    MESSAGE_FIELDS = frozenset({"field", "value", "other_field", "other", "limit", "model", "thinking"})

    @classmethod
    def check_params(cls, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]:
        result = super().check_params(params, path, data)
        assert params is not None  # ``field`` is required
        check_one_other_field(result, params)
        return result

    def check_request(self, request: Request) -> None:
        p = self.params
        thinking = request.thinking_type()
        if p["thinking"] and thinking not in p["thinking"]:
            return
        found = find(request, p["field"])
        compare = p["compare"]
        other_ref = p["with_field"] or (compare.than_field if compare else None)
        other = find(request, other_ref) if other_ref else None
        if found is None or (other_ref and other is None) or not self._value_fails(found.value, other):
            return
        if p["unless_betas"] and may_have_beta(request, p["unless_betas"]):
            return
        assert request.runs_on is not None
        models, limit = request.runs_on.models, compare.than if compare else None
        if p["model"]:
            models = models_where(request, p["model"])
            if not models:
                return
            limit = p["model"].limit(models) if limit is None else limit
        node = found.entry.key_node if p["report_on"] == "key" else found.entry.value
        self.report(node, field=found.label, value=shown(found.value), other_field=other.label if other else None,
                    other=shown(other.value) if other else None, limit=limit, thinking=thinking,
                    model=request.runs_on.describe(models))

    def _value_fails(self, value: Any, other: Found | None) -> bool:
        """The value tests: with none, a field set to a known value is enough."""
        compare, outside, not_in = self.params["compare"], self.params["outside"], self.params["not_in"]
        if compare and not compare.holds(value, compare.than if other is None or compare.than_field is None
                                         else other.value):
            return False
        if outside and not (is_number(value) and not outside[0] <= value <= outside[1]):
            return False
        if not_in:
            choice = choice_of(value)
            return choice is not UNKNOWN and choice not in not_in
        return True
