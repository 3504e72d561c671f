"""Each rule's documented before/after examples hold, and the rule reports its own code on the before."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from conftest import AS_OF

from claude_migrate.run.api import Mode, run
from claude_migrate.run.config import Settings
from claude_migrate.run.rulecache import load as load_rule_set
from claude_migrate.data.rules import Example, RuleSpec

EXAMPLES = [(rule, index, example) for rule in load_rule_set().rules for index, example in enumerate(rule.examples)]


def _settings(rule: RuleSpec, example: Example) -> Settings:
    return Settings(target=example.target, bedrock_region=example.settings.get("bedrock_region"),
                    bedrock_profile_prefix=example.settings.get("bedrock_profile_prefix"),
                    sdk_version=example.settings.get("sdk_version"))


@pytest.mark.parametrize(("rule", "index", "example"), EXAMPLES,
                         ids=[f"{rule.code}-{index + 1}" for rule, index, _ in EXAMPLES])
def test_example(rule: RuleSpec, index: int, example: Example, tmp_path: Path) -> None:
    path = tmp_path / "example.py"
    path.write_text(example.before, encoding="utf-8")
    if example.requirements:
        (tmp_path / "requirements.txt").write_text(example.requirements, encoding="utf-8")
    date = example.as_of or datetime.date.fromisoformat(AS_OF)
    checked = run([path], _settings(rule, example), Mode.CHECK, as_of=date)
    # a manual rule's example shows a report, unless it needs AWS's answer (tests/test_bedrock_snapshot.py)
    if example.before != example.after or (rule.fix == "manual" and not example.needs_bedrock_answer):
        assert rule.code in {f.code for f in checked.findings}
    run([path], _settings(rule, example), Mode.FIX, unsafe_fixes=example.unsafe_fixes, as_of=date)
    assert path.read_text(encoding="utf-8") == example.after
