"""Every fixture pair through the real CLI: the fix gives the expected file, a second fix changes nothing."""

from __future__ import annotations

import ast
import json
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, run_cli
from fixture_cases import FixtureCase, fixture_cases

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CASES = fixture_cases()


def assert_valid(name: str, text: str) -> None:
    """The expected output is a valid file of its type."""
    if name.endswith(".py"):
        ast.parse(text)
    elif name.endswith((".ipynb", ".json")):
        json.loads(text)
    elif name.endswith((".yaml", ".yml")):
        yaml.safe_load(text)
    elif name.endswith(".toml"):
        tomllib.loads(text)


def test_every_fixture_has_its_expected_output() -> None:
    assert CASES, "no fixtures found"
    missing = [case.id for case in CASES if not case.expected.is_file()]
    assert not missing, f"fixtures without their .out file: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fixture(case: FixtureCase, tmp_path: Path) -> None:
    work = tmp_path / case.work_name
    shutil.copyfile(case.source, work)
    dated = [*case.args, "--as-of", AS_OF] if "--as-of" not in case.args else case.args  # a fixture's own date wins
    first = run_cli("fix", *dated, work)
    assert first.returncode in (0, 1), first.stderr
    # a target whose model is retired on the fixture's date is reported as "error: target ..." (and exits 1)
    assert not [line for line in first.stderr.splitlines() if "error" in line and not line.startswith("error: target ")]
    expected = case.expected.read_text(encoding="utf-8")
    assert work.read_bytes() == case.expected.read_bytes()
    assert_valid(case.work_name, expected)

    second = run_cli("fix", *dated, work)
    assert work.read_bytes() == case.expected.read_bytes()
    assert "Fixed 0 findings in 0 files" in second.stdout

    check_args = [arg for arg in dated if arg != "--unsafe-fixes"]
    if case.id.split("/")[-1].startswith("ok_"):
        clean = run_cli("check", *check_args, case.source)
        assert clean.returncode == 0, clean.stdout
        assert expected == case.source.read_text(encoding="utf-8")
    else:
        before = run_cli("check", *check_args, case.source)
        assert before.returncode == 1, "a fixture that is not ok_* must have findings"
