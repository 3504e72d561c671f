"""Every fixture pair through the CLI (in this process): ``check`` gives exactly the expected findings, ``fix``
gives the expected file having fixed as many findings as ``check`` called fixable, and a second fix changes
nothing. ``pytest --update-fixtures`` rewrites the findings and ``.out`` files from what the tool does now, for a
reviewer to read in the diff."""

from __future__ import annotations

import ast
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from conftest import AS_OF, FIXTURES, invoke
from fixture_cases import FixtureCase, fixture_cases

from claude_migrate.run.rulecache import load as load_rule_set

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


def dated(case: FixtureCase) -> list[str]:
    """The fixture's options, on the suite's date unless the fixture names its own."""
    return case.args if "--as-of" in case.args else [*case.args, "--as-of", AS_OF]


def reported(case: FixtureCase, work: Path) -> list[str]:
    """``line:col CODE safety`` for each finding ``check`` reports on the fixture's input."""
    args = [arg for arg in dated(case) if arg != "--unsafe-fixes"]
    checked = invoke("check", *args, "--output-format", "json", work, cwd=work.parent)
    target_error = any(line.startswith("error: target ") for line in checked.stderr.splitlines())
    assert checked.returncode == (1 if json.loads(checked.stdout) or target_error else 0), checked.stderr
    return [f"{item['line']}:{item['column']} {item['code']} {item['fix_safety']}" for item in json.loads(checked.stdout)]


def fixable(found: list[str], args: list[str]) -> int:
    """How many of ``found`` a ``fix`` with ``args`` applies: what ``check`` promises ``fix`` will do."""
    allowed = {"safe", "unsafe"} if "--unsafe-fixes" in args else {"safe"}
    return sum(line.rsplit(" ", 1)[1] in allowed for line in found)


def test_every_fixture_has_its_expected_output_and_findings() -> None:
    assert CASES, "no fixtures found"
    missing = [case.id for case in CASES if not case.expected.is_file()]
    assert not missing, f"fixtures without their .out file: {missing}"
    missing = [case.id for case in CASES if not case.negative and not case.findings.is_file()]
    assert not missing, f"fixtures without their .findings file (run pytest --update-fixtures): {missing}"
    redundant = [case.id for case in CASES if case.negative and (
        case.findings.is_file() or case.source.with_name(case.source.name.replace(".in.", ".out.")).exists())]
    assert not redundant, f"ok_* fixtures need neither a .out copy nor a .findings file: {redundant}"


def test_every_rule_is_shown_by_a_fixture() -> None:
    shown = {line.split()[1] for case in CASES if case.findings.is_file()
             for line in case.findings.read_text(encoding="utf-8").splitlines()}
    # a project's findings count too: the SDK rules need the dependency files only a project has
    shown |= {line.split()[1] for path in FIXTURES.glob("projects/*/findings")
              for line in path.read_text(encoding="utf-8").splitlines()}
    missing = sorted(rule.code for rule in load_rule_set().rules if rule.code not in shown)
    assert not missing, f"rules that no fixture's findings show: {missing}"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_fixture(case: FixtureCase, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    work = tmp_path / case.work_name
    shutil.copyfile(case.source, work)
    found = reported(case, work)
    if case.negative:
        assert found == [], "an ok_* fixture must have no findings"
    elif request.config.getoption("--update-fixtures"):
        case.findings.write_text("".join(line + "\n" for line in found), encoding="utf-8")
    else:
        assert found == case.findings.read_text(encoding="utf-8").splitlines()

    first = invoke("fix", *dated(case), work, cwd=tmp_path)
    assert first.returncode in (0, 1), first.stderr
    # a target whose model is retired on the fixture's date is reported as "error: target ..." (and exits 1)
    assert not [line for line in first.stderr.splitlines() if "error" in line and not line.startswith("error: target ")]
    if request.config.getoption("--update-fixtures") and not case.negative:
        shutil.copyfile(work, case.expected)
    fixed = re.search(r"Fixed (\d+) findings?", first.stdout)
    assert fixed is not None, first.stdout
    assert int(fixed[1]) == fixable(found, case.args), "check and fix disagree on how many findings fix applies"
    assert work.read_bytes() == case.expected.read_bytes()
    assert_valid(case.work_name, case.expected.read_text(encoding="utf-8"))

    second = invoke("fix", *dated(case), work, cwd=tmp_path)
    assert work.read_bytes() == case.expected.read_bytes()
    assert "Fixed 0 findings in 0 files" in second.stdout
