"""A Bedrock profile prefix the code computes at run time keeps its separator and never gains a literal one."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import AS_OF, invoke

COMPUTED = '''import boto3
client = boto3.client("bedrock-runtime")
def go(prefix, pre):
    client.converse(modelId=f"{prefix}.anthropic.claude-3-5-sonnet-20241022-v2:0", messages=[])
    client.converse(modelId=prefix + ".anthropic.claude-3-5-sonnet-20241022-v2:0", messages=[])
    client.converse(modelId=f"{pre}anthropic.claude-sonnet-4-5-20250929-v1:0", messages=[])
'''
FIXED = '''import boto3
client = boto3.client("bedrock-runtime")
def go(prefix, pre):
    client.converse(modelId=f"{prefix}.anthropic.claude-sonnet-4-6", messages=[])
    client.converse(modelId=prefix + ".anthropic.claude-sonnet-4-6", messages=[])
    client.converse(modelId=f"{pre}anthropic.claude-sonnet-4-6", messages=[])
'''


def applied(text: str, report: list[dict]) -> str:  # type: ignore[type-arg]
    """``text`` with every reported edit applied, as another tool would apply them (JSON columns count from 1)."""
    lines = text.splitlines(keepends=True)
    offsets = [sum(len(line) for line in lines[:number]) for number in range(len(lines) + 1)]

    def offset(position: dict[str, int]) -> int:
        return offsets[position["line"] - 1] + position["column"] - 1

    for start, end, content in sorted(((offset(e["start"]), offset(e["end"]), e["content"]) for f in report
                                       if f["fix"] for e in f["fix"]["edits"]), reverse=True):
        text = text[:start] + content + text[end:]
    return text


def test_a_computed_prefix_keeps_its_dot_and_gets_no_literal_prefix(tmp_path: Path) -> None:
    """``f"{prefix}.anthropic..."`` became ``f"{prefix}us.anthropic..."`` (``euus.`` at run time): the reported
    edits (JSON, SARIF) and ``fix --unsafe-fixes`` now keep the dot and add no prefix of their own."""
    (tmp_path / "app.py").write_text(COMPUTED)
    report = json.loads(invoke("check", "--no-cache", "--as-of", AS_OF, "--output-format", "json", "app.py",
                               cwd=tmp_path).stdout)
    assert len(report) == 3
    assert all("the profile prefix comes from" in finding["message"] for finding in report)
    assert applied(COMPUTED, report) == FIXED
    fixed = invoke("fix", "--no-cache", "--unsafe-fixes", "--as-of", AS_OF, "app.py", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert (tmp_path / "app.py").read_text() == FIXED
