"""The command line through its real entry point: the issue's scenario, commands, formats and exit codes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from conftest import AS_OF, run_cli

from claude_migrate.run.rulecache import load as load_rule_set

CONVERSE = '''import boto3

client = boto3.client("bedrock-runtime", region_name="eu-west-1")
response = client.converse(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0", messages=[])
'''


@pytest.mark.parametrize(("target_args", "expected"), [
    (["--target", "claude-4", "--as-of", "2026-03-01"], "eu.anthropic.claude-sonnet-4-20250514-v1:0"),  # still live
    (["--as-of", AS_OF], "eu.anthropic.claude-sonnet-4-6"),
])
def test_converse_scenario(tmp_path: Path, target_args: list[str], expected: str) -> None:
    path = tmp_path / "app.py"
    path.write_text(CONVERSE)
    before = run_cli("check", *target_args, path)
    assert before.returncode == 1
    assert f"{path}:4:36: CM101 [*]" in before.stdout
    fixed = run_cli("fix", *target_args, path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert path.read_text() == CONVERSE.replace("anthropic.claude-3-5-sonnet-20240620-v1:0", expected)
    after = run_cli("check", *target_args, path)
    assert after.returncode == 0
    assert "All checks passed!" in after.stdout


def test_retired_target_fails_with_one_line_per_retired_model(tmp_path: Path) -> None:
    """A target whose models are retired writes none of them and fails, however few findings remain (issue 12)."""
    path = tmp_path / "app.py"
    path.write_text(CONVERSE)
    result = run_cli("fix", "--target", "claude-4", "--as-of", AS_OF, path)
    assert result.returncode == 1
    assert path.read_text() == CONVERSE
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert [line.split(" is ")[0] for line in errors] == ["error: target claude-4: Claude Sonnet 4",
                                                          "error: target claude-4: Claude Opus 4"]
    assert all("retired on the Anthropic API since 2026-06-15" in line and "--target claude-4-6" in line
               for line in errors)
    early = run_cli("check", "--target", "claude-4", "--as-of", "2025-06-01", path)
    assert "warning:" not in early.stderr and "error:" not in early.stderr


def test_rules_lists_every_rule_and_rule_explains_each() -> None:
    listing = run_cli("rules")
    assert listing.returncode == 0
    for rule in load_rule_set().rules:
        assert rule.code in listing.stdout and rule.name in listing.stdout
        explained = run_cli("rule", rule.code.lower())
        assert explained.returncode == 0
        assert explained.stdout.startswith(f"{rule.code} {rule.name}")
        assert "Before" in explained.stdout and "After:" in explained.stdout and rule.sources[0] in explained.stdout
    unknown = run_cli("rule", "CM999")
    assert unknown.returncode == 2 and "unknown rule code" in unknown.stderr


def test_json_output(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(CONVERSE)
    result = run_cli("check", "--output-format", "json", "--as-of", AS_OF, path)
    assert result.returncode == 1
    (finding,) = json.loads(result.stdout)
    assert finding["path"] == str(path)
    assert (finding["line"], finding["column"], finding["end_line"], finding["end_column"]) == (4, 36, 4, 79)
    assert finding["code"] == "CM101" and finding["name"] == "claude-3-model-id"
    assert finding["severity"] == "error" and finding["fix_safety"] == "safe"
    assert finding["fix"]["edits"] == [{
        "start": {"line": 4, "column": 36}, "end": {"line": 4, "column": 79},
        "content": '"eu.anthropic.claude-sonnet-4-6"'}]


def test_diff_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text(CONVERSE)
    result = run_cli("fix", "--diff", "--as-of", AS_OF, path)
    assert result.returncode == 1
    assert '-response = client.converse(modelId="anthropic.claude-3-5-sonnet-20240620-v1:0"' in result.stdout
    assert '+response = client.converse(modelId="eu.anthropic.claude-sonnet-4-6"' in result.stdout
    assert path.read_text() == CONVERSE


def test_select_and_ignore(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text('A = "claude-3-opus-20240229"\nB = "anthropic.claude-sonnet-4-6"\n')
    only_profile = run_cli("check", "--select", "CM104", path)
    assert "CM104" in only_profile.stdout and "CM101" not in only_profile.stdout
    no_ids = run_cli("check", "--ignore", "CM1", path)
    assert no_ids.returncode == 0
    bad = run_cli("check", "--select", "CM0", path)
    assert bad.returncode == 2 and "no rule code starts with 'CM0'" in bad.stderr


def test_file_without_edits_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "clean.py"
    path.write_text('MODEL = "claude-sonnet-4-6"  # mentions claude but needs nothing\n')
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    result = run_cli("fix", path)
    assert result.returncode == 0
    assert path.stat().st_mtime_ns == 1_000_000_000


def test_written_file_keeps_encoding_bom_newlines_and_mode(tmp_path: Path) -> None:
    latin = tmp_path / "latin.py"
    latin.write_bytes(b'# -*- coding: latin-1 -*-\r\nNAME = "caf\xe9"\r\nMODEL = "claude-3-opus-20240229"\r\n')
    latin.chmod(0o751)
    bom = tmp_path / "bom.py"
    bom.write_bytes(b'\xef\xbb\xbfMODEL = "claude-3-opus-20240229"\nX = "\xc3\xa9"\n')
    result = run_cli("fix", latin, bom)
    assert result.returncode == 0, result.stdout + result.stderr
    assert latin.read_bytes() == b'# -*- coding: latin-1 -*-\r\nNAME = "caf\xe9"\r\nMODEL = "claude-opus-4-6"\r\n'
    assert stat.S_IMODE(latin.stat().st_mode) == 0o751
    assert bom.read_bytes() == b'\xef\xbb\xbfMODEL = "claude-opus-4-6"\nX = "\xc3\xa9"\n'


def test_directory_walk_respects_gitignore_and_skips_virtualenvs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("generated/\n")
    for folder in ("src", "generated", ".venv/lib", "node_modules/x"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "m.py").write_text('M = "claude-3-opus-20240229"\n')
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines() if "CM101" in line] == ["src/m.py"]
    explicit = run_cli("check", "generated/m.py", cwd=tmp_path)
    assert "generated/m.py:1:5: CM101" in explicit.stdout


def test_pyproject_configuration(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.claude-migrate]\ntarget = "claude-4-6"\n'
                                             'bedrock-region = "eu-west-1"\nexclude = ["legacy/"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text('M = "claude-3-opus-20240229"\n')
    (tmp_path / "app.py").write_text('M = "anthropic.claude-3-5-sonnet-20240620-v1:0"\n')
    result = run_cli("fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "app.py").read_text() == 'M = "eu.anthropic.claude-sonnet-4-6"\n'
    assert "claude-3-opus" in (tmp_path / "legacy" / "old.py").read_text()


def test_bad_configuration_names_file_line_and_key(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.claude-migrate]\ntargte = "claude-4"\n')
    result = run_cli("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"claude-migrate: error: {tmp_path / 'pyproject.toml'}:5: key 'targte': "
                                      "unknown key in [tool.claude-migrate] (known: target, select, ignore, exclude, "
                                      "bedrock-region, bedrock-profile-prefix, extra-rule-dirs, overrides, file-types, "
                                      "fail-within, sdk-version)")


@pytest.mark.parametrize(("args", "content", "code"), [
    (["check"], 'M = "claude-sonnet-4-6"\n', 0),
    (["check"], 'M = "claude-3-opus-20240229"\n', 1),
    (["check", "--exit-zero"], 'M = "claude-3-opus-20240229"\n', 0),
    (["fix"], 'M = "claude-3-opus-20240229"\n', 0),
    (["fix"], 'M = "claude-3-haiku-20240307"\n', 1),
    (["fix", "--unsafe-fixes"], 'M = "claude-3-haiku-20240307"\n', 0),
    (["fix", "--diff"], 'M = "claude-3-opus-20240229"\n', 1),
    (["fix", "--diff"], 'M = "claude-sonnet-4-6"\n', 0),
    (["check"], 'def broken(:\n    "claude-3-opus-20240229"\n', 1),
    (["fix", "--exit-zero"], 'def broken(:\n    "claude-3-opus-20240229"\n', 0),  # as Ruff: --exit-zero is 0
    (["check", "--target", "claude-9"], 'M = "claude-3-opus-20240229"\n', 2),
    (["check", "--as-of", "yesterday"], 'M = "claude-3-opus-20240229"\n', 2),
    (["check", "--no-such-option"], 'M = "claude-3-opus-20240229"\n', 2),
    (["check", "--output-format", "sarif"], 'M = "claude-3-opus-20240229"\n', 1),
    (["check", "--output-format", "github", "--exit-zero"], 'M = "claude-3-opus-20240229"\n', 0),
    (["check", "--output-format", "bogus"], 'M = "claude-3-opus-20240229"\n', 2),
    (["check", "--output-file", "/no/such/folder/out.json"], 'M = "claude-3-opus-20240229"\n', 2),
    (["check", "--statistics"], 'M = "claude-3-opus-20240229"\n', 1),
    (["check"], 'M = "claude-3-opus-20240229"  # claude-migrate: ignore[CM101]\n', 0),
    (["check"], 'M = "claude-sonnet-4-6"  # claude-migrate: ignore[CM101]\n', 1),
    (["check", "--add-ignore"], 'M = "claude-3-opus-20240229"\n', 0),
    (["check", "--add-ignore", "--diff-base", "HEAD"], 'M = "claude-3-opus-20240229"\n', 2),
    (["check", "--diff-base", "main"], 'M = "claude-3-opus-20240229"\n', 2),
    (["fix", "--exit-non-zero-on-fix"], 'M = "claude-3-opus-20240229"\n', 1),
    (["fix", "--exit-non-zero-on-fix"], 'M = "claude-sonnet-4-6"\n', 0),
    (["config"], 'M = "claude-3-opus-20240229"\n', 0),
    (["config", "--config", "missing.toml"], 'M = "claude-3-opus-20240229"\n', 2),
])
def test_exit_codes(tmp_path: Path, args: list[str], content: str, code: int) -> None:
    path = tmp_path / "m.py"
    path.write_text(content)
    result = run_cli(*args, path)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_unprocessable_files_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text('def broken(:\n    M = "claude-3-opus-20240229"\n')
    (tmp_path / "good.py").write_text('M = "claude-3-opus-20240229"\n')
    result = run_cli("check", tmp_path, tmp_path / "missing.py")
    assert result.returncode == 1
    assert f"{tmp_path / 'broken.py'}: error: syntax error at line 1" in result.stderr
    assert f"{tmp_path / 'missing.py'}: error: no such file or directory" in result.stderr
    assert f"{tmp_path / 'good.py'}:1:5: CM101" in result.stdout


def test_python_dash_m_and_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("claude-migrate ")


def test_output_never_contradicts_itself(tmp_path: Path) -> None:
    """A missing path is an error, not "All checks passed!"; `fix --diff` says what would change, having written
    nothing."""
    missing = run_cli("check", "missing.py", cwd=tmp_path)
    assert missing.returncode == 1
    assert "All checks passed!" not in missing.stdout
    assert "missing.py: error: no such file or directory" in missing.stderr
    for index in range(2):
        (tmp_path / f"m{index}.py").write_text('M = "claude-3-opus-20240229"\n')
    diff = run_cli("fix", "--diff", "--as-of", AS_OF, ".", cwd=tmp_path)
    assert "Would fix 2 findings in 2 files" in diff.stdout
    assert "0 from cache, 2 would change." in diff.stderr and "CM101 2 (2 would fix)." in diff.stderr
    assert (tmp_path / "m0.py").read_text() == 'M = "claude-3-opus-20240229"\n'
