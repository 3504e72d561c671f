"""The small condition vocabulary of ``request-condition`` rules (and of ``remove-beta-flag``'s
``only_on_models``): a request field compared with a constant or another field, a range, a fact about the
models a request runs on. Parsed here, in the data layer, so rule parameters stay plain data that the rule
cache can unpickle without libcst; the kinds evaluate them against requests.

Deliberately no expression language: each test is one YAML key with one meaning, and a rule reports only
when all the tests it lists hold.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from claude_migrate.data.catalogue import (ACCEPTANCE, TEMPERATURE_WITH_TOP_P, THINKING_WHEN_OMITTED, Catalogue, Model,
                                          parse_generation)
from claude_migrate.data.surfaces import LOGICAL_FIELDS
from claude_migrate.data.yamlio import Fields, YamlMap

Number = int | float
REQUEST_THINKING = ("enabled", "adaptive", "disabled")  # what a request's ``thinking.type`` may say
ORDERINGS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {**ORDERINGS, "==": operator.eq, "!=": operator.ne}
# Model facts a rule may test: the values ``in`` may list (empty: those of the catalogue, checked when the rules are
# loaded with it: check_fact_values), or None for a number (or the generation) tested with ``below`` or ``at_least``.
MODEL_FACTS: dict[str, tuple[str, ...] | None] = {
    "tier": (), "thinking": (), "temperature_with_top_p": TEMPERATURE_WITH_TOP_P,
    "sampling_parameters": ACCEPTANCE, "thinking_disabled": ACCEPTANCE, "forced_tool_choice": ACCEPTANCE,
    "thinking_when_omitted": THINKING_WHEN_OMITTED,
    "max_output_tokens": None, "context_window": None, "generation": None}


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class FieldRef:
    """A logical request field (``max_tokens``), or a key inside one (``thinking.budget_tokens``)."""

    name: str
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Compare:
    """``field OP than`` (a constant) or ``field OP than_field`` (another field of the same request)."""

    op: str
    than: Number | str | None = None
    than_field: FieldRef | None = None

    def holds(self, value: Any, other: Any) -> bool:
        """Orderings compare numbers only: a value of another type is not known to fail."""
        if self.op in ORDERINGS and not (is_number(value) and is_number(other)):
            return False
        return COMPARISONS[self.op](value, other)


@dataclass(frozen=True)
class ModelTest:
    """A fact of a model: one of ``among`` (``in:`` in YAML), a number below the value of the field ``below``, or
    a number (or generation) at least ``at_least``. An unknown fact (null in the catalogue) never holds."""

    fact: str
    among: tuple[str, ...] = ()
    below: FieldRef | None = None
    at_least: Number | tuple[int, ...] | None = None

    def holds(self, model: Model, bound: Any) -> bool:
        """``bound`` is the value of the ``below`` field in the request (unused otherwise)."""
        fact = getattr(model, self.fact)
        if self.at_least is not None:
            return fact is not None and fact >= self.at_least
        if self.below is None:
            return fact in self.among
        return is_number(fact) and is_number(bound) and fact < bound

    def limit(self, models: tuple[Model, ...]) -> Any:
        """The smallest number fact among ``models`` (what a message calls the limit); None for ``in`` tests."""
        if self.below is None:
            return None
        return min((fact for model in models if is_number(fact := getattr(model, self.fact))), default=None)


def _field_ref(fields: Fields, key: str, text: str) -> FieldRef:
    name, *keys = text.split(".")
    if name not in LOGICAL_FIELDS:
        raise fields.error(key, f"unknown request field '{name}' (known: {', '.join(LOGICAL_FIELDS)})")
    if any(not part for part in keys):
        raise fields.error(key, f"'{text}' is not a field like max_tokens or thinking.budget_tokens")
    return FieldRef(name, tuple(keys))


def parse_field(fields: Fields, key: str, required: bool) -> FieldRef | None:
    text = fields.str(key, required=required)
    return None if text is None else _field_ref(fields, key, text)


def parse_range(fields: Fields, key: str, required: bool) -> tuple[Number, Number] | None:
    """``[low, high]``: two numbers, low first."""
    value = fields.sequence(key, required=required)
    if value is None:
        return None
    if not (len(value) == 2 and all(is_number(n) for n in value)):
        raise fields.error(key, "expected [low, high], two numbers")
    if value[0] > value[1]:
        raise fields.error(key, f"the low end {value[0]} is above the high end {value[1]}")
    return value[0], value[1]


def _inner(fields: Fields, key: str, required: bool, allowed: set[str]) -> tuple[YamlMap, Fields] | None:
    """The mapping under ``key`` and typed access to it, or None when it is absent and may be."""
    mapping = fields.mapping(key, required=required)
    return None if mapping is None else (mapping, Fields(mapping, key, allowed=allowed))


def parse_compare(fields: Fields, key: str, required: bool) -> Compare | None:
    """``{op: "<", than: 1024}`` or ``{op: ">=", than_field: max_tokens}``."""
    if (found := _inner(fields, key, required, {"op", "than", "than_field"})) is None:
        return None
    mapping, inner = found
    op = inner.str("op", required=True, choices=tuple(COMPARISONS))
    than_field = parse_field(inner, "than_field", False)
    than = mapping.get("than")
    if (than is None) == (than_field is None):
        raise fields.error(key, "give exactly one of than (a constant) and than_field (another field)")
    if than is not None and not (is_number(than) or (isinstance(than, str) and op not in ORDERINGS)):
        raise inner.error("than", f"expected a number{'' if op in ORDERINGS else ' or a string'}, "
                                  f"got {type(than).__name__}")
    return Compare(op, than, than_field)


def parse_model_test(fields: Fields, key: str, required: bool) -> ModelTest | None:
    """``{fact: thinking, in: [enabled-deprecated]}``, ``{fact: max_output_tokens, below: max_tokens}``,
    ``{fact: context_window, at_least: 1000000}`` or ``{fact: generation, at_least: "4.5"}``."""
    if (found := _inner(fields, key, required, {"fact", "in", "below", "at_least"})) is None:
        return None
    mapping, inner = found
    fact = inner.str("fact", required=True, choices=tuple(MODEL_FACTS))
    values = MODEL_FACTS[fact]
    if values is None:
        if "in" in mapping:
            raise inner.error("in", f"{fact} is a number: test it with below or at_least")
        if ("below" in mapping) == ("at_least" in mapping):
            raise fields.error(key, f"give exactly one of below (a field) and at_least (a constant) for {fact}")
        if "below" in mapping:
            if fact == "generation":
                raise inner.error("below", "the generation is compared with a constant: test it with at_least")
            return ModelTest(fact, below=parse_field(inner, "below", True))
        return ModelTest(fact, at_least=_at_least(inner, fact, mapping["at_least"]))
    for numeric in ("below", "at_least"):
        if numeric in mapping:
            raise inner.error(numeric, f"{fact} is not a number: test it with in")
    among = inner.str_list("in", required=True, choices=values or None)
    return ModelTest(fact, among=tuple(among))


def _at_least(inner: Fields, fact: str, value: Any) -> Number | tuple[int, ...]:
    """A generation is written as a string (``"4.5"``), like in the catalogue; other facts are numbers."""
    if fact == "generation":
        if not isinstance(value, str):
            raise inner.error("at_least", f'expected a generation like "4.5", got {type(value).__name__}')
        return parse_generation(value, inner, "at_least")
    if not is_number(value):
        raise inner.error("at_least", f"expected a number, got {type(value).__name__}")
    return value


def parse_constants(fields: Fields, key: str, required: bool) -> dict[str, Number | str] | None:
    """``{temperature: 1}``: keyword arguments and one constant each (an API default, say)."""
    mapping = fields.mapping(key, required=required)
    if mapping is None:
        return None
    for name, value in mapping.items():
        if not (is_number(value) or isinstance(value, str)):
            raise mapping.error(name, f"expected a number or a string, got {type(value).__name__}")
    return dict(mapping)


def check_fact_values(test: ModelTest, catalogue: Catalogue, where: YamlMap) -> None:
    """The values an ``in:`` test lists must be ones the catalogue uses (tiers and thinking modes come from it)."""
    allowed = {"tier": catalogue.tiers, "thinking": catalogue.thinking_modes}.get(test.fact)
    unknown = [value for value in test.among if allowed and value not in allowed]
    if allowed and unknown:
        raise where.error("in", f"'{unknown[0]}' is not one of: {', '.join(allowed)}")


PARSERS: dict[str, Callable[[Fields, str, bool], Any]] = {
    "field": parse_field, "range": parse_range, "compare": parse_compare, "model_test": parse_model_test,
    "constants": parse_constants}


def check_one_other_field(params: dict[str, Any], raw: YamlMap) -> None:
    """A condition names at most one other field: messages call it ``other_field``."""
    compare = params.get("compare")
    if params.get("with_field") is not None and compare is not None and compare.than_field is not None:
        raise raw.error("with_field", "give with_field or compare.than_field, not both (a message names one "
                                      "other field)")
