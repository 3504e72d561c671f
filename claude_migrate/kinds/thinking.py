"""Rule kinds for extended thinking, token budgets and sampling parameters, on every request surface."""

from __future__ import annotations

import json
from typing import Any

from claude_migrate.kinds.base import Param, register
from claude_migrate.kinds.request_kind import RequestKind, TargetKind
from claude_migrate.analysis.requests import BetaFlags, FieldHit, Request
from claude_migrate.analysis.values import UNKNOWN, Entry, MappingView

THINKING_ON = ("enabled", "adaptive")


def shown(value: Any) -> str:
    """A value as the user would write it in JSON (numbers stay numbers)."""
    return json.dumps(value, default=str) if isinstance(value, (str, dict, list)) else str(value)


def number_of(request: Request, hit: FieldHit | None) -> int | float | None:
    return request.resolver.number(hit.entry.reached()) if hit is not None else None


def thinking_entry(request: Request, key: str) -> Entry | None:
    """An entry of the request's ``thinking`` dict."""
    thinking = request.mapping("thinking")
    entry = thinking.get(key) if isinstance(thinking, MappingView) else None
    return entry if isinstance(entry, Entry) else None


def field_hit(request: Request, name: str) -> FieldHit | None:
    hit = request.field(name)
    return hit if isinstance(hit, FieldHit) else None


@register("thinking-budget-vs-max-tokens")
class ThinkingBudgetVsMaxTokens(RequestKind):
    """``max_tokens`` must exceed ``thinking.budget_tokens``, unless the request enables interleaved thinking."""

    PARAMS = {"interleaved_flags": Param("str_list", required=True)}
    MESSAGE_FIELDS = frozenset({"max_tokens_field", "max_tokens", "budget"})

    def check_request(self, request: Request) -> None:
        budget_entry = thinking_entry(request, "budget_tokens")
        max_hit = field_hit(request, "max_tokens")
        if budget_entry is None or max_hit is None or request.thinking_type() != "enabled":
            return
        budget = request.resolver.number(budget_entry.reached())
        max_tokens = number_of(request, max_hit)
        if budget is None or max_tokens is None or max_tokens > budget:
            return
        if self._may_interleave(request):
            return
        self.report(budget_entry.key_node, max_tokens_field=max_hit.label, max_tokens=shown(max_tokens),
                    budget=shown(budget))

    def _may_interleave(self, request: Request) -> bool:
        """True when the request enables interleaved thinking, or its beta flags cannot be known."""
        flags = request.beta_flags()
        if flags is None:
            return False
        if isinstance(flags, BetaFlags) and flags.complete:
            return bool(set(flags.texts) & set(self.params["interleaved_flags"]))
        return True


@register("thinking-budget-minimum")
class ThinkingBudgetMinimum(RequestKind):
    PARAMS = {"minimum": Param("int", required=True)}
    MESSAGE_FIELDS = frozenset({"budget", "minimum"})

    def check_request(self, request: Request) -> None:
        entry = thinking_entry(request, "budget_tokens")
        if entry is None or request.thinking_type() != "enabled":
            return
        budget = request.resolver.number(entry.reached())
        if budget is not None and budget < self.params["minimum"]:
            self.report(entry.key_node, budget=shown(budget), minimum=self.params["minimum"])


@register("max-tokens-above-model-limit")
class MaxTokensAboveModelLimit(TargetKind):
    """``max_tokens`` above the maximum output of the model the request will run on."""

    MESSAGE_FIELDS = frozenset({"field", "max_tokens", "limit", "model"})

    def check_request(self, request: Request) -> None:
        hit = field_hit(request, "max_tokens")
        max_tokens = number_of(request, hit)
        if hit is None or max_tokens is None:
            return
        models = self.affected(request, lambda m: m.max_output_tokens is not None and max_tokens > m.max_output_tokens)
        if models:
            limit = min(m.max_output_tokens for m in models if m.max_output_tokens)
            self.report(hit.entry.key_node, field=hit.label, max_tokens=shown(max_tokens), limit=limit,
                        model=self.describe(request, models))


@register("thinking-sampling")
class ThinkingSampling(RequestKind):
    """A sampling parameter thinking does not allow: outside ``allowed_min``..``allowed_max``, or (for a choice
    such as ``tool_choice``) not one of ``allowed_choices``; with no bounds any value is reported."""

    PARAMS = {
        "field": Param("str", required=True, choices=("temperature", "top_p", "top_k", "tool_choice")),
        "allowed_min": Param("str"),
        "allowed_max": Param("str"),
        "allowed_choices": Param("str_list"),
    }
    MESSAGE_FIELDS = frozenset({"field", "value", "thinking"})

    def check_request(self, request: Request) -> None:
        thinking = request.thinking_type()
        hit = field_hit(request, self.params["field"])
        if thinking not in THINKING_ON or hit is None:
            return
        value = request.resolver.value(hit.entry.reached())
        if self._violates(value):
            self.report(hit.entry.key_node, field=hit.label, value=shown(value), thinking=thinking)

    def _violates(self, value: Any) -> bool:
        if value is None or value is UNKNOWN:
            return False
        if self.params["allowed_choices"]:
            choice = _choice(value)
            return choice is not UNKNOWN and choice not in self.params["allowed_choices"]
        low, high = self.params["allowed_min"], self.params["allowed_max"]
        if low is None and high is None:
            return True
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        return (low is not None and value < float(low)) or (high is not None and value > float(high))


def _choice(value: Any) -> Any:
    """The kind of a tool choice: ``"auto"``, ``{"type": "any"}`` (Anthropic), ``{"any": {}}`` (Converse)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "type" in value:
            return value["type"] if isinstance(value["type"], str) else UNKNOWN
        if len(value) == 1:
            return next(iter(value))
    return UNKNOWN


@register("temperature-with-top-p")
class TemperatureWithTopP(TargetKind):
    """Both ``temperature`` and ``top_p`` set for a model the catalogue says rejects the pair."""

    MESSAGE_FIELDS = frozenset({"temperature_field", "top_p_field", "model"})

    def check_request(self, request: Request) -> None:
        temperature, top_p = field_hit(request, "temperature"), field_hit(request, "top_p")
        if temperature is None or top_p is None:
            return
        if any(request.resolver.value(hit.entry.reached()) in (None, UNKNOWN) for hit in (temperature, top_p)):
            return
        models = self.affected(request, lambda m: m.temperature_with_top_p == "rejected")
        if models:
            self.report(top_p.entry.key_node, temperature_field=temperature.label, top_p_field=top_p.label,
                        model=self.describe(request, models))


@register("thinking-mode-on-target")
class ThinkingModeOnTarget(TargetKind):
    """``thinking={"type": "enabled", ...}`` on a model whose catalogue thinking mode is one of ``modes``."""

    PARAMS = {"modes": Param("str_list", required=True)}
    MESSAGE_FIELDS = frozenset({"model"})

    def check_request(self, request: Request) -> None:
        entry = thinking_entry(request, "type")
        if entry is None or request.thinking_type() != "enabled":
            return
        models = self.affected(request, lambda m: m.thinking in self.params["modes"])
        if models:
            self.report(entry.value, model=self.describe(request, models))
