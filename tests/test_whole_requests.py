"""A request moves as a whole, in both directions: the model moves only with the fields its new model needs, and a
fix chosen for the new model (a flag it ignores, a tool version it accepts) is written only with the model."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import AS_OF, invoke

SONNET_4_WITH_1M = '''import anthropic

client = anthropic.Anthropic()
client.beta.messages.create(model="claude-sonnet-4-20250514", max_tokens=1024, messages=[],
                            betas=["context-1m-2025-08-07"])
'''


def findings(path: Path, *args: str) -> dict[str, str]:
    """``code -> fix_safety`` of a ``check`` run on ``path``."""
    result = invoke("check", "--as-of", AS_OF, "--output-format", "json", *args, path)
    return {item["code"]: item["fix_safety"] for item in json.loads(result.stdout)}


def test_a_flag_the_new_model_ignores_goes_only_with_the_model(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SONNET_4_WITH_1M)
    # both in the run: the model moves to Sonnet 4.6, whose 1M window needs no flag
    assert findings(path) == {"CM102": "safe", "CM315": "safe"}
    # the model rule is not in the run: removing the flag would turn Sonnet 4's 1M window off
    assert findings(path, "--select", "CM315") == {"CM315": "manual"}
    invoke("fix", "--as-of", AS_OF, "--select", "CM315", path)
    assert path.read_text() == SONNET_4_WITH_1M
    invoke("fix", "--as-of", AS_OF, path)
    assert path.read_text() == SONNET_4_WITH_1M.replace("claude-sonnet-4-20250514", "claude-sonnet-4-6").replace(
        ',\n                            betas=["context-1m-2025-08-07"])', ")")


def test_a_suppressed_model_keeps_its_flag(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SONNET_4_WITH_1M.replace("max_tokens=1024, messages=[],",
                                             "max_tokens=1024, messages=[],  # claude-migrate: ignore[CM102]"))
    before = path.read_text()
    assert findings(path) == {"CM315": "manual"}
    invoke("fix", "--as-of", AS_OF, path)
    assert path.read_text() == before


def test_a_model_whose_request_keeps_a_manual_error_does_not_move_even_with_unsafe_fixes(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    source = '''import anthropic

client = anthropic.Anthropic()
client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=1024, temperature=0, messages=[])
client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=1024, messages=[])
'''
    path.write_text(source)
    args = ("--target", "claude-5-5", "--unsafe-fixes")
    result = invoke("fix", "--as-of", AS_OF, *args, path)
    assert "CM225" in result.stdout, result.stdout
    # the second request moves (the claude-5-5 target's fixes are unsafe); the first would answer 400 on Sonnet 5.5
    assert path.read_text() == source.replace(
        'model="claude-3-5-sonnet-20241022", max_tokens=1024, messages=[]',
        'model="claude-sonnet-5-5", max_tokens=1024, messages=[]')
