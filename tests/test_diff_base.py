"""Pull-request mode in a real temporary git repository: only findings on added or changed lines count."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import AS_OF, run_cli

from claude_migrate.run.gitdiff import parse_diff

OLD = 'OLD = "claude-3-opus-20240229"\n'


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True,
                   capture_output=True)


def test_only_added_and_changed_lines_are_reported(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "app.py").write_text(OLD + "X = 1\n")
    (tmp_path / "moved.py").write_text(OLD + "Y = 2\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    git(tmp_path, "checkout", "-q", "-b", "feature")
    (tmp_path / "app.py").write_text(OLD + 'NEW = "claude-3-5-sonnet-20241022"\nX = 1\n')
    git(tmp_path, "mv", "moved.py", "renamed.py")
    git(tmp_path, "commit", "-q", "-am", "feature work")
    (tmp_path / "app.py").write_text(OLD + 'NEW = "claude-3-5-sonnet-20241022"\nX = "claude-3-haiku-20240307"\n')
    (tmp_path / "brand new.py").write_text(OLD)

    result = run_cli("check", "--diff-base", "main", "--output-format", "concise", "--as-of", AS_OF, ".",
                     cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert [line.split(": CM")[0] for line in result.stdout.splitlines()[:-1]] == [
        "app.py:2:7", "app.py:3:5", "brand new.py:1:7"]
    everything = run_cli("check", "--output-format", "concise", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert len(everything.stdout.splitlines()) == 6  # five findings and the summary: the old ones are there

    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "all")
    clean = run_cli("check", "--diff-base", "HEAD", "--as-of", AS_OF, "app.py", cwd=tmp_path)
    assert clean.returncode == 0 and "All checks passed!" in clean.stdout

    unknown = run_cli("check", "--diff-base", "no-such-branch", ".", cwd=tmp_path)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == ("claude-migrate: error: --diff-base no-such-branch: no such commit in the git "
                                      f"repository at {tmp_path}")


def test_diff_outside_git_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(OLD)
    result = run_cli("check", "--diff-base", "main", "app.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("claude-migrate: error: --diff-base main: not a git repository")


def test_hunk_bodies_and_quoted_names_are_parsed() -> None:
    diff = ('diff --git a/p.py b/q.py\n--- a/p.py\n+++ b/q.py\n@@ -1,0 +2 @@\n+++ x\n'
            'diff --git a/sp ace.py b/sp ace.py\n--- a/sp ace.py\t\n+++ b/sp ace.py\t\n@@ -2 +2,2 @@ a\n-b\n+B\n+c\n'
            '--- "a/we\\"ird.py"\n+++ "b/we\\"ird.py"\n@@ -3,2 +2,0 @@\n-x\n-y\n\\ No newline at end of file\n'
            '--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-z\n')
    assert parse_diff(diff) == {"q.py": {2}, "sp ace.py": {2, 3}, 'we"ird.py': set()}


def test_a_pull_request_check_reads_only_the_files_it_changes(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    for index in range(6):
        (tmp_path / f"m{index}.py").write_text(OLD)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    (tmp_path / "m0.py").write_text(OLD + 'NEW = "claude-3-5-sonnet-20241022"\n')
    (tmp_path / "m1.py").write_text(OLD + "X = 1\n")
    result = run_cli("check", "--diff-base", "main", "--as-of", AS_OF, "--no-cache", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert "Scanned 2 files" in result.stderr and "2 parsed" in result.stderr, result.stderr
    assert "m0.py:2:7: CM101" in result.stdout and "m1.py" not in result.stdout
