"""Malformed rule files, catalogue data and configuration: exactly one line naming file, line and key; exit 2."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import run_cli

from claude_migrate.data.catalogue import load_catalogue
from claude_migrate.data.errors import DataError
from claude_migrate.data.loading import rules_dir
from claude_migrate.data.id_grammar import load_id_grammar
from claude_migrate.data.targets import load_region_prefixes, load_targets
from claude_migrate.data.tool_types import load_tool_types

GOOD_RULE = '''schema: 1
rules:
  - code: CM190
    name: custom-outdated-id
    summary: A rule of the project's own, loaded from extra-rule-dirs.
    severity: warning
    fix: safe
    kind: outdated-model-id
    params:
      generation_from: "3"
    triggers: [claude]
    message: "`{id}` is {model}; use `{replacement}`{note}"
    docs:
      why: The project retires old models early.
      examples:
        - before: |
            M = "claude-3-opus-20240229"
          after: |
            M = "claude-opus-4-6"
    sources:
      - https://example.com/our-policy
'''
GOOD_CONFIG = '[project]\nname = "app"\n\n[tool.claude-migrate]\nextra-rule-dirs = ["ci-rules"]\n'


def line_of(text: str, marker: str) -> int:
    return text[:text.index(marker)].count("\n") + 1


def project(tmp_path: Path, rule: str = GOOD_RULE, config: str = GOOD_CONFIG) -> Path:
    (tmp_path / "ci-rules").mkdir(exist_ok=True)
    (tmp_path / "ci-rules" / "ours.yaml").write_text(rule)
    (tmp_path / "pyproject.toml").write_text(config)
    (tmp_path / "app.py").write_text('M = "claude-3-opus-20240229"\n')
    return tmp_path


def test_the_good_rule_file_and_configuration_load(tmp_path: Path) -> None:
    """The control: the bad cases below each change one thing in these."""
    result = run_cli("check", ".", cwd=project(tmp_path))
    assert result.returncode == 1, result.stderr
    assert "app.py:1:5: CM190 [*]" in result.stdout


class Bad(NamedTuple):
    """One edit that breaks a good file, and the error it must give."""

    old: str
    new: str
    marker: str  # text on the line the error must name
    key: str
    message: str  # how the message starts


BAD_RULES = {
    "unknown key": Bad("    severity:", "    serverity:", "serverity", "serverity", "unknown key in rule"),
    "wrong type": Bad("triggers: [claude]", "triggers: claude", "triggers:", "triggers",
                      "expected a list of strings, got str"),
    "duplicate code": Bad("code: CM190", "code: CM101", "- code: CM101", "code", "duplicate rule code CM101"),
    "bad code": Bad("code: CM190", "code: CM19", "code: CM19", "code", "'CM19' is not a rule code"),
    "unknown rule kind": Bad("kind: outdated-model-id", "kind: rewrite-everything", "kind:", "kind",
                             "unknown rule kind 'rewrite-everything'"),
    "unknown parameter": Bad("generation_from:", "generation_form:", "generation_form", "generation_form",
                             "unknown key in params of kind outdated-model-id"),
    "bad version parameter": Bad('generation_from: "3"', 'generation_from: "three"', "generation_from",
                                 "generation_from", "'three' is not a version like \"3.5\""),
    "bad message placeholder": Bad("is {model}", "is {modle}", "message:", "message", "unknown placeholder {modle}"),
    # these loaded, then failed on every file with "internal error"
    "attribute placeholder": Bad("is {model}", "is {model.x}", "message:", "message", "placeholder {model.x}: write"),
    "index placeholder": Bad("is {model}", "is {model[9]}", "message:", "message", "placeholder {model[9]}: write"),
    "format spec placeholder": Bad("is {model}", "is {model:d}", "message:", "message", "placeholder {model:d}: write"),
    "bad severity": Bad("severity: warning", "severity: fatal", "severity:", "severity",
                        "'fatal' is not one of: error, warning, info"),
    "bad fix safety": Bad("fix: safe", "fix: always", "fix: always", "fix", "'always' is not one of: safe, unsafe"),
    "duplicate key": Bad("    fix: safe\n", "    fix: safe\n    fix: unsafe\n", "fix: unsafe", "fix", "duplicate key"),
    "unsupported schema": Bad("schema: 1", "schema: 2", "schema:", "schema", "unsupported schema version"),
    "missing key": Bad('    message: "`{id}` is {model}; use `{replacement}`{note}"\n', "", "- code:", "message",
                       "missing required key in rule"),
    "impossible date": Bad("why: The project retires old models early.", "why: 2026-02-30", "why:", "why",
                           "'2026-02-30' is not a valid date (day is out of range for month)"),
}


def expected_line(path: Path, edited: str, bad: Bad) -> str:
    return f"{path}:{line_of(edited, bad.marker)}: key '{bad.key}': {bad.message}"


def test_a_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    text = GOOD_RULE.replace("triggers: [claude]", "triggers: [claude")
    result = run_cli("check", ".", cwd=project(tmp_path, rule=text))
    assert result.returncode == 2
    assert re.fullmatch(rf"claude-migrate: error: {re.escape(str(tmp_path / 'ci-rules' / 'ours.yaml'))}:\d+: "
                        r"invalid YAML: .+\n", result.stderr), result.stderr


SECTION = "\n[tool.claude-migrate]\n"
BAD_CONFIGS = {
    "unknown key": Bad(SECTION, SECTION + 'targte = "claude-4"\n', "targte", "targte",
                       "unknown key in [tool.claude-migrate]"),
    "wrong type": Bad(SECTION, SECTION + 'select = "CM1"\n', "select", "select", "expected a list of strings"),
    "unknown target": Bad(SECTION, SECTION + 'target = "claude-9"\n', "target =", "target",
                          "unknown target 'claude-9'"),
    "unknown profile prefix": Bad(SECTION, SECTION + 'bedrock-profile-prefix = "mars"\n', "bedrock-profile-prefix",
                                  "bedrock-profile-prefix", "'mars' is not one of: us, eu, apac, global"),
    "missing rule folder": Bad('["ci-rules"]', '["ci-rulez"]', "extra-rule-dirs", "extra-rule-dirs",
                               "'ci-rulez' is not a folder"),
    # these were tracebacks
    "bad exclude pattern": Bad(SECTION, SECTION + 'exclude = ["build", "\\\\"]\n', "exclude", "exclude",
                               "invalid pattern '\\\\'"),
    "bad override pattern": Bad('["ci-rules"]\n', '["ci-rules"]\n\n[[tool.claude-migrate.overrides]]\n'
                                'paths = ["\\\\"]\ntarget = "claude-4"\n', "paths", "paths", "invalid pattern '\\\\'"),
    "tool is not a table": Bad('[project]\nname = "app"\n\n[tool.claude-migrate]', 'tool = "x"\n# [tool.claude-migrate]',
                               "tool =", "tool", "expected a table"),
}


CASES = {**{f"rule file: {name}": ("rule", bad) for name, bad in BAD_RULES.items()},
         **{f"configuration: {name}": ("config", bad) for name, bad in BAD_CONFIGS.items()}}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_bad_rule_file_or_configuration_is_one_line_with_file_line_and_key(tmp_path: Path, case: str) -> None:
    which, bad = CASES[case]
    good, path = ((GOOD_RULE, tmp_path / "ci-rules" / "ours.yaml") if which == "rule"
                  else (GOOD_CONFIG, tmp_path / "pyproject.toml"))
    assert bad.old in good
    text = good.replace(bad.old, bad.new)
    result = run_cli("check", ".", cwd=project(tmp_path, **{which: text}))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"claude-migrate: error: {expected_line(path, text, bad)}"), result.stderr
    assert result.stderr.count("\n") == 1


def test_invalid_toml_names_file_and_line(tmp_path: Path) -> None:
    result = run_cli("check", ".", cwd=project(tmp_path, config=GOOD_CONFIG + "target = \n"))
    assert result.returncode == 2
    assert result.stderr.startswith(f"claude-migrate: error: {tmp_path / 'pyproject.toml'}: invalid TOML: ")
    assert "line 6" in result.stderr and result.stderr.count("\n") == 1


# The bundled catalogue has no command-line switch, so its loaders are called on edited copies.
def _catalogue(folder: Path) -> object:
    return load_catalogue(folder / "models.yaml")


def _targets(folder: Path) -> object:
    return load_targets(folder / "targets.yaml", load_catalogue(folder / "models.yaml"))


def _regions(folder: Path) -> object:
    return load_region_prefixes(folder / "bedrock-regions.yaml", load_catalogue(folder / "models.yaml"))


def _tools(folder: Path) -> object:
    return load_tool_types(folder / "tools.yaml", load_catalogue(folder / "models.yaml"))


def _grammar(folder: Path) -> object:
    return load_id_grammar(folder / "id-grammar.yaml", load_catalogue(folder / "models.yaml"))


LOADERS: dict[str, Callable[[Path], object]] = {
    "models.yaml": _catalogue, "targets.yaml": _targets, "bedrock-regions.yaml": _regions, "tools.yaml": _tools,
    "id-grammar.yaml": _grammar}
OPUS_4_6_SOURCES = "sources: [ant-overview, ant-bedrock-legacy, ant-release-notes, ant-thinking-errors"
BAD_CATALOGUE = {
    "unknown source key": ("models.yaml", Bad(OPUS_4_6_SOURCES, OPUS_4_6_SOURCES.replace("overview", "overveiw"),
                                              "ant-overveiw", "sources", "unknown source key 'ant-overveiw'")),
    "impossible date": ("models.yaml", Bad("retired: 2026-06-15", "retired: 2026-06-31", "2026-06-31", "retired",
                                           "'2026-06-31' is not a valid date (day is out of range for month)")),
    "not a date": ("models.yaml", Bad("retired: 2026-06-15", "retired: June 2026", "June 2026", "retired",
                                      "expected a date (YYYY-MM-DD), got str")),
    "duplicate ID": ("models.yaml", Bad("id: claude-opus-4-20250514", "id: claude-sonnet-4-20250514",
                                        "id: claude-sonnet-4-20250514\n      aliases: [claude-opus-4-0]", "id",
                                        "ID 'claude-sonnet-4-20250514' of model claude-opus-4-20250514 is already")),
    "unknown tier": ("models.yaml", Bad("tier: opus", "tier: magnum", "magnum", "tier", "'magnum' is not one of")),
    "unknown profile prefix": ("models.yaml", Bad("profiles: [global, us, eu, apac, jp]",
                                                  "profiles: [global, us, eu, apac, mars]", "mars", "profiles",
                                                  "'mars' is not one of")),
    "unknown model in a target": ("targets.yaml", Bad("sonnet: {model: claude-sonnet-4-6}",
                                                      "sonnet: {model: claude-sonnet-4-7}", "claude-sonnet-4-7",
                                                      "model", "unknown model 'claude-sonnet-4-7'")),
    "missing replacement model": ("targets.yaml", Bad("sonnet: {model: claude-sonnet-4-6}", "sonnet: {fix: safe}",
                                                      "sonnet: {fix: safe}", "model",
                                                      "missing required key in target claude-4-6 tier sonnet")),
    "unknown default target": ("targets.yaml", Bad("default: claude-4-6", "default: claude-4-9", "default:",
                                                   "default", "unknown target 'claude-4-9'")),
    "unknown region prefix": ("bedrock-regions.yaml", Bad("prefixes: [eu, global]", "prefixes: [europe, global]", "europe",
                                                          "prefixes", "'europe' is not one of")),
    "unknown worldwide source": ("bedrock-regions.yaml", Bad("worldwide: {prefixes: [global], sources: [aws-global-asia]}",
                                                             "worldwide: {prefixes: [global], sources: [aws-global]}",
                                                             "worldwide:", "sources",
                                                             "unknown source key 'aws-global'")),
    "unknown ID piece": ("id-grammar.yaml", Bad("claude-{family}-{major}[-{minor}]@{date}",
                                                "claude-{family}-{major}[-{minor}]@{day}", "@{day}", "form",
                                                "not a form with known pieces")),
    "unknown grammar source": ("id-grammar.yaml", Bad("sources: [facts-1e]\n", "sources: [facts-1f]\n",
                                                      "facts-1f", "sources", "unknown source key 'facts-1f'")),
    "unknown tool family": ("tools.yaml", Bad("family: computer_toolset\n", "family: computer_tools\n",
                                              "family: computer_tools", "family", "'computer_tools' is not one of")),
    "unknown replacing family": ("tools.yaml", Bad("computer: {replaced_by: computer_toolset}",
                                                   "computer: {replaced_by: toolset}", "families:", "families",
                                                   "tool family computer is replaced by unknown family 'toolset'")),
}


@pytest.mark.parametrize("case", BAD_CATALOGUE, ids=list(BAD_CATALOGUE))
def test_bad_catalogue_data_names_file_line_and_key(tmp_path: Path, case: str) -> None:
    name, bad = BAD_CATALOGUE[case]
    folder = tmp_path / "catalogue"
    shutil.copytree(rules_dir() / "catalogue", folder)
    text = (folder / name).read_text(encoding="utf-8")
    assert bad.old in text, f"{bad.old!r} is no longer in {name}: update this case"
    edited = text.replace(bad.old, bad.new, 1)
    (folder / name).write_text(edited, encoding="utf-8")
    with pytest.raises(DataError) as raised:
        LOADERS[name](folder)
    assert str(raised.value).startswith(expected_line(folder / name, edited, bad))
    assert "\n" not in str(raised.value)


CONDITION_RULE = '''schema: 1
rules:
  - code: CM191
    name: custom-condition
    summary: A request-condition rule of the project's own.
    severity: error
    fix: manual
    kind: request-condition
    params:
      field: thinking.budget_tokens
      thinking: [enabled]
      compare: {op: ">=", than_field: max_tokens}
      outside: [1, 2]
      model: {fact: max_output_tokens, below: max_tokens}
    triggers: [budget_tokens]
    message: "{value} {other_field} {limit} {model}"
    docs:
      why: Test.
      examples:
        - before: "x = 1\\n"
          after: "x = 1\\n"
    sources: [https://example.invalid]
'''
BAD_CONDITIONS = {
    "unknown field": Bad("field: thinking.budget_tokens", "field: thinkng.budget_tokens", "field:", "field",
                         "unknown request field 'thinkng'"),
    "empty key in a field": Bad("field: thinking.budget_tokens", "field: thinking.", "field:", "field",
                                "'thinking.' is not a field like"),
    "unknown thinking type": Bad("thinking: [enabled]", "thinking: [turned-on]", "thinking:", "thinking",
                                 "'turned-on' is not one of: enabled, adaptive, disabled"),
    "unknown operator": Bad('op: ">="', 'op: "=>"', "op:", "op", "'=>' is not one of"),
    "both than and than_field": Bad("than_field: max_tokens", "than_field: max_tokens, than: 3", "compare:",
                                    "compare", "give exactly one of than"),
    "neither than nor than_field": Bad("than_field: max_tokens", "than_field: null", "compare:", "compare",
                                       "give exactly one of than"),
    "a string ordered": Bad("than_field: max_tokens", "than: high", "compare:", "than", "expected a number, got str"),
    "unknown key in compare": Bad("than_field: max_tokens", "than_feld: max_tokens", "compare:", "than_feld",
                                  "unknown key in compare"),
    "reversed range": Bad("outside: [1, 2]", "outside: [2, 1]", "outside:", "outside",
                          "the low end 2 is above the high end 1"),
    "range of one": Bad("outside: [1, 2]", "outside: [1]", "outside:", "outside", "expected [low, high]"),
    "unknown model fact": Bad("fact: max_output_tokens", "fact: max_output", "model:", "fact",
                              "'max_output' is not one of"),
    "a number fact with in": Bad("below: max_tokens", "in: [high]", "model:", "in",
                                 "max_output_tokens is a number: test it with below"),
    "a text fact with below": Bad("fact: max_output_tokens", "fact: thinking", "model:", "below",
                                  "thinking is not a number: test it with in"),
    "unknown fact value": Bad("fact: max_output_tokens, below: max_tokens", "fact: thinking, in: [enabled-deprecatd]",
                              "model:", "in", "'enabled-deprecatd' is not one of"),
    "two other fields": Bad("thinking: [enabled]", "thinking: [enabled]\n      with_field: temperature",
                            "with_field", "with_field", "give with_field or compare.than_field, not both"),
    "unknown placeholder": Bad("{other_field}", "{other_fields}", "message:", "message",
                               "unknown placeholder {other_fields}"),
    "a generation that is no version": Bad("fact: max_output_tokens, below: max_tokens",
                                           'fact: generation, at_least: "four"', "model:", "at_least",
                                           "'four' is not a version"),
    "a generation as a number": Bad("fact: max_output_tokens, below: max_tokens", "fact: generation, at_least: 4.5",
                                    "model:", "at_least", 'expected a generation like "4.5", got float'),
    "the generation with below": Bad("fact: max_output_tokens", "fact: generation", "model:", "below",
                                     "the generation is compared with a constant"),
    "below and at_least": Bad("below: max_tokens", "below: max_tokens, at_least: 3", "model:", "model",
                              "give exactly one of below (a field) and at_least"),
    "a text fact with at_least": Bad("fact: max_output_tokens, below: max_tokens", "fact: thinking, at_least: 3",
                                     "model:", "at_least", "thinking is not a number: test it with in"),
    "only_on_models on another kind": Bad("      outside: [1, 2]\n", "      only_on_models: {fact: tier, in: [opus]}\n",
                                          "only_on_models", "only_on_models", "unknown key in params of kind"),
}


def test_the_good_condition_rule_loads(tmp_path: Path) -> None:
    from claude_migrate.data.loading import load_rule_data
    from claude_migrate.data.rules import load_rule_file
    from claude_migrate.kinds import builtin_kinds

    path = tmp_path / "ours.yaml"
    path.write_text(CONDITION_RULE)
    [rule] = load_rule_file(path, builtin_kinds(), load_rule_data())
    assert rule.params["outside"] == (1, 2)


@pytest.mark.parametrize("case", BAD_CONDITIONS, ids=list(BAD_CONDITIONS))
def test_a_bad_condition_names_file_line_and_key(tmp_path: Path, case: str) -> None:
    """In-process: the loader's error is the line the CLI prints (the cases above show that it does)."""
    from claude_migrate.data.loading import load_rule_data
    from claude_migrate.data.rules import load_rule_file
    from claude_migrate.kinds import builtin_kinds

    bad = BAD_CONDITIONS[case]
    assert bad.old in CONDITION_RULE
    text = CONDITION_RULE.replace(bad.old, bad.new, 1)
    path = tmp_path / "ours.yaml"
    path.write_text(text)
    with pytest.raises(DataError) as raised:
        load_rule_file(path, builtin_kinds(), load_rule_data())
    assert str(raised.value).startswith(expected_line(path, text, bad)), str(raised.value)
