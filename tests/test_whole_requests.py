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


def test_in_a_notebook_the_held_back_message_names_the_cell_and_its_line(tmp_path: Path) -> None:
    """The blocking finding is named as the reader finds it: by cell and line in the cell, not in the module the
    cells make together."""
    code = [["from anthropic import Anthropic\n", "client = Anthropic()\n"],
            ["\n", 'client.messages.create(model="claude-3-opus-20240229", max_tokens=5, temperature=0.2, top_p=0.9,\n',
             "                       messages=[])\n"]]
    cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# A notebook\n"]}] + [
        {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}
        for source in code]
    path = tmp_path / "demo.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    result = invoke("check", "--as-of", AS_OF, "--sdk-version", "0.75.0", "--output-format", "json", path)
    messages = {item["code"]: (item["cell"], item["line"], item["message"]) for item in json.loads(result.stdout)}
    assert messages["CM224"][:2] == (3, 2)
    assert "the request also has CM224 (cell 3, line 2)" in messages["CM101"][2]
