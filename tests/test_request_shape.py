"""The issue's seed scenario end to end: a ConverseStream request with `thinking` in `inferenceConfig` and a
budget above `maxTokens` is reported twice, `fix` moves `thinking`, and a real botocore client (dummy
credentials, Stubber, no network) rejects the original request and accepts the fixed one."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ParamValidationError
from botocore.stub import Stubber
from conftest import run_cli

SEED = '''import boto3

client = boto3.client("bedrock-runtime", region_name="us-east-1")
response = client.converse_stream(
    modelId="us.anthropic.claude-sonnet-4-20250514-v1:0",
    messages=[{"role": "user", "content": [{"text": "Hello"}]}],
    inferenceConfig={"maxTokens": 32000, "thinking": {"type": "enabled", "budget_tokens": 63999}},
)
'''
BOTOCORE_ERROR = ('Unknown parameter in inferenceConfig: "thinking", must be one of: maxTokens, temperature, topP, '
                  'stopSequences')


def request_params(source: str) -> dict[str, Any]:
    """The keyword arguments of the file's ``converse_stream`` call, evaluated as the literals they are."""
    call = next(node for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "converse_stream")
    return {keyword.arg: ast.literal_eval(keyword.value) for keyword in call.keywords if keyword.arg}


def send(params: dict[str, Any]) -> None:
    """Call ``converse_stream`` on a real client; boto3 validates the parameters, the Stubber answers."""
    client = boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="testing",
                          aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        stubber.add_response("converse_stream", {}, params)
        client.converse_stream(**params)
        stubber.assert_no_pending_responses()


# The seed documents describe Claude 4 at launch: judge them on a day its models were still served (CM106 reports the
# Sonnet 4 Bedrock ID later on).
SEED_DAY = "2026-03-01"


def test_seed_scenario(tmp_path: Path) -> None:
    path = tmp_path / "seed.py"
    path.write_text(SEED)
    before = run_cli("check", "--target", "claude-4", "--as-of", SEED_DAY, path)
    assert before.returncode == 1
    assert {line.split(" ")[1] for line in before.stdout.splitlines() if line.startswith(str(path))} == {
        "CM201", "CM210"}
    assert f"{path}:7:42: CM201 [*] `inferenceConfig.thinking` fails botocore's parameter validation " \
           f"({BOTOCORE_ERROR}); move it to `additionalModelRequestFields.thinking`" in before.stdout
    assert "CM210 `inferenceConfig.maxTokens` (32000) must be greater than `thinking.budget_tokens` (63999)" \
        in before.stdout
    with pytest.raises(ParamValidationError, match=BOTOCORE_ERROR):
        send(request_params(SEED))

    fixed = run_cli("fix", "--target", "claude-4", "--as-of", SEED_DAY, path)
    assert fixed.returncode == 1  # the budget finding needs a human
    params = request_params(path.read_text())
    assert params["inferenceConfig"] == {"maxTokens": 32000}
    assert params["additionalModelRequestFields"] == {"thinking": {"type": "enabled", "budget_tokens": 63999}}
    send(params)

    after = run_cli("check", "--target", "claude-4", "--as-of", SEED_DAY, path)
    assert after.returncode == 1
    assert "CM201" not in after.stdout
    assert f"{path}:8:67: CM210 `inferenceConfig.maxTokens` (32000)" in after.stdout


def test_rule_params_naming_unknown_data_are_errors_with_file_line_and_key(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "mine.yaml").write_text('''schema: 1
rules:
  - code: CM901
    name: my-move
    summary: Move a key.
    severity: error
    fix: safe
    kind: move-request-key
    params:
      moves:
        - "converze: inferenceConfig.thinking -> additionalModelRequestFields.thinking"
    triggers: [thinking]
    message: "{source}"
    docs:
      why: A typo in a surface name.
      examples:
        - before: "x = 1\\n"
          after: "x = 1\\n"
    sources: [https://example.invalid]
''')
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\nextra-rule-dirs = ["rules"]\n')
    (tmp_path / "app.py").write_text("x = 1\n")
    result = run_cli("check", "app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"claude-migrate: error: {rules / 'mine.yaml'}:10: key 'moves': unknown surface "
                                     "'converze' (known: anthropic, anthropic-batch-params, anthropic-batches, converse, "
                                     "instructor-anthropic, instructor-bedrock, instructor-provider, invoke-model, "
                                     "langchain-anthropic, langchain-bedrock, langchain-bedrock-converse, litellm, "
                                     "llamaindex-anthropic, llamaindex-bedrock, pydantic-ai-agent, "
                                     "pydantic-ai-anthropic, pydantic-ai-bedrock, strands-anthropic, strands-bedrock)")
