"""This repository's pre-commit hooks through the real pre-commit, in a temporary git repository, offline.

A ``repo: local`` configuration takes each hook's entry, types and the rest from this repository's
``.pre-commit-hooks.yaml`` (``language: system`` with the test environment's ``bin`` on PATH, so nothing is
downloaded); a ``git commit`` then runs them as a developer's commit would.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import AS_OF, FIXTURES, REPO

from claude_migrate.run.filetypes import file_type

SONNET_35 = '''import anthropic

client = anthropic.Anthropic()
reply = client.messages.create(model="claude-3-5-sonnet-20241022", max_tokens=1024, messages=[])
'''


def _local_config() -> str:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    local = [{**hook, "language": "system", "args": ["--as-of", AS_OF]} for hook in hooks]
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]})


def test_check_hook_fails_and_fix_hook_rewrites_a_claude_35_call(tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PRE_COMMIT_HOME": str(tmp_path / "cache"), "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "NO_COLOR": "1"}
    repo = tmp_path / "repo"
    repo.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(args, cwd=repo, env=env, capture_output=True, text=True, timeout=300)

    run("git", "init", "-q", "-b", "main")
    (repo / ".pre-commit-config.yaml").write_text(_local_config())
    run("git", "add", ".")
    assert run("git", "commit", "-q", "--no-verify", "-m", "config").returncode == 0
    assert run(sys.executable, "-m", "pre_commit", "install").returncode == 0

    (repo / "app.py").write_text(SONNET_35)
    (repo / "notes.txt").write_text("claude-3-5-sonnet-20241022 in a text file: not for these hooks\n")
    shutil.copyfile(FIXTURES / "notebooks" / "magics_outputs.in.ipynb", repo / "demo.ipynb")
    (repo / ".env").write_text("ANTHROPIC_MODEL=claude-3-5-sonnet-20241022\n")
    run("git", "add", "app.py", "notes.txt", "demo.ipynb", ".env")
    rejected = run("git", "commit", "-m", "call Claude")
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode == 1, output
    assert "claude-migrate (check)" in output and "app.py:4:38: CM101 [*]" in output, output
    assert "demo.ipynb:cell " in output and ".env:1:17: CM101 [*]" in output, output
    assert "claude-migrate (fix)" in output and "files were modified by this hook" in output
    assert output.count("Failed") == 2
    assert (repo / "app.py").read_text() == SONNET_35.replace("claude-3-5-sonnet-20241022", "claude-sonnet-4-6")
    assert (repo / ".env").read_text() == "ANTHROPIC_MODEL=claude-sonnet-4-6\n"
    assert (repo / "demo.ipynb").read_bytes() == (FIXTURES / "notebooks" / "magics_outputs.out.ipynb").read_bytes()

    run("git", "add", "app.py", "demo.ipynb", ".env")
    accepted = run("git", "commit", "-m", "call Claude 4")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert (accepted.stdout + accepted.stderr).count("Passed") == 2


def test_the_hooks_see_exactly_the_files_a_run_reads() -> None:
    """The hooks' ``files`` pattern and the tool's own file types agree: nothing it reads is kept from it."""
    names = ["app.py", "stubs.pyi", "demo.ipynb", ".env", ".env.local", "config/.env.prod", "prod.env", "llm.yaml",
             "ci.yml", "settings.json", "pyproject.toml", "setup.cfg", "tox.ini", "APP.PY", "notes.txt", "env",
             "Makefile", "image.png", "README.md", "env.py.bak", "environment"]
    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")):
        pattern = re.compile(hook["files"])
        assert "types" not in hook and "types_or" not in hook
        for name in names:
            assert (pattern.search(name) is not None) == (file_type(name.rpartition("/")[2]) is not None), name
