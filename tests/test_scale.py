"""Runs over many files: job count and file order do not change the output; the cache answers unchanged
files without parsing; progress only on a terminal."""

from __future__ import annotations

import json
import os
import pty
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, run_cli

from claude_migrate.run.cache import CACHE_DIR, StatIndex, digest
from claude_migrate.run.processing import TokenFilter, _automaton, imports_any
from claude_migrate.run.rulecache import load as load_rule_set
from claude_migrate.run.progress import Progress

PYTHON = '''import boto3

client = boto3.client("bedrock-runtime", region_name="{region}")
client.converse(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", messages=[])
FALLBACK = "claude-3-haiku-20240307"
'''
NOTEBOOK = {"cells": [{"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}, "outputs": [],
                       "source": ["!pip install anthropic\n", "MODEL = \"claude-3-opus-20240229\""]}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _tree(root: Path, count: int) -> list[Path]:
    """``count`` Python files with findings (regions vary), a notebook, a YAML file, and files with none."""
    files = []
    for index in range(count):
        folder = root / f"pkg{index % 3}"
        folder.mkdir(exist_ok=True)
        path = folder / f"mod{index}.py"
        path.write_text(PYTHON.format(region=("eu-west-1", "us-east-1", "ap-northeast-1")[index % 3]))
        files.append(path)
    (root / "demo.ipynb").write_text(json.dumps(NOTEBOOK, indent=1) + "\n")
    (root / "llm.yaml").write_text("model: claude-3-5-sonnet-20241022\n")
    (root / "plain.py").write_text("print('no model here')\n")
    return [*files, root / "demo.ipynb", root / "llm.yaml", root / "plain.py"]


def _stats(stderr: str) -> dict[str, int]:
    line = next(line for line in stderr.splitlines() if line.startswith("Scanned "))
    return {name: int(number) for number, name in re.findall(r"(\d+) (candidates|parsed|from cache|changed)", line)}


def test_output_is_the_same_for_any_job_count_and_file_order(tmp_path: Path) -> None:
    files = _tree(tmp_path, 24)
    shuffled = files[:]
    random.Random(5).shuffle(shuffled)
    one = run_cli("check", "--no-cache", "--jobs", "1", "--as-of", AS_OF, *files, cwd=tmp_path)
    two = run_cli("check", "--no-cache", "--jobs", "2", "--as-of", AS_OF, *shuffled, cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert one.stdout.count("CM101") == 2 * 24 + 2
    assert "parsed by 1 process," in one.stderr and "parsed by 2 processes" in two.stderr
    paths = [line.split(":")[0] for line in one.stdout.splitlines() if ": CM" in line]
    assert paths == sorted(paths, key=lambda p: p.split(os.sep))


def test_second_run_parses_nothing_and_a_change_invalidates_only_that_file(tmp_path: Path) -> None:
    files = _tree(tmp_path, 4)
    first = run_cli("check", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert _stats(first.stderr) == {"candidates": 6, "parsed": 6, "from cache": 0, "changed": 0}
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"

    second = run_cli("check", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert _stats(second.stderr) == {"candidates": 6, "parsed": 0, "from cache": 6, "changed": 0}
    assert second.stdout == first.stdout

    files[0].write_text(files[0].read_text().replace("claude-3-haiku-20240307", "claude-haiku-4-5"))
    third = run_cli("check", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert _stats(third.stderr) == {"candidates": 6, "parsed": 1, "from cache": 5, "changed": 0}
    assert third.stdout.count("CM101") == first.stdout.count("CM101") - 1

    uncached = run_cli("check", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert _stats(uncached.stderr)["parsed"] == 6 and uncached.stdout == third.stdout


def test_candidates_holding_no_id_a_rule_reports_are_not_parsed(tmp_path: Path) -> None:
    (tmp_path / "policy.py").write_text('POLICY = {"Resource": "arn:aws:bedrock:*::foundation-model/anthropic.claude-*"}\n'
                                        'def broken(:  # never parsed, so never reported\n')
    (tmp_path / "current.py").write_text('MODEL = "claude-sonnet-4-6"\nFAST = "claude-haiku-4-5"\n')
    (tmp_path / "app.py").write_text('M = f"{geo}.anthropic.claude-3-5-sonnet-20240620-v1:0"\n')
    # request-shape triggers, but no import a request's client comes from: no request rule can report here
    (tmp_path / "other_sdk.py").write_text('import openai  # not anthropic\nopenai.chat(max_tokens=10, temperature=0.3,\n'
                                           '    top_p=0.5, thinking={"type": "enabled"}, betas=[])\ndef broken(:\n')
    result = run_cli("check", "--no-cache", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert "4 candidates, 1 parsed by 1 process, 0 from cache, 3 needed no parse, 0 changed." in result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines() if ": CM" in line] == ["app.py"]


CLIENT_MODULES = ("anthropic", "boto3", "langchain_anthropic", "langchain_aws", "litellm")


@pytest.mark.parametrize(("text", "imports"), [
    ("import boto3\n", True), ("from anthropic.types import ToolParam\n", True), ("import os as o, boto3 as b\n", True),
    ("import \\\n    litellm\n", True), ('  "from langchain_aws import ChatBedrockConverse\\n",\n', True),  # notebook JSON
    ('POLICY = "bedrock:InvokeModel on anthropic.claude-*"\n', False), ("import boto3x\n", False),
    ("# we call boto3 elsewhere\n", False), ("the important anthropic models\n", False),
])
def test_the_import_gate_of_request_rules(text: str, imports: bool) -> None:
    """Request rules skip files that import no client module; the gate may let a file through wrongly, but
    must never turn one away that a request could be recognised in."""
    assert imports_any(text, CLIENT_MODULES) is imports


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_the_one_pass_prefilter_agrees_with_the_token_loop() -> None:
    """The multi-pattern search (ahocorasick-rs: the `fast` extra, which the test extra installs where it has a
    wheel) and the stdlib loop that runs without it pick the same files: every fixture, and tokens that overlap or
    stand alone."""
    pytest.importorskip("ahocorasick_rs")
    from claude_migrate.engine.config_files import id_rules

    rules = load_rule_set().rules
    samples = [path.read_bytes() for path in sorted(FIXTURES.rglob("*")) if path.is_file()]
    samples += [b"anthropic.claude-3", b"xx claudeyy", b"import boto3\nx = {'maxTokens': 1}", b"maxTokens = 1",
                b"import boto3\n", b"", b"litellm temperature", b"interleaved-thinking-2025-05-14"]
    for token_filter in (TokenFilter.of(rules), TokenFilter.of(id_rules(rules))):
        assert _automaton(token_filter.words) is not None
        answers = [token_filter.matches(raw) for raw in samples]
        assert answers == [token_filter.matches_each(raw) for raw in samples]
        assert any(answers) and not all(answers)


def test_the_pre_commit_run_imports_neither_typer_nor_pathspec(tmp_path: Path) -> None:
    """typer and click cost about 0.1 s of start-up, pathspec more; a plain `check FILE` needs neither."""
    (tmp_path / "app.py").write_text('import anthropic\n\nMODEL = "claude-3-5-sonnet-20240620"\n')
    probe = ("import atexit, sys; atexit.register(lambda: print(sorted(m for m in ('typer', 'click', 'pathspec') "
             "if m in sys.modules), file=sys.stderr)); sys.argv = ['claude-migrate', 'check', 'app.py']; "
             "from claude_migrate.cli import main; main()")
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache")})
    assert result.returncode == 1 and "CM101" in result.stdout, result.stderr
    assert result.stderr.splitlines()[-1] == "[]"


def test_the_pre_commit_run_over_files_without_old_ids_never_imports_libcst(tmp_path: Path) -> None:
    """Its start-up is the hook's cost on every commit; libcst alone takes about 0.3 s to import. The rules come
    from the user's rule pickle from the second run on, and unpickling them must not import the rule kinds."""
    (tmp_path / "plain.py").write_text("print('no model here')\n")
    (tmp_path / "current.py").write_text('MODEL = "claude-sonnet-4-6"\n')
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    probe = ("import atexit, sys; atexit.register(lambda: print('libcst' in sys.modules, file=sys.stderr)); "
             "sys.argv = ['claude-migrate', 'check', 'plain.py', 'current.py']; "
             "from claude_migrate.cli import main; main()")
    for _ in range(2):  # the first run writes the rule pickle, the second reads it
        result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == "False"


def test_corrupt_cache_entries_are_misses(tmp_path: Path) -> None:
    _tree(tmp_path, 2)
    first = run_cli("check", "--as-of", AS_OF, ".", cwd=tmp_path)
    entries = sorted((tmp_path / CACHE_DIR).rglob("*.json"))
    assert entries
    for index, entry in enumerate(entries):
        entry.write_bytes([b"", b"{not json", b'{"findings": 3}', b"[]"][index % 4])
    again = run_cli("check", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert "Traceback" not in again.stderr and again.stdout == first.stdout
    assert _stats(again.stderr)["parsed"] == len(entries)


def test_entries_written_for_another_user_never_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository that ships a .claude_migrate_cache/ cannot feed its results (or fixed texts) to a run."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _tree(repo, 2)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "author"))
    run_cli("check", "--as-of", AS_OF, ".", cwd=repo)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    result = run_cli("check", "--as-of", AS_OF, ".", cwd=repo)
    assert _stats(result.stderr) == {"candidates": 4, "parsed": 4, "from cache": 0, "changed": 0}


def test_fix_fills_the_cache_for_the_fixed_files_and_clean_removes_it(tmp_path: Path) -> None:
    _tree(tmp_path, 3)
    fixed = run_cli("fix", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert _stats(fixed.stderr)["changed"] == 5
    recheck = run_cli("check", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert _stats(recheck.stderr)["parsed"] == 0
    assert recheck.stdout.count("CM101") == 3  # the unsafe Haiku fixes remain
    cleaned = run_cli("clean", cwd=tmp_path)
    assert cleaned.returncode == 0 and not (tmp_path / CACHE_DIR).exists()


def test_stat_index_answers_unchanged_files_and_notices_changes(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text('M = "claude-3-opus-20240229"\n')
    os.utime(source, ns=(1_000_000_000, 1_000_000_000))  # older than the racy-write window
    index = StatIndex(tmp_path, "key")
    content = digest("python", source.read_bytes())
    index.record(str(source), source.stat(), content)
    index.save([str(tmp_path)])
    reloaded = StatIndex(tmp_path, "key")
    assert reloaded.lookup(str(source), source.stat()) == content
    source.write_text('M = "claude-3-opus-20240229"  # edited\n')
    assert reloaded.lookup(str(source), source.stat()) is None
    reloaded.record(str(source), source.stat(), "x")  # just written: too fresh to trust, not recorded
    assert str(source) not in reloaded.entries


@pytest.mark.parametrize(("terminal", "ci", "shown"), [(True, None, True), (True, "true", False), (False, None, False)])
def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch, terminal: bool,
                                                    ci: str | None, shown: bool) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    leader, follower = pty.openpty() if terminal else os.pipe()
    with os.fdopen(follower, "w") as stream:
        assert (Progress.for_run(True, stream).stream is not None) is shown
        assert Progress.for_run(False, stream).stream is None
    os.close(leader)
