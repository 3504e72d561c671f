"""Config and data files (.env, YAML, JSON, TOML, INI): model IDs found in the text, fixed by exact replacement.

The model-ID rules apply here (rules whose kind has a judge in :mod:`claude_migrate.kinds.model_id_judges`), and
the beta-flag rules report a flag written in the file as they report one written outside a request in Python
(:mod:`claude_migrate.kinds.beta_strays`): for a human, since no request shows where it is sent.
The scanner reads lines, skips whole-line comments, and replaces exactly the characters of each ID,
so every other byte of the file stays as it was. No libcst: a config file never pays for the parser.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from typing import TYPE_CHECKING, Any

from claude_migrate.data.rule_data import RuleData
from claude_migrate.analysis.options import RunOptions
from claude_migrate.data.findings import (
    MAX_FIX_PASSES, Edit, Finding, Fix, FixOutcome, Position, apply_edits, choose_fixes, weakest,
)
from claude_migrate.analysis.roles import (
    CATALOGUE, CONFIGURATION, UNKNOWN, Role, in_test, names_a_model,
)
from claude_migrate.data.model_ids import IdHit
from claude_migrate.kinds.beta_strays import STRAYS
from claude_migrate.kinds.model_id_judges import ID_JUDGES, IdJudge, SiteRegion, Verdict, role_safety, site_region
from claude_migrate.engine.source import FixedPointError, SourceError

if TYPE_CHECKING:
    from claude_migrate.data.rules import RuleSpec

COMMENT_MARKS = {"env": ("#",), "yaml": ("#",), "toml": ("#",), "ini": ("#", ";"), "json": ("//",)}
# AWS Region names written anywhere in the file (``AWS_REGION=eu-west-1``, ``region: us-east-1``).
_REGION = re.compile(r"(?<![\w-])(?:us-gov|us|eu|ap|ca|sa|me|af|il|mx)-[a-z]+-\d(?![\w-])")


def id_rules(rules: list[RuleSpec] | tuple[RuleSpec, ...]) -> list[RuleSpec]:
    """The selected rules of the model-ID kinds."""
    return [rule for rule in rules if rule.kind in ID_JUDGES]


def config_rules(rules: list[RuleSpec] | tuple[RuleSpec, ...]) -> list[RuleSpec]:
    """The selected rules that apply to config files: the model-ID kinds and the beta-flag kinds."""
    return [rule for rule in rules if rule.kind in ID_JUDGES or rule.kind in STRAYS]


def _flag_pattern(flags: list[str]) -> re.Pattern[str]:
    """A flag standing as a value or an item of one (``key: flag``, ``- flag``, ``"a,flag"``, ``flag:true``), not a
    word of prose or a URL fragment ("since flag was replaced", ``#flag``)."""
    return re.compile(rf"""(?:^|(?<=[\s"'=:,\[(]))(?<![\w-])(?P<flag>{"|".join(re.escape(flag) for flag in flags)})"""
                      rf"""(?![\w-])(?=\s*(?:["',\]):;#]|$))""")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when a key repeats (``json`` keeps the last one without a word)."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


@functools.lru_cache(maxsize=1)
def _strict_yaml_loader() -> type:
    """A safe YAML loader (libyaml's parser when installed: a 10 MB file took minutes with the pure-Python one)
    that refuses a mapping whose key repeats, which PyYAML accepts, keeping the last value."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # ``<<: *base`` merges keys that later keys may override, on purpose
                key = self.construct_object(key_node, deep=True)
                try:
                    if key in seen:
                        raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}",
                                                                key_node.start_mark)
                    seen.add(key)
                except TypeError:  # an unhashable key: the base constructor reports it
                    pass
            return super().construct_mapping(node, deep)

    StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_mapping)
    return StrictLoader


def _parses(file_type: str, text: str) -> bool:
    """Whether ``text`` is a valid file of its type with no repeated key (.env files have no grammar to check).
    The JSON, YAML and INI loaders accept a key given twice, so a fix that made two keys equal would pass a
    plain load; each is loaded here in a way that refuses it (tomllib refuses it already)."""
    try:
        if file_type == "json":
            json.loads(text, object_pairs_hook=_unique_pairs)
        elif file_type == "toml":
            if sys.version_info >= (3, 11):
                import tomllib
            else:  # pragma: no cover - exercised on Python 3.10 only
                import tomli as tomllib
            tomllib.loads(text)
        elif file_type == "yaml":
            import yaml

            for _ in yaml.load_all(text, Loader=_strict_yaml_loader()):  # noqa: S506 - a SafeLoader subclass
                pass
        elif file_type == "ini":
            import configparser

            configparser.RawConfigParser(strict=True, interpolation=None).read_string(text)
    except Exception:  # noqa: BLE001 - each parser has its own error types; any of them means "does not parse"
        return False
    return True


_KEY = re.compile(r"""^\s*(?:export\s+|-\s+)?["']?([A-Za-z0-9_.\-]+)["']?\s*[:=]""")
_INLINE_KEY = re.compile(r"""["']?([A-Za-z0-9_.\-]+)["']?\s*[:=]""")  # a key inside a line: a JSON object


def _roles(hits: list[tuple[int, str, IdHit]]) -> list[Role]:
    """Each hit's role in a data file: a single model setting under a key that names a model; a catalogue when
    the file lists several models as records, under one repeated key, in a list or under other keys."""
    keys = [match.group(1) if (match := _KEY.match(line)) else None for _, line, _ in hits]
    by_key: dict[str | None, set[str]] = {}
    for key, (_, _, hit) in zip(keys, hits):
        by_key.setdefault(key, set()).add(hit.text)
    distinct = {hit.text for _, _, hit in hits}
    roles = []
    for key, (_, line, _) in zip(keys, hits):
        listed = key is None or len(by_key[key]) >= 2 or line.lstrip().startswith("-")
        if key is not None and names_a_model(key) and not listed:
            roles.append(Role(CONFIGURATION, f"it is the `{key}` setting", key))
        elif len(distinct) >= 2 and (listed or not names_a_model(key or "")):
            roles.append(Role(CATALOGUE, f"it is one of {len(distinct)} model IDs this file lists"))
        else:
            roles.append(Role(UNKNOWN, "the tool cannot tell what this value is for"))
    return roles


class ConfigScanner:
    """The model-ID rules over the lines of config files of one type; one instance serves a whole run."""

    def __init__(self, data: RuleData, rules: list[RuleSpec], options: RunOptions, file_type: str) -> None:
        self.data = data
        self.options = options
        self.file_type = file_type
        self.comment_marks = COMMENT_MARKS.get(file_type, ("#",))
        self.judges: list[IdJudge] = [ID_JUDGES[rule.kind](rule, data, options) for rule in id_rules(rules)]
        self.flag_rules = [(rule, _flag_pattern(rule.params["flags"])) for rule in rules if rule.kind in STRAYS]

    def check(self, path: str, text: str) -> list[Finding]:
        lines = [(number, line) for number, line in enumerate(text.split("\n"), start=1)
                 if not line.lstrip().startswith(self.comment_marks)]
        regions = {match.group() for _, line in lines for match in _REGION.finditer(line)}

        def region() -> SiteRegion:
            return site_region(self.options, self.data, lambda: None, regions)

        # a config file never shows that a value is sent, so a name-like misspelling is no ID here
        hits = [(number, line, hit) for number, line in lines for hit in self.data.matcher.find(line)
                if not hit.name_like]
        roles = [in_test(role, path) for role in _roles(hits)]
        writable = _parses(self.file_type, text)
        findings = []
        for (number, _, hit), role in zip(hits, roles):
            for judge in self.judges:
                if judge.applies(hit, role) and (verdict := judge.judge(hit, region, self.judges)) is not None:
                    findings.append(self._finding(path, number, judge.spec, verdict, role, writable))
        findings.extend(self._flags(path, lines))
        return sorted(findings, key=lambda f: f.sort_key)

    def _flags(self, path: str, lines: list[tuple[int, str]]) -> list[Finding]:
        """The beta flags written on the lines, each under the key of its line or of the list it is an item of."""
        findings = []
        key = "a value"
        for number, line in lines:
            if (match := _KEY.match(line)) is not None and not line.lstrip().startswith("-"):
                key = match.group(1)
            for rule, pattern in self.flag_rules:
                found = list(pattern.finditer(line))
                inline = [m.group(1) for m in _INLINE_KEY.finditer(line[:found[0].start()])] if found else []
                values = STRAYS[rule.kind](rule, self.options, [m.group() for m in found],
                                           inline[-1] if inline else key) if found else None
                if values is None:
                    continue
                start, end = Position(number, found[0].start()), Position(number, found[-1].end())
                findings.append(Finding(path, rule.code, rule.name, rule.severity, rule.render(**values), start, end,
                                        None, role=CONFIGURATION, subject=found[0].group()))
        return findings

    def _finding(self, path: str, line: int, rule: RuleSpec, verdict: Verdict, role: Role, writable: bool) -> Finding:
        rewrite = verdict.fix
        safety, note = "manual", ""
        if rewrite is not None and role.rewritable and writable:
            safety, note = role_safety(role, weakest(rule.fix, rewrite.safety), verdict.hit, rewrite.text, self.data,
                                       self.options)
        elif not role.rewritable:
            note = f"; {role.why}, a catalogue of models: reported, not rewritten"
        elif rewrite is not None:
            note = f"; the file does not parse as {self.file_type.upper()}, so it is reported, not rewritten"
        first = verdict.hit.start if rewrite is None or rewrite.start is None else rewrite.start
        start, end = Position(line, first), Position(line, verdict.hit.end)
        fix = Fix(safety, (Edit(start, end, rewrite.text),)) if rewrite and safety != "manual" else None
        return Finding(path, rule.code, rule.name, verdict.severity or rule.severity,
                       rule.render(**verdict.message_values(note)), start, end, fix, role=role.name,
                       subject=verdict.hit.text)

    def fix(self, path: str, text: str, safeties: frozenset[str], seed: list[Finding] | None = None) -> FixOutcome:
        """Apply fixes until none applies; refuse a result that no longer parses as the file's type. ``seed``:
        the findings a check of ``text`` gave, used as the first pass's."""
        fixed: list[Finding] = []
        current = text
        for _ in range(MAX_FIX_PASSES):
            findings = seed if seed is not None and current is text else self.check(path, current)
            chosen = choose_fixes(findings, safeties)
            if not chosen:
                if current != text and _parses(self.file_type, text) and not _parses(self.file_type, current):
                    raise SourceError(f"a fix produced a file that does not parse as {self.file_type.upper()} "
                                      "or repeats a key; the file was left unchanged")
                return FixOutcome(current, findings, fixed)
            edits: list[Edit] = []
            for index in chosen:
                fix = findings[index].fix
                assert fix is not None  # choose_fixes picks only findings that have a fix
                edits.extend(fix.edits)
            current = apply_edits(current, edits)
            fixed.extend(findings[index] for index in chosen)
        raise FixedPointError(f"fixes did not settle after {MAX_FIX_PASSES} passes; the file was left unchanged")
