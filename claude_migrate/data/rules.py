"""Rule files: YAML entries that pick a registered kind, set its parameters, message and docs."""

from __future__ import annotations

import datetime

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from claude_migrate.data.catalogue import parse_generation
from claude_migrate.data.conditions import PARSERS, ModelTest, check_fact_values
from claude_migrate.data.errors import DataError
from claude_migrate.data.findings import SEVERITIES
from claude_migrate.data.targets import FIX_SAFETIES
from claude_migrate.data.yamlio import Fields, YamlMap, load_yaml

if TYPE_CHECKING:
    from claude_migrate.data.rule_data import RuleData

CODE_PATTERN = "CM" + "[0-9]{3}"


@dataclass(frozen=True)
class Param:
    """One parameter a kind accepts in its rule's ``params`` block."""

    type: str  # "str", "int", "bool", "str_list", "version" (a string like "3.5"), or one of the condition
    # vocabulary's types (data/conditions.py): "field", "range", "compare", "model_test", "constants"
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] | None = None


class KindSchema(Protocol):
    """What loading needs of a rule kind: its parameters, message fields and data checks. The kinds layer passes
    its registry in, so reading rule files never imports the kinds (nor libcst)."""

    PARAMS: ClassVar[dict[str, Param]]
    MESSAGE_FIELDS: ClassVar[frozenset[str]]

    def check_params(self, params: YamlMap | None, path: Path, data: RuleData) -> dict[str, Any]: ...

    def needs_import(self, data: RuleData) -> tuple[str, ...]: ...


def parse_params(kind: str, declared: dict[str, Param], params: YamlMap | None, path: Path) -> dict[str, Any]:
    """A rule's ``params`` block typed by the kind's declared parameters; a missing or wrong one names its key."""
    if params is None:
        missing = [name for name, p in declared.items() if p.required]
        if missing:
            raise DataError(path, None, "params", f"kind {kind} needs params: {', '.join(missing)}")
        return {name: p.default for name, p in declared.items()}
    fields = Fields(params, f"params of kind {kind}", path=path, allowed=set(declared))
    result: dict[str, Any] = {}
    for name, p in declared.items():
        if p.type == "str_list":
            result[name] = fields.str_list(name, required=p.required, choices=p.choices) or p.default
        elif p.type == "str":
            result[name] = fields.str(name, required=p.required, default=p.default, choices=p.choices)
        elif p.type == "version":
            result[name] = fields.str(name, required=p.required, default=p.default)
            if result[name] is not None:
                parse_generation(result[name], fields, name)
        elif p.type in PARSERS:
            result[name] = PARSERS[p.type](fields, name, p.required)
        elif p.type == "int":
            result[name] = fields.int(name, required=p.required, default=p.default)
        else:
            result[name] = fields.bool(name, required=p.required, default=p.default)
    return result


@dataclass(frozen=True)
class Example:
    before: str
    after: str
    target: str | None
    unsafe_fixes: bool
    settings: dict[str, str]
    needs_bedrock_answer: bool = False  # reports only with --bedrock-live/--bedrock-snapshot
    as_of: datetime.date | None = None  # the date the example holds on, where the target's lifecycle matters
    requirements: str = ""  # the requirements.txt next to the example, for rules that read the dependency files


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: str
    summary: str
    severity: str
    fix: str
    kind: str
    params: dict[str, Any]
    triggers: tuple[str, ...]
    message: str
    why: str
    examples: tuple[Example, ...]
    sources: tuple[str, ...]
    path: Path
    line: int
    needs_import: tuple[str, ...] = ()  # a file must also import one of these modules to be analysed (none: ())

    def render(self, **values: Any) -> str:
        return self.message.format(**values)


def _check_message(fields: Fields, template: str, allowed: frozenset[str]) -> None:
    """Every placeholder is a plain ``{name}`` the kind supplies: ``{id.x}``, ``{id[9]}`` or ``{id:d}`` loaded fine
    and then failed on every file with an internal error."""
    try:
        parts = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template)
                 if name is not None]
    except ValueError as exc:
        raise fields.error("message", f"bad message template: {exc}") from None
    for name, spec, conversion in parts:
        if spec or conversion or any(mark in name for mark in ".[]"):
            shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise fields.error("message", f"placeholder {{{shown}}}: write a plain {{name}} (no attribute, index, "
                                          "conversion or format spec)")
    unknown = sorted(name for name, _, _ in parts if name not in allowed)
    if unknown:
        raise fields.error("message", f"unknown placeholder {{{unknown[0]}}} (this kind offers: "
                                      f"{', '.join(sorted(allowed))})")


def _examples(fields: Fields) -> tuple[Example, ...]:
    docs = fields.mapping("docs", required=True)
    docs_fields = Fields(docs, "rule docs", allowed={"why", "examples"})
    docs_fields.str("why", required=True)
    result = []
    for index, item in enumerate(docs_fields.any("examples") or []):
        ex = Fields(item, f"docs example {index + 1}", allowed={"before", "after", "target", "unsafe_fixes",
                                                               "bedrock_region", "bedrock_profile_prefix",
                                                               "needs_bedrock_answer", "as_of", "sdk_version",
                                                               "requirements"})
        settings = {key: ex.str(key) for key in ("bedrock_region", "bedrock_profile_prefix", "sdk_version")
                    if ex.str(key)}
        result.append(Example(
            before=ex.str("before", required=True),
            after=ex.str("after", required=True),
            target=ex.str("target"),
            unsafe_fixes=ex.bool("unsafe_fixes", default=False),
            settings=settings,
            needs_bedrock_answer=ex.bool("needs_bedrock_answer", default=False),
            as_of=ex.date("as_of"),
            requirements=ex.str("requirements", default=""),
        ))
    if not result:
        raise docs.error("examples", "every rule needs at least one before/after example")
    return tuple(result)


def _rule(item: YamlMap, path: Path, kinds: Mapping[str, KindSchema], data: RuleData) -> RuleSpec:
    fields = Fields(item, "rule", path=path, allowed={
        "code", "name", "summary", "severity", "fix", "kind", "params", "triggers", "message", "docs", "sources"})
    code = fields.str("code", required=True)
    if not re.fullmatch(CODE_PATTERN, code):
        raise fields.error("code", f"'{code}' is not a rule code like CM101")
    kind_name = fields.str("kind", required=True)
    if kind_name not in kinds:
        raise fields.error("kind", f"unknown rule kind '{kind_name}' (known: {', '.join(sorted(kinds))})")
    kind = kinds[kind_name]
    params_map = fields.mapping("params")
    params = kind.check_params(params_map, path, data)
    for name, declared in kind.PARAMS.items():
        if declared.type == "model_test" and isinstance(test := params.get(name), ModelTest) and params_map:
            check_fact_values(test, data.catalogue, params_map[name])
    message = fields.str("message", required=True)
    _check_message(fields, message, kind.MESSAGE_FIELDS)
    triggers = tuple(fields.str_list("triggers", required=True))
    if not triggers or any(not t for t in triggers):
        raise fields.error("triggers", "list at least one non-empty trigger string")
    sources = tuple(fields.str_list("sources", required=True))
    if not sources:
        raise fields.error("sources", "name at least one source")
    docs = fields.mapping("docs", required=True)
    return RuleSpec(
        code=code,
        name=fields.str("name", required=True),
        summary=fields.str("summary", required=True),
        severity=fields.str("severity", required=True, choices=SEVERITIES),
        fix=fields.str("fix", required=True, choices=FIX_SAFETIES),
        kind=kind_name,
        params=params,
        triggers=triggers,
        message=message,
        why=str(docs.get("why", "")),
        examples=_examples(fields),
        sources=sources,
        path=path,
        line=item.line,
        needs_import=kind.needs_import(data),
    )


def load_rule_file(path: Path, kinds: Mapping[str, KindSchema], data: RuleData) -> list[RuleSpec]:
    raw = load_yaml(path)
    top = Fields.data_file(raw, "rule file", path=path, allowed={"schema", "rules"})
    items = top.any("rules")
    if not isinstance(items, list) or not items:
        raise top.error("rules", "expected a non-empty list of rules")
    return [_rule(item, path, kinds, data) for item in items]


def load_rules(paths: list[Path], kinds: Mapping[str, KindSchema], data: RuleData) -> list[RuleSpec]:
    """All rules from the given files, in code order; a code used twice is an error."""
    rules: dict[str, RuleSpec] = {}
    names: dict[str, RuleSpec] = {}
    for path in paths:
        for rule in load_rule_file(path, kinds, data):
            if rule.code in rules:
                first = rules[rule.code]
                raise DataError(path, rule.line, "code",
                                f"duplicate rule code {rule.code} (first defined at {first.path}:{first.line})")
            if rule.name in names:
                first = names[rule.name]
                raise DataError(path, rule.line, "name",
                                f"duplicate rule name {rule.name} (first defined at {first.path}:{first.line})")
            rules[rule.code] = names[rule.name] = rule
    return [rules[code] for code in sorted(rules)]
