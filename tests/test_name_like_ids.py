"""What CM103's message tells the reviewer of an unsafe fix of a Claude API spelling that is no ID: where else the
file writes it, and that the code does not show which client sends it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import invoke

SOURCE = '''from anthropic import Anthropic

MODEL = "claude-sonnet-4.5"
ALIASES = ["claude-sonnet-4.5", "sonnet"]


def shown(question):
    return Anthropic().messages.create(model=MODEL, max_tokens=64, messages=[{"role": "user", "content": question}])


def not_shown(client, question):
    return client.messages.create(model="claude-3-opus", max_tokens=64, messages=[{"role": "user", "content": question}])
'''


def test_the_message_names_the_files_other_writings_and_an_unseen_client(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(SOURCE)
    result = invoke("check", "--as-of", "2026-03-01", "--output-format", "json", path)
    found = {item["line"]: (item["fix_safety"], item["message"]) for item in json.loads(result.stdout)}
    assert sorted(found) == [3, 12]
    safety, message = found[3]
    assert safety == "unsafe"
    assert "`claude-sonnet-4.5` is also written once more in this file where no request sends it" in message
    assert "does not show which client" not in message
    safety, message = found[12]
    assert safety == "unsafe"
    assert "the code does not show which client sends it" in message
    assert "is also written" not in message
