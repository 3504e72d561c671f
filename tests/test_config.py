"""Configuration through the real CLI: found upwards from the files, per-path overrides, `claude-migrate config`."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AS_OF, run_cli

PYPROJECT = '''[project]
name = "demo"

[tool.claude-migrate]
target = "claude-4"
ignore = ["CM104"]

[[tool.claude-migrate.overrides]]
paths = ["legacy/"]
target = "claude-4-5"

[[tool.claude-migrate.overrides]]
paths = ["*_test.py"]
ignore = ["CM1"]
'''
OPUS = 'M = "claude-3-opus-20240229"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for folder in ("legacy", "src"):
        (root / folder).mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT)
    for name in ("legacy/old.py", "src/app.py", "src/app_test.py"):
        (root / name).write_text(OPUS)
    return root


def test_overrides_and_config_found_upwards_from_the_files(project: Path) -> None:
    live = "2026-03-01"  # a day when the claude-4 target's models were still served (later, nothing writes them)
    result = run_cli("fix", "--as-of", live, "project/legacy/old.py", "project/src", cwd=project.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "legacy/old.py").read_text() == 'M = "claude-opus-4-5-20251101"\n'
    assert (project / "src/app.py").read_text() == 'M = "claude-opus-4-20250514"\n'
    assert (project / "src/app_test.py").read_text() == OPUS
    (project / "src/app.py").write_text(OPUS)
    command_line_wins = run_cli("fix", "--target", "claude-4-6", "--as-of", live, "legacy", "src/app.py",
                                cwd=project)
    assert command_line_wins.returncode == 0
    assert (project / "legacy/old.py").read_text() == 'M = "claude-opus-4-6"\n'
    assert (project / "src/app.py").read_text() == 'M = "claude-opus-4-6"\n'


def test_config_command_prints_settings_with_origins(project: Path) -> None:
    config = project / "pyproject.toml"
    result = run_cli("config", "src/app_test.py", cwd=project)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"# configuration file: {config}",
        "# settings for src/app_test.py",
        "[tool.claude-migrate]",
        f'target = "claude-4"  # {config}:5',
        "select = []  # default",
        f'ignore = ["CM1"]  # {config}:12',
        "exclude = []  # default",
        "bedrock-region = (not set)  # default",
        "bedrock-profile-prefix = (not set)  # default",
        "extra-rule-dirs = []  # default",
        'file-types = ["python", "notebook", "env", "yaml", "json", "toml", "ini"]  # default',
        "fail-within = (not set)  # default",
        "sdk-version = (not set)  # default",
        "",
        f"[[tool.claude-migrate.overrides]]  # {config}:8",
        'paths = ["legacy/"]',
        'target = "claude-4-5"',
        "",
        f"[[tool.claude-migrate.overrides]]  # {config}:12",
        'paths = ["*_test.py"]',
        'ignore = ["CM1"]',
    ]
    bare = run_cli("config", cwd=project.parent)
    assert bare.stdout.splitlines()[:3] == ["# configuration file: (none found)", "[tool.claude-migrate]",
                                            'target = "claude-4-6"  # default of the rule data '
                                            "(rules/catalogue/targets.yaml)"]


@pytest.mark.parametrize(("table", "line", "key", "message"), [
    ('paths = ["a/"]\ntargte = "claude-4"\n', 10, "targte",
     "unknown key in [[tool.claude-migrate.overrides]] (known: paths, target, select, ignore)"),
    ('target = "claude-4"\n', 8, "paths", 'each override needs paths = ["glob", ...]'),
    ('paths = "a/"\n', 9, "paths", "expected a list of strings"),
])
def test_bad_override_names_file_line_and_key(project: Path, table: str, line: int, key: str, message: str) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT.split("[[")[0] + "[[tool.claude-migrate.overrides]]\n" + table)
    result = run_cli("config", cwd=project)
    assert result.returncode == 2
    assert result.stderr.strip() == f"claude-migrate: error: {project / 'pyproject.toml'}:{line}: key '{key}': {message}"


def test_unknown_target_in_an_override_says_where(project: Path) -> None:
    (project / "pyproject.toml").write_text(PYPROJECT.replace('target = "claude-4-5"', 'target = "claude-5"'))
    result = run_cli("check", "src", cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith(f"claude-migrate: error: {project / 'pyproject.toml'}:8: key 'target': unknown target 'claude-5'")
