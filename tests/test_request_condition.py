"""The condition vocabulary on rules written here (tests the bundled rules do not use: ``==`` on a string, a
constant with another field, ``remove-beta-flag``'s ``only_on_models``), run in-process on small sources."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

from conftest import AS_OF

from claude_migrate.analysis.options import RunOptions
from claude_migrate.data.rules import load_rule_file
from claude_migrate.engine.analyzer import Analyzer
from claude_migrate.kinds import builtin_kinds
from claude_migrate.run.rulecache import load as load_rule_set

RULE = '''schema: 1
rules:
  - code: CM950
    name: test-rule
    summary: A rule of this test.
    severity: warning
    fix: {fix}
    kind: {kind}
    params:
{params}
    triggers: [anthropic]
    message: "{message}"
    docs:
      why: Test.
      examples:
        - before: "x = 1\\n"
          after: "x = 1\\n"
    sources: [https://example.invalid]
'''


def check(tmp_path: Path, kind: str, params: str, message: str, source: str, fix: str = "manual") -> list[str]:
    """``line: message`` of each finding of the one rule, migrating to claude-4-5."""
    path = tmp_path / "mine.yaml"
    path.write_text(RULE.format(kind=kind, fix=fix, message=message,
                                params=textwrap.indent(textwrap.dedent(params), " " * 6)))
    data = load_rule_set().data
    analyzer = Analyzer(data, load_rule_file(path, builtin_kinds(), data),
                        RunOptions(target=data.targets.get("claude-4-5"), as_of=datetime.date.fromisoformat(AS_OF)))
    return [f"{f.start.line}: {f.message}" for f in analyzer.check("t.py", textwrap.dedent(source))]


REQUESTS = '''\
import anthropic

client = anthropic.Anthropic()
client.messages.create(model="claude-haiku-4-5", max_tokens=1024, temperature=0.5, top_k=20, messages=[])
client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, temperature=0.5, top_k=5, messages=[],
                       thinking={"type": "adaptive"})
client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, top_k=50, messages=[])
'''


def test_a_constant_compared_with_one_field_while_another_is_set(tmp_path: Path) -> None:
    found = check(tmp_path, "request-condition", """\
        field: top_k
        with_field: temperature
        compare: {op: ">", than: 10}
        """, "{field}={value} with {other_field}={other}, above {limit}", REQUESTS)
    assert found == ["4: top_k=20 with temperature=0.5, above 10"]


def test_equality_on_a_string_and_the_thinking_test(tmp_path: Path) -> None:
    found = check(tmp_path, "request-condition", """\
        field: thinking.type
        report_on: value
        thinking: [adaptive]
        compare: {op: "==", than: adaptive}
        """, "{field} is {value} ({thinking}) on {model}", REQUESTS)
    assert found == ['6: thinking.type is "adaptive" (adaptive) on Claude Sonnet 4.5']


def test_a_beta_flag_is_removed_only_where_the_model_ignores_it(tmp_path: Path) -> None:
    source = '''\
        import anthropic

        client = anthropic.Anthropic()
        client.beta.messages.create(model="claude-haiku-4-5", max_tokens=1024, messages=[],
                                    betas=["interleaved-thinking-2025-05-14"])
        client.beta.messages.create(model="claude-sonnet-4-5", max_tokens=1024, messages=[],
                                    betas=["interleaved-thinking-2025-05-14"])
        '''
    params = """\
        flags: [interleaved-thinking-2025-05-14]
        only_on_models: {fact: tier, in: [haiku]}
        """
    found = check(tmp_path, "remove-beta-flag", params, "{flags} in `{field}` does nothing on {model}{note}", source,
                  fix="safe")
    assert found == ["5: `interleaved-thinking-2025-05-14` in `betas` does nothing on Claude Haiku 4.5"]
