"""How far request values are followed: names assigned once, scopes, mutation, ``**`` and ``dict(...)``; what
cannot be known is never guessed. Runs the real engine in-process on small sources."""

from __future__ import annotations

import datetime
import textwrap

import pytest
from conftest import AS_OF

from claude_migrate.analysis.options import RunOptions
from claude_migrate.engine.analyzer import Analyzer
from claude_migrate.run.rulecache import load as load_rule_set


def analyzer(codes: tuple[str, ...]) -> Analyzer:
    """The engine with only the given rules, migrating to claude-4-5."""
    data = load_rule_set().data
    rules = [rule for rule in load_rule_set().rules if rule.code in codes]
    return Analyzer(data, rules, RunOptions(target=data.targets.get("claude-4-5"),
                                            as_of=datetime.date.fromisoformat(AS_OF)))


def findings(source: str, *codes: str) -> list[tuple[int, str]]:
    return [(f.start.line, f.code) for f in analyzer(codes).check("t.py", textwrap.dedent(source))]


def fixed(source: str, *codes: str) -> str:
    return analyzer(codes).fix("t.py", textwrap.dedent(source), frozenset({"safe"})).text


BUDGET = '''\
import anthropic

client = anthropic.Anthropic()
{setup}
client.messages.create(model="claude-sonnet-4-5", messages=[], {call})
'''


@pytest.mark.parametrize(("setup", "call", "expected"), [
    ('', 'max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 4000}', [(5, "CM210")]),
    ('T = {"type": "enabled", "budget_tokens": 4000}', 'max_tokens=2000, thinking=T', [(4, "CM210")]),
    ('T = dict(type="enabled", budget_tokens=4000)', 'max_tokens=2000, thinking=T', [(4, "CM210")]),
    ('K = {"max_tokens": 2000, **{"thinking": {"type": "enabled", "budget_tokens": 4000}}}', '**K', [(4, "CM210")]),
    ('M = 1000 * 2', 'max_tokens=M, thinking={"type": "enabled", "budget_tokens": 4000}', [(5, "CM210")]),
    # assigned twice, rebound by a loop, mutated, or a parameter: not known, so not reported
    ('T = {"type": "enabled", "budget_tokens": 4000}\nT = {"type": "enabled", "budget_tokens": 1024}',
     'max_tokens=2000, thinking=T', []),
    ('M = 2000\nfor M in range(3):\n    pass', 'max_tokens=M, thinking={"type": "enabled", "budget_tokens": 4000}', []),
    ('K = {"max_tokens": 2000}\nK["max_tokens"] = 64000',
     '**K, thinking={"type": "enabled", "budget_tokens": 4000}', []),
    ('K = {"max_tokens": 2000}\nK.update(max_tokens=64000)',
     '**K, thinking={"type": "enabled", "budget_tokens": 4000}', []),
    ('import os\nM = int(os.environ["MAX"])', 'max_tokens=M, thinking={"type": "enabled", "budget_tokens": 4000}', []),
])
def test_values_followed_soundly(setup: str, call: str, expected: list[tuple[int, str]]) -> None:
    assert findings(BUDGET.format(setup=setup, call=call), "CM210") == expected


def test_scopes() -> None:
    source = '''\
    import anthropic

    client = anthropic.Anthropic()
    LIMIT = 2000


    def shadowed(LIMIT):
        return client.messages.create(model="claude-sonnet-4-5", messages=[], max_tokens=LIMIT,
                                      thinking={"type": "enabled", "budget_tokens": 4000})


    def local():
        LIMIT = 1000
        return client.messages.create(model="claude-sonnet-4-5", messages=[], max_tokens=LIMIT,
                                      thinking={"type": "enabled", "budget_tokens": 4000})


    def module_level():
        return client.messages.create(model="claude-sonnet-4-5", messages=[], max_tokens=LIMIT,
                                      thinking={"type": "enabled", "budget_tokens": 4000})


    def rebinds_global():
        global LIMIT
        LIMIT = 64000
    '''
    assert findings(source, "CM210") == [(15, "CM210")]


@pytest.mark.parametrize("receiver", [
    "anthropic.Anthropic()", "client", "self.client", "make_client()",
])
def test_clients_however_built(receiver: str) -> None:
    source = f'''\
    import anthropic

    client = anthropic.Anthropic()
    {receiver}.messages.create(model="claude-sonnet-4-5", messages=[], max_tokens=100, top_k=3,
        thinking={{"type": "enabled", "budget_tokens": 1024}})
    '''
    assert [code for _, code in findings(source, "CM221")] == ["CM221"]


@pytest.mark.parametrize("source", [
    # another service's client, another library's client, and a model that is not Claude
    'import boto3\nc = boto3.client("s3")\nc.converse(modelId="x", inferenceConfig={"thinking": {}})\n',
    'import openai\nc = openai.OpenAI()\nc.messages.create(model="claude-sonnet-4-5", top_k=3, thinking={"type": "enabled"})\n',
    'import litellm\nlitellm.completion(model="gpt-4o", top_k=3, thinking={"type": "enabled", "budget_tokens": 2000})\n',
])
def test_not_a_claude_request(source: str) -> None:
    assert findings(source, "CM201", "CM205", "CM221") == []


def test_shared_dict_gets_an_unsafe_move() -> None:
    source = '''\
    import boto3

    rt = boto3.client("bedrock-runtime")
    CONFIG = {"maxTokens": 100, "thinking": {"type": "enabled", "budget_tokens": 1024}}
    rt.converse(modelId="m", messages=[], inferenceConfig=CONFIG)
    rt.converse_stream(modelId="m", messages=[], inferenceConfig=CONFIG)
    '''
    assert fixed(source, "CM201") == textwrap.dedent(source)


def test_move_keeps_comments_and_layout() -> None:
    source = '''\
    import boto3

    rt = boto3.client("bedrock-runtime")
    rt.converse(
        modelId="m",  # the model
        messages=[],
        inferenceConfig={
            "maxTokens": 4096,  # room for the answer
            "thinking": {"type": "enabled", "budget_tokens": 2048},  # misplaced
        },
        additionalModelRequestFields={
            "top_k": 20,  # sampling
        },
    )
    '''
    assert fixed(source, "CM201") == textwrap.dedent('''\
    import boto3

    rt = boto3.client("bedrock-runtime")
    rt.converse(
        modelId="m",  # the model
        messages=[],
        inferenceConfig={
            "maxTokens": 4096,  # room for the answer
        },
        additionalModelRequestFields={
            "top_k": 20,  # sampling
            "thinking": {"type": "enabled", "budget_tokens": 2048},  # misplaced
        },
    )
    ''')


def test_cycles_end_as_unknown() -> None:
    source = '''\
    import anthropic

    A = {**B}
    B = {"max_tokens": 100, **A}
    L = [*M]
    M = [*L]
    anthropic.Anthropic().messages.create(model="claude-sonnet-4-5", messages=L, tools=M, top_k=3,
                                          thinking={"type": "enabled", "budget_tokens": 2000}, **A)
    '''
    assert findings(source, "CM210", "CM221", "CM403") == [(7, "CM221")]
