"""Fixture projects: several files checked and fixed together, as `claude-migrate fix .` meets a real tree.
Each ``fixtures/projects/NAME`` has ``in/`` (the tree), ``out/`` (the tree after a plain fix), ``findings``
(``path:line:col CODE safety role`` for each finding of ``check`` on ``in/``) and, where some fixes are unsafe,
``out-unsafe/`` (the tree after ``fix --unsafe-fixes``). ``pytest --update-fixtures`` rewrites ``out/``,
``out-unsafe/`` and ``findings`` for a reviewer to read in the diff. After the fix the project's own tests
still pass: a safe fix keeps the program's meaning."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import AS_OF, FIXTURES, invoke

PROJECTS = sorted(path for path in (FIXTURES / "projects").iterdir() if path.is_dir())


def tree(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*"))
            if path.is_file() and not any(part.startswith((".", "__pycache__")) for part in path.relative_to(root).parts)}


@pytest.mark.parametrize("project", PROJECTS, ids=[project.name for project in PROJECTS])
def test_project(project: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    work = tmp_path / project.name
    shutil.copytree(project / "in", work)
    checked = invoke("check", "--as-of", AS_OF, "--output-format", "json", ".", cwd=work)
    reported = json.loads(checked.stdout)
    found = [f"{item['path']}:{item['line']}:{item['column']} {item['code']} {item['fix_safety']} {item['role']}"
             for item in reported]
    fixed = invoke("fix", "--as-of", AS_OF, ".", cwd=work)
    assert fixed.returncode in (0, 1), fixed.stderr
    if request.config.getoption("--update-fixtures"):
        (project / "findings").write_text("".join(line + "\n" for line in found), encoding="utf-8")
        shutil.rmtree(project / "out")
        shutil.copytree(work, project / "out", ignore=shutil.ignore_patterns(".*", "__pycache__"))
    assert found == (project / "findings").read_text(encoding="utf-8").splitlines()
    assert tree(work) == tree(project / "out")
    safe = sum(1 for item in reported if item["fix_safety"] == "safe")
    assert f"Fixed {safe} finding" in fixed.stdout, "check and fix agree on what a plain fix changes"
    again = invoke("fix", "--as-of", AS_OF, ".", cwd=work)
    assert "Fixed 0 findings in 0 files" in again.stdout
    unsafe = sum(1 for item in reported if item["fix_safety"] == "unsafe")
    if unsafe or (project / "out-unsafe").is_dir():
        _check_unsafe_fixes(project, tmp_path, safe + unsafe, request.config.getoption("--update-fixtures"))
    if (work / "tests").is_dir():
        tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=work,
                               capture_output=True, text=True, timeout=120)
        assert tests.returncode == 0, tests.stdout


def _check_unsafe_fixes(project: Path, tmp_path: Path, fixable: int, update: bool) -> None:
    """``fix --unsafe-fixes`` on a fresh copy gives ``out-unsafe/`` and applies every safe and unsafe fix."""
    work = tmp_path / "unsafe" / project.name
    shutil.copytree(project / "in", work)
    fixed = invoke("fix", "--as-of", AS_OF, "--unsafe-fixes", ".", cwd=work)
    assert fixed.returncode in (0, 1), fixed.stderr
    if update:
        shutil.rmtree(project / "out-unsafe", ignore_errors=True)
        shutil.copytree(work, project / "out-unsafe", ignore=shutil.ignore_patterns(".*", "__pycache__"))
    assert tree(work) == tree(project / "out-unsafe")
    assert f"Fixed {fixable} finding" in fixed.stdout, "check and fix --unsafe-fixes agree on what they change"
